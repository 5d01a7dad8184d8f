"""The columns of the import template, by sheet kind, and reading one cell as a number, a date or text.

Each column has a key (what the dry run reads), its Danish header (what the template writes and a file must
carry) and whether the import reads it: the others (the indicator's name, baseline, target, the last value) are
there for the person filling in, and are not read back.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.core.formatting import parse_danish_number

from .reading import Cell


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    #: Read by the import; False: shown for the one filling in, not read back.
    read: bool = True
    width: int = 14
    #: Other headers a file may carry for it (as published elsewhere, e.g. in Landsbyggefonden's extracts).
    aliases: tuple[str, ...] = ()


MEASUREMENTS = "measurements"
ACTUAL_SPEND = "actual_spend"
#: An extract of Landsbyggefonden's Beboerdata / Boligsociale Data: one row per estate, year and topic.
EXTRACT = "extract"

#: The measurement sheet: one row per indicator the user may give a value.
MEASUREMENT_COLUMNS: tuple[Column, ...] = (
    Column("indicator", gettext_lazy("Indicator no."), width=10),
    Column("name", gettext_lazy("Indicator"), read=False, width=40),
    Column("where", gettext_lazy("Sub-agreement"), read=False, width=28),
    Column("unit", gettext_lazy("Unit"), width=10),
    Column("baseline", gettext_lazy("Baseline"), read=False),
    Column("target", gettext_lazy("Target"), read=False),
    Column("latest_value", gettext_lazy("Latest value"), read=False),
    Column("latest_date", gettext_lazy("Latest date"), read=False),
    Column("value", gettext_lazy("New value")),
    Column("date", gettext_lazy("Date of the new value")),
    # Empty: the plan's own figure; an estate's number (afdelingsnummer): that estate's figure.
    Column("estate", gettext_lazy("Estate no. (empty: the whole plan)"), width=16, aliases=("afdelingsnr.",)),
    Column("note", gettext_lazy("Note"), width=30),
)

#: A sheet of a year's actual spend: one row per budget line.
ACTUAL_SPEND_COLUMNS: tuple[Column, ...] = (
    Column("line", gettext_lazy("Budget line no."), width=10),
    Column("name", gettext_lazy("Budget line"), read=False, width=50),
    Column("year", gettext_lazy("Year"), width=8),
    Column("budget", gettext_lazy("Budget (kr.)"), read=False, width=16),
    Column("actual", gettext_lazy("Actual spend (kr.)"), width=18),
)

#: An extract in the shape Landsbyggefonden publishes: the estate's number, the year, the topic (a catalogue code)
#: and the value, where a suppressed cell reads "." or "diskr.". The names are read, never matched.
EXTRACT_COLUMNS: tuple[Column, ...] = (
    Column(
        "estate", gettext_lazy("Estate number"), aliases=("afdeling", "afd.nr.", "afdelingsnr.", "afd. nr.")
    ),
    Column("estate_name", gettext_lazy("Estate name"), read=False, aliases=("afdelingsnavn",)),
    Column("year", gettext_lazy("Year"), aliases=("aar",)),
    Column(
        "topic", gettext_lazy("Topic code"), aliases=("emne", "kode", "indikator", "indikatorkode", "topic")
    ),
    Column("topic_name", gettext_lazy("Topic name"), read=False, aliases=("emnenavn", "indikatornavn")),
    Column("value", gettext_lazy("Value"), aliases=("vaerdi",)),
)

KINDS: dict[str, tuple[Column, ...]] = {
    MEASUREMENTS: MEASUREMENT_COLUMNS,
    ACTUAL_SPEND: ACTUAL_SPEND_COLUMNS,
    EXTRACT: EXTRACT_COLUMNS,
}
#: The column whose header tells a sheet's kind (the first that matches; the template's before the extract's).
KIND_MARKERS = {MEASUREMENTS: "indicator", ACTUAL_SPEND: "line", EXTRACT: "topic"}

#: What a value cell says for a suppressed figure: Danmarks Statistik's and Landsbyggefonden's words and marks
#: (an extract shows "." or "diskr."), and the English one.
SUPPRESSED_WORDS = {"diskretioneret", "diskr.", "diskr", ".", "suppressed"}


def is_suppressed(cell: Cell) -> bool:
    return isinstance(cell, str) and cell.strip().casefold() in SUPPRESSED_WORDS


def normalise(header: str) -> str:
    return re.sub(r"\s+", " ", header).strip().casefold()


def header_names(column: Column) -> set[str]:
    """The headers a file may carry for ``column``: the Danish one (as the template writes) and the English."""
    from django.utils import translation

    names = {normalise(str(column.header)), *(normalise(alias) for alias in column.aliases)}
    with translation.override("en"):
        names.add(normalise(str(column.header)))
    with translation.override("da"):
        names.add(normalise(str(column.header)))
    return names


class CellError(Exception):
    """A cell refused; its message is Danish and names what is wrong."""


def is_formula(cell: Cell) -> bool:
    return isinstance(cell, str) and cell.lstrip().startswith("=")


def refuse_formula(cell: Cell) -> None:
    if is_formula(cell):
        raise CellError(
            _("The cell holds a formula; write the value itself (formulas are never calculated).")
        )


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text_of(cell: Cell) -> str:
    refuse_formula(cell)
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
    return str(cell).strip()


def number_of(cell: Cell, *, unit: str = "") -> Decimal:
    """A number as a number cell or as Danes (or English) write it: "12,5", "1.200", "12.5", "45 %"."""
    refuse_formula(cell)
    if isinstance(cell, bool | datetime.date):
        raise CellError(_("Write a number."))
    if isinstance(cell, int | float | Decimal):
        try:
            number = Decimal(str(cell))
        except InvalidOperation as error:
            raise CellError(_("Write a number.")) from error
    else:
        text = str(cell).strip()
        if unit and text.casefold().endswith(unit.casefold()) and len(text) > len(unit):
            text = text[: -len(unit)].strip()  # "45 %" for an indicator in %
        try:
            number = parse_danish_number(text)
        except ValueError as error:
            if re.search(r"[^\d\s.,+\-\u2212]", text):
                raise CellError(
                    _("The value is not in the indicator's unit (%(unit)s): write the number alone.")
                    % {"unit": unit or "—"}
                ) from error
            raise CellError(_("Write a number, e.g. 12,5.")) from error
    if not number.is_finite():
        raise CellError(_("Write a number, e.g. 12,5."))
    return number


_DATE_FORMATS = ("%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y")


def date_of(cell: Cell) -> datetime.date:
    """A date as a date cell or as text: 31.12.2024, 31-12-2024, 2024-12-31."""
    refuse_formula(cell)
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, str):
        text = cell.strip()
        for fmt in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CellError(_("Write a date as 31.12.2024."))


def year_of(cell: Cell) -> int:
    refuse_formula(cell)
    if isinstance(cell, bool):
        raise CellError(_("Write a year, e.g. 2024."))
    if isinstance(cell, int | float | Decimal) and float(cell).is_integer():
        year = int(cell)
    elif isinstance(cell, str) and cell.strip().isdigit() and len(cell.strip()) == 4:
        year = int(cell.strip())
    else:
        raise CellError(_("Write a year, e.g. 2024."))
    return year


def id_of(cell: Cell) -> int:
    """A row's number (an indicator's or a budget line's), as the template writes it."""
    refuse_formula(cell)
    if isinstance(cell, bool):
        raise CellError(_("Write the number from the template."))
    if isinstance(cell, int | float | Decimal) and float(cell).is_integer() and 0 < cell < 2**31:
        return int(cell)
    if isinstance(cell, str) and cell.strip().isdigit() and 0 < int(cell.strip()) < 2**31:
        return int(cell.strip())
    raise CellError(_("Write the number from the template."))


def messages_by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errors).messages]
            for name, errors in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}
