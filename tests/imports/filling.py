"""Filling in the import template as a person would, with openpyxl: for the tests and the every-URL walk."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

from django.utils import translation
from openpyxl import load_workbook

from helhedsplan.imports import selectors
from helhedsplan.imports.columns import ACTUAL_SPEND_COLUMNS, MEASUREMENT_COLUMNS
from helhedsplan.imports.template import template_workbook


def header(columns, key: str) -> str:
    """The Danish header of the column ``key``, as the template writes it."""
    with translation.override("da"):
        return next(str(column.header) for column in columns if column.key == key)


def template_for(plan, user) -> bytes:
    """The template ``user`` downloads for ``plan`` (as the exporter builds it)."""
    lines = selectors.spend_lines(plan) if selectors.may_enter_actual_spend(plan, user) else None
    return template_workbook(plan, list(selectors.measurable_indicators(plan, user)), lines)


def fill(
    content: bytes,
    *,
    values: dict[int, tuple[Any, Any]] | None = None,
    spend: dict[tuple[int, int], Any] | None = None,
    notes: dict[int, str] | None = None,
    estates: list[tuple[int, str, Any, Any]] | None = None,
) -> bytes:
    """The template ``content`` with a new value and its date per indicator number (``values``), and actual spend
    per (line number, year) (``spend``): the cells a person types into. ``estates``: rows added for estates'
    figures, each (indicator number, estate number, value, date), as a person copies an indicator's row."""
    book = load_workbook(BytesIO(content))
    values, spend, notes = values or {}, spend or {}, notes or {}
    for sheet in book.worksheets:
        header_row = [cell.value for cell in sheet[1]]
        if _m("value") in header_row:
            id_col = 1
            value_col = header_row.index(_m("value")) + 1
            date_col = header_row.index(_m("date")) + 1
            note_col = header_row.index(_m("note")) + 1
            for row in range(2, sheet.max_row + 1):
                number = sheet.cell(row, id_col).value
                if number in values:
                    value, day = values[number]
                    sheet.cell(row, value_col).value = value
                    sheet.cell(row, date_col).value = day
                if number in notes:
                    sheet.cell(row, note_col).value = notes[number]
            estate_col = header_row.index(_m("estate")) + 1
            for number, estate, value, day in estates or ():
                row = sheet.max_row + 1
                sheet.cell(row, id_col).value = number
                sheet.cell(row, estate_col).value = estate
                sheet.cell(row, value_col).value = value
                sheet.cell(row, date_col).value = day
        elif header(ACTUAL_SPEND_COLUMNS, "actual") in header_row:
            actual_col = header_row.index(header(ACTUAL_SPEND_COLUMNS, "actual")) + 1
            for row in range(2, sheet.max_row + 1):
                key = (sheet.cell(row, 1).value, sheet.cell(row, 3).value)
                if key in spend:
                    sheet.cell(row, actual_col).value = spend[key]
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(content: bytes, sheet_index: int = 0) -> list[list]:
    book = load_workbook(BytesIO(content))
    return [[cell.value for cell in row] for row in book.worksheets[sheet_index].iter_rows()]


def _m(key: str) -> str:
    return header(MEASUREMENT_COLUMNS, key)


#: A day no measurement of the demo plan is on.
DAY = datetime.date(2024, 6, 29)
