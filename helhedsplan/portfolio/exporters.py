"""The portfolio's download (``plans.exporters``): the rows the page shows, with the same filters and sorting, as
a spreadsheet."""

from __future__ import annotations

import datetime
from io import BytesIO

from django.core.exceptions import BadRequest
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from helhedsplan.core.spreadsheet import append_row
from helhedsplan.plans.exporters import XLSX, Export, Exporter, ExportRequest, Format, register

from .selectors import PortfolioRow, portfolio_table, totals


@register
class PortfolioExporter(Exporter[list[PortfolioRow]]):
    """Every plan the user may see, filtered and sorted as on the page; a filter the page refuses is a 400."""

    name = "portfolio"
    verbose_name = _("Portfolio")
    formats = (XLSX,)
    scope = "user_plans"

    def read(self, request: ExportRequest) -> Export[list[PortfolioRow]]:
        table, filterset = portfolio_table(request.params, user=request.user, today=request.today)
        if filterset.is_bound and not filterset.is_valid():
            raise BadRequest(filterset.errors.as_text())
        return Export(data=list(table.data), what=gettext("portfolio-file"), as_of=request.today)

    def render(self, export: Export[list[PortfolioRow]], format: Format) -> bytes:
        return portfolio_xlsx(export.data, today=export.as_of)


def portfolio_xlsx(rows: list[PortfolioRow], *, today: datetime.date) -> bytes:
    """The rows shown (filtered and sorted) as one sheet: every figure a number, every text a text cell
    (``core.spreadsheet.append_row``), the totals last."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Portfolio"))
    bold = Font(bold=True)
    append_row(sheet, [_("Portfolio"), date_format(today, "DATE_FORMAT")], font=bold)
    append_row(
        sheet,
        [
            _("Plan"),
            _("Area"),
            _("Municipality"),
            _("First year"),
            _("Last year"),
            _("Phase"),
            _("Status"),
            _("Progress"),
            _("Budget"),
            _("Of which LBF"),
            _("Estates approved"),
            _("Estates"),
            _("Reports due"),
            _("Reports overdue"),
            _("Needs attention"),
            _("Awaiting Landsbyggefonden's answer"),
            _("Awaiting your answer"),
            _("Example"),
        ],
        font=bold,
    )
    for row in rows:
        append_row(
            sheet,
            [
                row.plan.name,
                row.plan.area,
                row.plan.municipality,
                row.plan.start_date.year,
                row.plan.end_date.year,
                row.phase_label,
                row.status.label,
                None if row.status.percent is None else row.status.percent / 100,
                float(row.budget),
                float(row.lbf_amount),
                row.approved,
                row.estates,
                row.reports_due,
                row.reports_overdue,
                row.needs_attention,
                row.reports_awaiting,
                row.awaiting_you,
                ", ".join(
                    str(name)
                    for name, marked in (
                        (_("Status"), row.status_is_example),
                        (_("Budget"), row.budget_is_example),
                    )
                    if marked
                )
                or gettext("no"),
            ],
        )
    total = totals(rows)
    append_row(
        sheet,
        [_("Total"), None, None, None, None, None, None, None, float(total.budget), float(total.lbf_amount)],
        font=bold,
    )
    for cells in sheet.iter_rows(min_row=3, min_col=8, max_col=8):
        for cell in cells:
            cell.number_format = "0%"
    for cells in sheet.iter_rows(min_row=3, min_col=9, max_col=10):
        for cell in cells:
            cell.number_format = "#,##0"
    output = BytesIO()
    book.save(output)
    return output.getvalue()
