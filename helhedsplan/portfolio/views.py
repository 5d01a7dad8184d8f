"""The portfolio page (``/portefolje/``): every plan the user may see, filtered and sorted (its spreadsheet:
``exporters``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django_tables2 import RequestConfig

from helhedsplan.plans import access
from helhedsplan.plans.selectors import InvitedParty, invited_parties_for

from . import catalogue
from .selectors import PortfolioFilter, PortfolioTable, portfolio_table, totals

#: Rows on a page of the portfolio (``?per_page=`` asks for another number, ``?page=`` for another page).
PLANS_PER_PAGE = 25


class PortfolioView(generic.TemplateView):
    """One row per plan the user may see (a member, or through an organisation-wide grant): nobody else's."""

    template_name = "portfolio/portfolio.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def table_and_filter(self) -> tuple[PortfolioTable, PortfolioFilter]:
        table, filterset = portfolio_table(
            self.request.GET, user=self.request.user, today=timezone.localdate()
        )
        # The sorting links, and pages of rows: Landsbyggefonden's reviewer sees every plan in the country, and
        # drawing a row costs more than reading it (the totals and the spreadsheet still cover every row).
        RequestConfig(self.request, paginate={"per_page": PLANS_PER_PAGE}).configure(table)
        return table, filterset

    def get(self, request, *args, **kwargs):
        # The plans awaiting the confirmation of an organisation the user administers: shown apart (they are not
        # the user's to read until confirmed).
        invited = invited_parties_for(request.user)
        return self.page(*self.table_and_filter(), invited=invited)

    def page(self, table: PortfolioTable, filterset: PortfolioFilter, invited: list[InvitedParty]):
        """The page; bad input (a filter the form refuses) as a 400 with the form's errors."""
        context: dict[str, Any] = self.get_context_data(
            table=table,
            filter=filterset,
            totals=totals(list(table.data)),
            has_examples=any(row.has_examples for row in table.data),
            page_title=_("Portfolio"),
            invited=invited,
        )
        status = 400 if filterset.is_bound and not filterset.is_valid() else 200
        return self.render_to_response(context, status=status)


class LoginRequired:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class CatalogueView(LoginRequired, generic.TemplateView):
    """Landsbyggefonden's standard indicators of the periods of the user's plans, each with how many of those
    plans measure it."""

    template_name = "portfolio/catalogue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            uses=catalogue.catalogue_uses(access.plans_of(self.request.user)),
            page_title=_("Standard indicators across plans"),
            **kwargs,
        )


class CatalogueIndicatorView(LoginRequired, generic.TemplateView):
    """One standard indicator compared across the plans the user may see: nobody else's values."""

    template_name = "portfolio/catalogue_indicator.html"

    def get_context_data(self, **kwargs):
        entry = catalogue.catalogue_entry_or_404(period=self.kwargs["period"], code=self.kwargs["code"])
        rows = catalogue.catalogue_comparison(entry=entry, plans=access.plans_of(self.request.user))
        return super().get_context_data(
            entry=entry,
            rows=rows,
            has_suppressed=any(row.latest is not None and row.latest.suppressed for row in rows),
            page_title=entry.name,
            **kwargs,
        )
