"""Writing rows of a spreadsheet (openpyxl) so that stored text can never break or hijack it.

Every xlsx export writes its rows through ``append_row``: text is always a text cell (``data_type`` "s") — a
description "=HYPERLINK(…)" or a funding source named "=1+2" is shown as written, never run as a formula — and
characters XML cannot hold (a vertical tab pasted from Word) are dropped, so an export never fails on what is
stored. Numbers, dates and empty cells are written as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from helhedsplan.core.validators import without_control_characters


def text_cell(sheet: Worksheet, text: object) -> Cell:
    """A cell of ``sheet`` holding ``text`` as text, whatever it starts with."""
    cell = Cell(sheet, value=without_control_characters(str(text)))
    cell.data_type = "s"  # openpyxl would read "=…" as a formula and "#N/A" as an error
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any], *, font: Font | None = None) -> None:
    """Append ``values`` as the next row of ``sheet``: text (also translated text) as text cells."""
    cells = [
        value if value is None or isinstance(value, int | float | Cell) else text_cell(sheet, value)
        for value in values
    ]
    sheet.append(cells)
    if font is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = font
