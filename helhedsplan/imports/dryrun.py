"""The dry run: what each row of an uploaded file would do, judged by the models' own rules, saving nothing.

Every row gets one outcome — ``new``, ``changed`` (old → new), ``unchanged``, ``refused`` (with each refused cell's
column and the Danish message) or ``empty`` (no new value: left as it is) — and records what it saw: the
``lock_version`` of the row it would change, so that applying it later can tell whether someone changed that
row meanwhile. A value is validated by building the model object it would become and asking its
``clean_fields()`` and ``clean()`` (the period, the digits, the control characters): the same sentences the forms
show. The uniqueness rules are read from what the file and the database hold (one query for the whole file), so
the dry run asks a fixed number of queries however many rows the file has.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from helhedsplan.budget.models import NEGATIVE_MESSAGE, ActualSpend, BudgetLine
from helhedsplan.core.formatting import format_date, format_number
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.plans.models import Estate, Plan

from . import selectors
from .columns import (
    ACTUAL_SPEND,
    EXTRACT,
    KIND_MARKERS,
    KINDS,
    MEASUREMENTS,
    CellError,
    Column,
    date_of,
    header_names,
    id_of,
    is_blank,
    is_suppressed,
    messages_by_field,
    normalise,
    number_of,
    text_of,
    year_of,
)
from .reading import Cell, Sheet

NEW, CHANGED, UNCHANGED, REFUSED, EMPTY = "new", "changed", "unchanged", "refused", "empty"

#: Which column shows a model field's refusal (an extract's date is its year's).
MEASUREMENT_FIELD_COLUMN = {"date": "date", "value": "value", "note": "note", "estate": "estate"}
EXTRACT_FIELD_COLUMN = {"date": "year", "value": "value", "estate": "estate"}
#: What the estate cell of an extract's row says for the plan's own figure (the plan's area as a whole).
PLAN_WORDS = {"helhedsplan", "hele planen", "hele området", "i alt", "plan", "whole plan"}
ACTUAL_FIELD_COLUMN = {"year": "year", "amount": "actual"}


def _header(column: Column) -> str:
    return str(column.header)


class _Row:
    """One row being judged: its place, and the refusals of its cells."""

    def __init__(self, sheet: Sheet, number: int, columns: dict[str, int], cells: list[Cell], kind: str):
        self.sheet, self.number, self.columns, self.cells, self.kind = sheet, number, columns, cells, kind
        self.errors: list[list[str]] = []
        #: [column, value] of what the file names and the plan does not have (an estate, a topic): listed apart.
        self.unknown: list[list[str]] = []
        self.by_key = {column.key: column for column in KINDS[kind]}

    def cell(self, key: str) -> Cell:
        index = self.columns.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def refuse(self, key: str, message: str) -> None:
        column = self.by_key.get(key)
        self.errors.append([_header(column) if column else key, str(message)])

    def read(self, key: str, reader, **kwargs):
        """The cell ``key`` read by ``reader``; None (and the refusal noted) when it cannot be."""
        try:
            return reader(self.cell(key), **kwargs)
        except CellError as error:
            self.refuse(key, str(error))
            return None

    def result(self, **values) -> dict:
        outcome = REFUSED if self.errors else values.pop("outcome")
        values.pop("outcome", None)
        return {
            "sheet": self.sheet.name,
            "row": self.number,
            "kind": self.kind,
            "outcome": outcome,
            "errors": self.errors,
            "unknown": self.unknown,
            **values,
        }


def _sheet_kind(sheet: Sheet) -> tuple[str | None, dict[str, int], list[str]]:
    """The sheet's kind, its columns' positions by key, and the headers the template does not have."""
    normalised = [normalise(header) for header in sheet.header]
    for kind, marker in KIND_MARKERS.items():
        marker_column = next(column for column in KINDS[kind] if column.key == marker)
        if header_names(marker_column) & set(normalised):
            break
    else:
        return None, {}, []
    positions: dict[str, int] = {}
    unknown: list[str] = []
    names = {column.key: header_names(column) for column in KINDS[kind]}
    for index, header in enumerate(normalised):
        if not header:
            continue
        key = next((key for key, known in names.items() if header in known), None)
        if key is None or key in positions:
            unknown.append(sheet.header[index])
        else:
            positions[key] = index
    return kind, positions, unknown


def dry_run(*, plan: Plan, user, sheets: Iterable[Sheet]) -> list[dict]:
    """Every row's outcome, in the file's order (see the module docstring)."""
    judged: list[tuple[str, Sheet, dict[str, int]]] = []
    results: list[dict] = []
    for sheet in sheets:
        if not sheet.header:
            continue
        kind, positions, unknown = _sheet_kind(sheet)
        if kind is None:
            results.append(
                {
                    "sheet": sheet.name,
                    "row": 1,
                    "kind": "",
                    "outcome": REFUSED,
                    "errors": [
                        [
                            "—",
                            _(
                                "The sheet's columns are not the template's: it has neither an indicator's nor a "
                                "budget line's number, nor an extract's topic code. Download the template and "
                                "fill that in."
                            ),
                        ]
                    ],
                    "label": "",
                }
            )
            continue
        for header in unknown:
            results.append(
                {
                    "sheet": sheet.name,
                    "row": 1,
                    "kind": kind,
                    "outcome": REFUSED,
                    "errors": [
                        [header, _("Unknown column: the template has no such column, and it is not read.")]
                    ],
                    "label": "",
                }
            )
        judged.append((kind, sheet, positions))
    measurement_sheets = [(sheet, positions) for kind, sheet, positions in judged if kind == MEASUREMENTS]
    spend_sheets = [(sheet, positions) for kind, sheet, positions in judged if kind == ACTUAL_SPEND]
    extract_sheets = [(sheet, positions) for kind, sheet, positions in judged if kind == EXTRACT]
    if measurement_sheets:
        results.extend(_measurements(plan, user, measurement_sheets))
    if extract_sheets:
        results.extend(_extract(plan, user, extract_sheets))
    if spend_sheets:
        results.extend(_actual_spend(plan, user, spend_sheets))
    return results


# --- Measurements ---------------------------------------------------------------------------------------------


def _measurements(plan: Plan, user, sheets: list[tuple[Sheet, dict[str, int]]]) -> list[dict]:
    rows = [
        _Row(sheet, number, positions, cells, MEASUREMENTS)
        for sheet, positions in sheets
        for number, cells in sheet.rows
    ]
    ids = set()
    for row in rows:
        with contextlib.suppress(CellError):
            ids.add(id_of(row.cell("indicator")))
    # The plan's indicators named by the file (1 query), and which of them the user may give values (1 query).
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.in_plan(plan)
        .filter(pk__in=ids)
        .select_related("plan", "goal__sub_agreement", "strategic_goal")
    }
    measurable = set(
        Indicator.objects.for_user(user, selectors.EDIT_GOALS)
        .in_plan(plan)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    estates = _estates_by_number(plan)
    parsed = [(row, _read_measurement(row, indicators, estates)) for row in rows]
    existing = _existing(indicators, {values[1] for _row, values in parsed if values and values[1]})
    seen: dict[tuple, int] = {}
    results = []
    for row, values in parsed:
        if values is None:
            results.append(row.result(outcome=EMPTY, label=""))
            continue
        indicator, day, value, note, suppressed, estate = values
        results.append(
            _judge(
                row,
                _Figure(indicator, day, value, note, suppressed, estate),
                measurable=measurable,
                existing=existing,
                seen=seen,
                field_column=MEASUREMENT_FIELD_COLUMN,
            )
        )
    return results


class _Figure:
    """A row's figure once read: each part None where its cell was refused."""

    def __init__(self, indicator, day, value, note, suppressed, estate):
        self.indicator: Indicator | None = indicator
        self.day: datetime.date | None = day
        self.value = value
        self.note: str = note
        self.suppressed: bool = suppressed
        #: None: the plan's own figure.
        self.estate: Estate | None = estate


