"""The portfolio page (``/portefolje/``) and its spreadsheet: every plan the user may see, filtered and sorted."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django_tables2 import RequestConfig

from helhedsplan.core.page_cache import cached_page
from helhedsplan.plans import access

from .selectors import PortfolioFilter, PortfolioTable, portfolio_rows, portfolio_xlsx, totals

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PortfolioView(generic.TemplateView):
    """One row per plan the user may see (a member, or through an organisation-wide grant): nobody else's."""

    template_name = "portfolio/portfolio.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def table_and_filter(self) -> tuple[PortfolioTable, PortfolioFilter]:
        """The filter over the user's plans and the table of its rows, sorted as asked. A filter value that is
        not valid (a year that is no number, an unknown phase) shows no rows and the form's error."""
        today = timezone.localdate()
        filterset = PortfolioFilter(self.request.GET or None, queryset=access.plans_of(self.request.user))
        rows = []
        if not filterset.is_bound or filterset.is_valid():
            rows = filterset.filter_rows(portfolio_rows(filterset.qs, today=today, user=self.request.user))
        table = PortfolioTable(rows)
        RequestConfig(self.request, paginate=False).configure(table)
        return table, filterset

    def get(self, request, *args, **kwargs):
        # Kept in the page cache until one of the user's plans changes, or which plans they see does.
        return cached_page(
            request, lambda: access.plans_stamp(request.user), lambda: self.page(*self.table_and_filter())
        )

    def page(self, table: PortfolioTable, filterset: PortfolioFilter):
        """The page; bad input (a filter the form refuses) as a 400 with the form's errors."""
        context: dict[str, Any] = self.get_context_data(
            table=table, filter=filterset, totals=totals(list(table.data)), page_title=_("Portfolio")
        )
        status = 400 if filterset.is_bound and not filterset.is_valid() else 200
        return self.render_to_response(context, status=status)


class PortfolioDownloadView(PortfolioView):
    """The rows the page shows with the same filters and sorting, as a spreadsheet; bad input as the page's
    400."""

    def get(self, request, *args, **kwargs):
        table, filterset = self.table_and_filter()
        if filterset.is_bound and not filterset.is_valid():
            return self.page(table, filterset)
        today = timezone.localdate()
        response = HttpResponse(portfolio_xlsx(list(table.data), today=today), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="portefolje-{today.isoformat()}.xlsx"'
        return response
