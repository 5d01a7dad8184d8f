"""The budget's download (``plans.exporters``): the overview's tables as an .xlsx workbook (openpyxl): budget,
funding and shares, balance, actual spend.

Amounts are written as numbers with a Danish-looking number format, so the sheet can be summed and checked; the
figures are the summary's, never recomputed here. Every row goes through ``core.spreadsheet.append_row``: stored
text is always a text cell, never a formula, and cannot break the file.
"""

from __future__ import annotations

import datetime
from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from helhedsplan.core.spreadsheet import append_row
from helhedsplan.plans.exporters import XLSX, Export, Exporter, ExportRequest, Format, register

from . import selectors
from .summary import BudgetSummary

KR_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)


def _header(sheet, values: list) -> None:
    append_row(sheet, [str(v) for v in values], font=BOLD)


def _total_row(sheet, values: list) -> None:
    append_row(sheet, values, font=BOLD)


def _format_amounts(sheet, first_column: int) -> None:
    for row in sheet.iter_rows(min_row=5, min_col=first_column):  # below the title and the header
        for cell in row:
            if isinstance(cell.value, int | float) and cell.number_format == "General":
                cell.number_format = KR_FORMAT
    for index, column in enumerate(sheet.columns, start=1):
        width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def _title(sheet, plan, as_of: datetime.date) -> None:
    """Every sheet names the plan and the day its figures are from (the actual spend known by then)."""
    append_row(sheet, [plan.name], font=BOLD)
    append_row(sheet, [_("Budget as of %(date)s") % {"date": date_format(as_of, "DATE_FORMAT")}])
    append_row(sheet, [])


def budget_workbook(plan, summary: BudgetSummary, *, as_of: datetime.date) -> bytes:
    years = summary.years
    book = Workbook()

    sheet = book.active
    sheet.title = _("Budget")[:31]
    _title(sheet, plan, as_of)
    _header(sheet, [_("Sub-agreement"), _("Category"), _("Description"), *years, _("Total")])
    for group in summary.groups:
        where = str(group.sub_agreement) if group.sub_agreement else _("Shared / secretariat")
        for row in group.rows:
            append_row(
                sheet,
                [
                    where,
                    row.line.get_category_display(),
                    row.line.description,
                    *(float(row.budget_by_year[y]) for y in years),
                    float(row.total),
                ],
            )
        _total_row(
            sheet,
            [_("Total %(name)s") % {"name": where}, "", "", *(float(group.budget_by_year[y]) for y in years)]
            + [float(group.total)],
        )
    _total_row(
        sheet,
        [_("Total"), "", "", *(float(summary.budget_by_year[y]) for y in years), float(summary.total_budget)],
    )
    _format_amounts(sheet, 4)

    sheet = book.create_sheet(_("Funding")[:31])
    _title(sheet, plan, as_of)
    _header(sheet, [_("Funding source"), _("Kind"), *years, _("Total"), _("Share")])
    for source_row in summary.source_rows:
        append_row(
            sheet,
            [
                source_row.source.name,
                source_row.source.get_kind_display(),
                *(float(source_row.by_year[y]) for y in years),
                float(source_row.total),
                float(source_row.share) if source_row.share is not None else None,
            ],
        )
        sheet.cell(sheet.max_row, len(years) + 4).number_format = PERCENT_FORMAT
    _total_row(
        sheet,
        [_("Total"), "", *(float(summary.funding_by_year[y]) for y in years), float(summary.total_funding)],
    )
    append_row(sheet, [])
    for label, amount, fraction in (
        (_("Local co-financing"), summary.local_amount, summary.local_share),
        (_("Municipal co-financing"), summary.municipality_amount, summary.municipality_share),
        (_("Landsbyggefonden"), summary.lbf_amount, summary.lbf_share),
    ):
        append_row(
            sheet,
            [str(label), "", *([""] * len(years)), float(amount), float(fraction) if fraction else None],
        )
        sheet.cell(sheet.max_row, len(years) + 4).number_format = PERCENT_FORMAT
    _format_amounts(sheet, 3)

    sheet = book.create_sheet(_("Balance")[:31])
    _title(sheet, plan, as_of)
    _header(sheet, [_("Year"), _("Budget"), _("Funding"), _("Funding minus budget")])
    for balance in summary.balance_rows:
        append_row(
            sheet, [balance.year, float(balance.budget), float(balance.funding), float(balance.difference)]
        )
    _format_amounts(sheet, 2)

    sheet = book.create_sheet(_("Actual spend")[:31])
    _title(sheet, plan, as_of)
    _header(
        sheet,
        [_("Budget line"), _("Year"), _("Budget"), _("Actual spend"), _("Variance (kr.)"), _("Variance")],
    )
    for row in summary.lines:
        for year in years:
            variance = row.variance(year)
            append_row(
                sheet,
                [
                    str(row.line),
                    year,
                    float(variance.budget),
                    float(variance.actual) if variance.actual is not None else None,
                    float(variance.amount) if variance.amount is not None else None,
                    float(variance.fraction) if variance.fraction is not None else None,
                ],
            )
            sheet.cell(sheet.max_row, 6).number_format = PERCENT_FORMAT
    _format_amounts(sheet, 3)

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@register
class BudgetExporter(Exporter[tuple]):
    """The budget overview as a spreadsheet, for everyone who may read the budget (reviewers too)."""

    name = "budget"
    verbose_name = gettext_lazy("Budget")
    formats = (XLSX,)

    def read(self, request: ExportRequest) -> Export[tuple]:
        assert request.plan is not None
        return Export(
            data=(request.plan, selectors.budget_summary(request.plan)), what=_("budget"), as_of=request.today
        )

    def render(self, export: Export[tuple], format: Format) -> bytes:
        plan, summary = export.data
        return budget_workbook(plan, summary, as_of=export.as_of)