def _estates_by_number(plan: Plan) -> dict[str, list[Estate]]:
    """The plan's estates by their number (afdelingsnummer), as a file names them (1 query)."""
    found: dict[str, list[Estate]] = {}
    for estate in Estate.objects.filter(plan=plan).exclude(number="").select_related("plan"):
        found.setdefault(estate.number.strip().casefold(), []).append(estate)
    return found


def _estate_of(row: _Row, estates: dict[str, list[Estate]]) -> tuple[bool, Estate | None]:
    """(read, the estate) of the row's estate cell: (True, None) for the plan's own figure (a blank cell, or
    words such as "helhedsplan"); (False, None) when refused. Matched by number, never by a name."""
    cell = row.cell("estate")
    if is_blank(cell) or (isinstance(cell, str) and cell.strip().casefold() in PLAN_WORDS):
        return True, None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # a number cell: 12.0 is estate "12"
    try:
        number = text_of(cell)
    except CellError as error:
        row.refuse("estate", str(error))
        return False, None
    matches = estates.get(number.casefold(), [])
    if len(matches) == 1:
        return True, matches[0]
    if matches:
        row.refuse(
            "estate",
            _("Several of the plan's estates have number %(number)s; give each its own number first.")
            % {"number": number},
        )
    else:
        row.refuse("estate", _("The plan has no estate with number %(number)s.") % {"number": number})
        row.unknown.append([_header(row.by_key["estate"]), number])
    return False, None


