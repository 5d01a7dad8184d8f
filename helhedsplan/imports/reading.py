"""Reading an uploaded spreadsheet (xlsx or CSV) into plain rows of text, numbers and dates — and nothing else.

openpyxl reads the workbook in read-only mode and never evaluates a formula: a formula cell arrives as its text
("=SUM(A1:A3)"), which the dry run refuses at its row and column. CSV is read with the csv module, in UTF-8 (with
or without a byte-order mark) or, failing that, Windows-1252 as Danish Excel writes it, separated by semicolons,
commas or tabs; lines starting with "#" above its header row are comments. A file larger than ``MAX_BYTES`` or with more than ``MAX_ROWS`` rows is refused whole; a sheet is
read at most ``MAX_COLUMNS`` wide. Nothing here knows what the rows mean (``imports.dryrun`` does).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

#: The largest file accepted (a filled template of a large plan is some 200 kB).
MAX_BYTES = 5 * 1024 * 1024
#: The most rows read in all sheets together (a year of a plan's measurements is some hundreds).
MAX_ROWS = 20_000
#: The widest a sheet is read; a template has fewer columns than this.
MAX_COLUMNS = 40

#: What a cell may hold once read.
Cell = str | int | float | Decimal | datetime.date | datetime.datetime | bool | None


class UnreadableFile(Exception):
    """The file is refused as a whole (its message is Danish, for the upload form)."""


@dataclass
class Sheet:
    name: str
    #: The header row's cells, as written.
    header: list[str] = field(default_factory=list)
    #: (row number as the spreadsheet shows it, the row's cells), empty rows left out.
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def read_file(name: str, content: bytes) -> list[Sheet]:
    """The sheets of the uploaded file ``name``; raises UnreadableFile for a file that is not one we read."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            _("The file is too large: at most %(limit)s MB can be imported at a time.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    lower = name.lower()
    if content[:4] == b"PK\x03\x04":
        if not lower.endswith((".xlsx", ".xlsm")):
            raise UnreadableFile(_("Upload an Excel workbook (.xlsx) or a CSV file."))
        sheets = _read_xlsx(content)
    elif lower.endswith((".csv", ".txt")):
        sheets = [_read_csv(content)]
    else:
        raise UnreadableFile(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    if sum(len(sheet.rows) for sheet in sheets) > MAX_ROWS:
        raise UnreadableFile(
            _("The file has more than %(limit)s rows; split it into smaller files.")
            % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    if not any(sheet.header for sheet in sheets):
        raise UnreadableFile(_("The file has no sheet with a header row."))
    return sheets


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _is_empty(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _read_xlsx(content: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        # read_only: streamed, never the whole sheet in memory; data_only=False: a formula stays its text, never a
        # cached result that a file could forge.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as error:
        raise UnreadableFile(_("The file could not be read as an Excel workbook.")) from error
    except Exception as error:  # openpyxl raises many kinds on a damaged file; none is ours to show
        raise UnreadableFile(_("The file could not be read as an Excel workbook.")) from error
    sheets: list[Sheet] = []
    total = 0
    try:
        for worksheet in workbook.worksheets:
            sheet = Sheet(name=str(worksheet.title))
            for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                cells: list[Cell] = list(row)
                if _is_empty(cells):
                    continue
                if not sheet.header:
                    sheet.header = [_text(cell) for cell in cells]
                    continue
                total += 1
                if total > MAX_ROWS:
                    raise UnreadableFile(
                        _("The file has more than %(limit)s rows; split it into smaller files.")
                        % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
                    )
                sheet.rows.append((number, cells))
            sheets.append(sheet)
    except UnreadableFile:
        raise
    except Exception as error:  # a damaged sheet inside a readable zip
        raise UnreadableFile(_("The file could not be read as an Excel workbook.")) from error
    finally:
        workbook.close()
    return sheets


def _read_csv(content: bytes) -> Sheet:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly every byte; the five it cannot land here
        raise UnreadableFile(_("The file's characters could not be read; save it as CSV in UTF-8."))
    if "\x00" in text:
        raise UnreadableFile(_("The file's characters could not be read; save it as CSV in UTF-8."))
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    first_line = lines[0] if lines else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    sheet = Sheet(name="CSV")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            cells: list[Cell] = list(row[:MAX_COLUMNS])
            if _is_empty(cells):
                continue
            if not sheet.header and str(cells[0]).lstrip().startswith("#"):
                continue  # a comment above the header (the shipped example extract says what it is)
            if not sheet.header:
                sheet.header = [_text(cell) for cell in cells]
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise UnreadableFile(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": f"{MAX_ROWS:,}".replace(",", ".")}
                )
            sheet.rows.append((number, cells))
    except csv.Error as error:
        raise UnreadableFile(_("The file could not be read as CSV.")) from error
    return sheet
