"""The import template: a workbook pre-filled with what the user may fill in (``imports.exporters``).

One sheet of the indicators the user may give values (number, name, where, unit, baseline, target, the last value,
and empty cells for the new value, its date, an estate's number for an estate's figure, and a note), and — for whoever may enter actual spend — one sheet per
year of the plan's budget lines with their budget and the actual spend known so far. The header row is the first
row of each sheet: that is what the import reads back. Text is written through ``core.spreadsheet.append_row``
(never a formula), numbers as numbers and dates as date cells.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from helhedsplan.budget.models import BudgetLine
from helhedsplan.core.spreadsheet import append_row
from helhedsplan.goals.models import Indicator
from helhedsplan.plans.models import Plan

from .columns import ACTUAL_SPEND_COLUMNS, MEASUREMENT_COLUMNS, Column

DATE_FORMAT = "DD.MM.YYYY"
NUMBER_FORMAT = "#,##0.##"
KR_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
#: The cells to fill in are shaded.
TO_FILL = PatternFill("solid", fgColor="FFF2CC")


def _sheet(book: Workbook, title: str, columns: tuple[Column, ...]):
    sheet = book.create_sheet(title=title[:31])
    append_row(sheet, [str(column.header) for column in columns], font=BOLD)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"
    return sheet


def _style_row(sheet, columns: tuple[Column, ...], formats: dict[str, str], fill: set[str]) -> None:
    row = sheet.max_row
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row, index)
        if column.key in formats:
            cell.number_format = formats[column.key]
        if column.key in fill:
            cell.fill = TO_FILL


def template_workbook(plan: Plan, indicators: list[Indicator], lines: list[BudgetLine] | None) -> bytes:
    """The template for ``plan``: ``indicators`` to give values, and ``lines`` for actual spend (None: the user
    enters no actual spend, so there is no such sheet)."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    sheet = _sheet(book, _("Measurements"), MEASUREMENT_COLUMNS)
    for indicator in indicators:
        latest = indicator.latest_measurement()
        where = indicator.goal.sub_agreement if indicator.goal_id else _("Strategic agreement")  # type: ignore[union-attr]
        append_row(
            sheet,
            [
                indicator.pk,
                indicator.name,
                str(where),
                indicator.unit,
                float(indicator.baseline_value),
                float(indicator.target_value),
                float(latest.value) if latest and latest.value is not None else None,
                None,
                None,
                None,
                None,
                None,
            ],
        )
        if latest:
            sheet.cell(sheet.max_row, 8).value = latest.date
        _style_row(
            sheet,
            MEASUREMENT_COLUMNS,
            {
                "baseline": NUMBER_FORMAT,
                "target": NUMBER_FORMAT,
                "latest_value": NUMBER_FORMAT,
                "latest_date": DATE_FORMAT,
                "value": NUMBER_FORMAT,
                "date": DATE_FORMAT,
            },
            {"value", "date", "estate", "note"},
        )
    if lines is not None:
        for year in plan.years:
            sheet = _sheet(book, _("Actual spend %(year)s") % {"year": year}, ACTUAL_SPEND_COLUMNS)
            for line in lines:
                budget = {amount.year: amount.amount for amount in line.amounts.all()}.get(year)
                actual = {row.year: row.amount for row in line.actuals.all()}.get(year)
                append_row(
                    sheet,
                    [
                        line.pk,
                        str(line),
                        year,
                        float(budget) if budget is not None else None,
                        float(actual) if actual is not None else None,
                    ],
                )
                _style_row(
                    sheet, ACTUAL_SPEND_COLUMNS, {"budget": KR_FORMAT, "actual": KR_FORMAT}, {"actual"}
                )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