def _existing(indicators: dict[int, Indicator], dates: set) -> dict[tuple, Measurement]:
    """The plan's and the estates' figures the file's rows may change, by (indicator, date, estate) (1 query)."""
    return {
        (m.indicator_id, m.date, m.estate_id): m
        for m in Measurement.objects.filter(
            indicator_id__in=list(indicators),
            date__in=dates,
            level__in=[Measurement.Level.PLAN, Measurement.Level.ESTATE],
        )
    }


def _judge(
    row: _Row,
    figure: _Figure,
    *,
    measurable: set[int],
    existing: dict[tuple, Measurement],
    seen: dict[tuple, int],
    field_column: dict[str, str],
) -> dict:
    """The outcome of one figure: the rights, the file's duplicates and the model's own rules."""
    indicator, day, estate = figure.indicator, figure.day, figure.estate
    label = str(indicator) if indicator else ""
    if estate is not None:
        label = f"{label} · {estate}"
    if indicator is not None and indicator.pk not in measurable:
        row.refuse(
            "indicator" if "indicator" in row.by_key else "topic",
            _("You may not enter values for this indicator: it lies outside the sub-agreements you edit.")
            if indicator.goal_id
            else _("The strategic agreement's key figures are entered by the plan's coordinators."),
        )
    if indicator is None or day is None or (figure.value is None and not figure.suppressed):
        return row.result(outcome=REFUSED, label=label)
    key = (indicator.pk, day, estate.pk if estate else None)
    if key in seen:
        row.refuse(
            field_column["date"],
            _("The file already has a value for this indicator on this date (row %(row)s).")
            % {"row": seen[key]},
        )
    else:
        seen[key] = row.number
    current = existing.get(key)
    level = Measurement.Level.PLAN if estate is None else Measurement.Level.ESTATE
    candidate = Measurement(
        indicator=indicator,
        date=day,
        level=level,
        estate=estate,
        value=figure.value,
        suppressed=figure.suppressed,
        note=figure.note,
    )
    try:
        candidate.clean_fields(exclude=["indicator", "estate", "entered_by", "entered_at"])
        candidate.clean()
    except ValidationError as error:
        for name, messages in messages_by_field(error).items():
            for message in messages:
                row.refuse(field_column.get(name, "value"), message)
    note = figure.note
    common = {
        "label": label,
        "target": indicator.pk,
        "estate": estate.pk if estate else None,
        "date": day.isoformat(),
        "value": None if figure.value is None else str(figure.value),
        "suppressed": figure.suppressed,
        "note": note,
        "when": format_date(day),
        "new": candidate.value_text(),
    }
    if current is None:
        return row.result(outcome=NEW, existing=None, seen=None, old="", **common)
    same = (
        current.value == figure.value
        and current.suppressed == figure.suppressed
        and (current.note == note or not note)
    )
    result = row.result(
        outcome=UNCHANGED if same else CHANGED,
        existing=current.pk,
        seen=current.lock_version,
        old=current.value_text(),
        **common,
    )
    if not note:
        result["note"] = current.note  # an empty note cell keeps the note there was
    return result


def _read_measurement(row: _Row, indicators: dict[int, Indicator], estates: dict[str, list[Estate]]):
    """(indicator, date, value, note, suppressed, estate) of a row with a new value — each None where refused —
    or None for a row without one. A value written as "diskretioneret" (or "diskr.", ".") is a suppressed
    figure; an estate number makes it that estate's figure."""
    value_cell, date_cell, note_cell = row.cell("value"), row.cell("date"), row.cell("note")
    if is_blank(value_cell) and is_blank(date_cell):
        if not is_blank(note_cell):
            row.refuse("value", _("A note needs a new value and its date."))
            return (None, None, None, "", False, None)
        return None
    indicator = None
    number = row.read("indicator", id_of)
    if number is not None:
        indicator = indicators.get(number)
        if indicator is None:
            row.refuse(
                "indicator", _("The plan has no indicator with number %(number)s.") % {"number": number}
            )
    unit_cell = row.cell("unit")
    if indicator is not None and not is_blank(unit_cell):
        unit = row.read("unit", text_of)
        if unit is not None and unit.casefold() != indicator.unit.strip().casefold():
            row.refuse(
                "unit",
                _("The indicator is measured in %(unit)s, not %(given)s.")
                % {"unit": indicator.unit, "given": unit},
            )
    value, suppressed = None, False
    if is_blank(value_cell):
        row.refuse("value", _("Write the new value, or clear its date."))
    elif is_suppressed(value_cell):
        suppressed = True
    else:
        value = row.read("value", number_of, unit=indicator.unit if indicator else "")
    day = None
    if is_blank(date_cell):
        row.refuse("date", _("Write the date of the new value."))
    else:
        day = row.read("date", date_of)
    note = row.read("note", text_of) or ""
    read, estate = _estate_of(row, estates)
    if not read:
        indicator = None  # refused at its column; the row saves nothing
    return (indicator, day, value, note, suppressed, estate)


# --- An extract of Beboerdata / Boligsociale Data -------------------------------------------------------------


def indicators_by_catalogue_code(plan: Plan, codes: set[str]) -> dict[str, list[Indicator]]:
    """The plan's indicators picked from the catalogue entries with ``codes``, by code (1 query). The one place
    an extract's topic is matched to an indicator: by its catalogue code, never by a name."""
    wanted = {code.casefold() for code in codes}
    found: dict[str, list[Indicator]] = {}
    for indicator in (
        Indicator.objects.in_plan(plan)
        .filter(catalogue_entry__isnull=False)
        .select_related("plan", "goal__sub_agreement", "strategic_goal", "catalogue_entry")
        .order_by("pk")
    ):
        assert indicator.catalogue_entry is not None  # filtered so just above
        code = indicator.catalogue_entry.code.casefold()
        if code in wanted:
            found.setdefault(code, []).append(indicator)
    return found


def _extract(plan: Plan, user, sheets: list[tuple[Sheet, dict[str, int]]]) -> list[dict]:
    """An extract's rows: each a figure of an estate (or of the plan) for a year, dated the year's last day."""
    rows = [
        _Row(sheet, number, positions, cells, EXTRACT)
        for sheet, positions in sheets
        for number, cells in sheet.rows
    ]
    codes = set()
    for row in rows:
        with contextlib.suppress(CellError):
            code = text_of(row.cell("topic"))
            if code:
                codes.add(code)
    by_code = indicators_by_catalogue_code(plan, codes)
    indicators = {indicator.pk: indicator for found in by_code.values() for indicator in found}
    measurable = set(
        Indicator.objects.for_user(user, selectors.EDIT_GOALS)
        .in_plan(plan)
        .filter(pk__in=list(indicators))
        .values_list("pk", flat=True)
    )
    estates = _estates_by_number(plan)
    figures = [(row, _read_extract_row(row, by_code, estates)) for row in rows]
    existing = _existing(indicators, {figure.day for _row, figure in figures if figure and figure.day})
    seen: dict[tuple, int] = {}
    results = []
    for row, figure in figures:
        if figure is None:
            results.append(row.result(outcome=EMPTY, label=""))
            continue
        results.append(
            _judge(
                row,
                figure,
                measurable=measurable,
                existing=existing,
                seen=seen,
                field_column=EXTRACT_FIELD_COLUMN,
            )
        )
    return results


def _read_extract_row(
    row: _Row, by_code: dict[str, list[Indicator]], estates: dict[str, list[Estate]]
) -> _Figure | None:
    """The figure of an extract's row (None for a row without a value)."""
    value_cell = row.cell("value")
    if is_blank(value_cell):
        return None
    indicator = None
    code = row.read("topic", text_of)
    if not code:
        if code is not None:
            row.refuse("topic", _("Write the topic's code from the indicator catalogue."))
    else:
        matches = by_code.get(code.casefold(), [])
        if len(matches) == 1:
            indicator = matches[0]
        elif matches:
            row.refuse(
                "topic",
                _("Several of the plan's indicators are picked from the catalogue entry %(code)s: %(names)s.")
                % {"code": code, "names": ", ".join(str(m) for m in matches)},
            )
        else:
            row.refuse(
                "topic",
                _(
                    "No indicator of the plan is picked from the catalogue entry %(code)s. Pick it from the "
                    "catalogue on a new indicator first; nothing is guessed."
                )
                % {"code": code},
            )
            row.unknown.append([_header(row.by_key["topic"]), code])
    read, estate = _estate_of(row, estates)
    year = row.read("year", year_of)
    day = datetime.date(year, 12, 31) if year is not None and 1900 <= year <= 2100 else None
    if year is not None and day is None:
        row.refuse("year", _("Write a year, e.g. 2024."))
    value, suppressed = None, False
    if is_suppressed(value_cell):
        suppressed = True
    else:
        value = row.read("value", number_of, unit=indicator.unit if indicator else "")
    if not read:
        indicator = None
    return _Figure(indicator, day, value, "", suppressed, estate)


# --- Actual spend ---------------------------------------------------------------------------------------------


def _actual_spend(plan: Plan, user, sheets: list[tuple[Sheet, dict[str, int]]]) -> list[dict]:
    rows = [
        _Row(sheet, number, positions, cells, ACTUAL_SPEND)
        for sheet, positions in sheets
        for number, cells in sheet.rows
    ]
    allowed = selectors.may_enter_actual_spend(plan, user)
    # The plan's lines with their actual spend (three queries).
    lines = {line.pk: line for line in selectors.spend_lines(plan)}
    seen: dict[tuple[int, int], int] = {}
    results = []
    for row in rows:
        amount_cell = row.cell("actual")
        if is_blank(amount_cell):
            results.append(row.result(outcome=EMPTY, label=""))
            continue
        line: BudgetLine | None = None
        number = row.read("line", id_of)
        if number is not None:
            line = lines.get(number)
            if line is None:
                row.refuse(
                    "line", _("The plan has no budget line with number %(number)s.") % {"number": number}
                )
        if not allowed:
            row.refuse(
                "actual", _("Only the plan's coordinators and whoever keeps its accounts enter actual spend.")
            )
        year = row.read("year", year_of)
        amount = row.read("actual", number_of)
        label = str(line) if line is not None else ""
        if line is None or year is None or amount is None:
            results.append(row.result(outcome=REFUSED, label=label))
            continue
        key = (line.pk, year)
        if key in seen:
            row.refuse(
                "year",
                _("The file already has this line's spend for this year (row %(row)s).") % {"row": seen[key]},
            )
        else:
            seen[key] = row.number
        if amount < 0:  # the constraint's own message (constraints are asked of the database, once per row)
            row.refuse("actual", str(NEGATIVE_MESSAGE))
        candidate = ActualSpend(line=line, year=year, amount=amount)
        try:
            candidate.clean_fields(exclude=["line"])
            candidate.clean()
        except ValidationError as error:
            for name, messages in messages_by_field(error).items():
                for message in messages:
                    row.refuse(ACTUAL_FIELD_COLUMN.get(name, "actual"), message)
        current = {actual.year: actual.amount for actual in line.actuals.all()}.get(year)
        same = current is not None and current == amount
        results.append(
            row.result(
                outcome=UNCHANGED if same else (NEW if current is None else CHANGED),
                label=label,
                target=line.pk,
                year=year,
                value=str(amount),
                when=str(year),
                seen=line.lock_version,
                old="" if current is None else f"{format_number(current, 2)} kr.",
                new=f"{format_number(amount, 2)} kr.",
            )
        )
    return results
