"""The budget pages: the overview everyone reads, and the coordinators' forms for lines, actual spend and funding.

What the pages show comes from ``selectors`` (a fixed number of queries, whatever the budget's size); writes go
through ``services``. A line and a funding source declare the budget page as their parent, so breadcrumbs,
"cancel" and where a save or delete returns to follow from the models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.core.navigation import Crumb, safe_next_url, trail
from helhedsplan.documents.selectors import sources_by_fact
from helhedsplan.plans.views import (
    HistoryView,
    PlanCreateView,
    PlanDeleteView,
    PlanTemplateView,
    PlanUpdateView,
)

from . import selectors, services
from .forms import ActualSpendForm, BudgetLineForm, FundingSourceForm
from .models import BudgetLine, FundingSource


class OverviewView(PlanTemplateView):
    template_name = "budget/overview.html"
    page_title = gettext_lazy("Budget")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.budget_page(self.plan)
        context.update(
            summary=page.summary,
            chart=page.chart,
            finished_years_without_actual=page.finished_years_without_actual,
            # One query: the funding amounts' sources, shown beside the amounts.
            fact_sources=sources_by_fact(self.plan, "funding-amount"),
        )
        return context


class YearlyWriteMixin:
    """The line and source forms write yearly rows too: a year the service refuses (someone saved meanwhile)
    is shown at that year's field, like the form's own refusals."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # type: ignore[misc]
        except ValidationError as error:
            form.add_write_errors(error)
            return self.form_invalid(form)  # type: ignore[attr-defined]


class CombinedHistoryView(HistoryView):
    """The change log of a line or source together with its yearly rows' (``history``, a selector)."""

    template_name = "budget/history.html"
    history: Callable[[Any], list[selectors.SubjectEntry]]
    lists_deleted_under = False  # the yearly rows' deletions are in the list itself

    def get_entries(self) -> list:
        return self.history(self.object)


# --- Budget lines ---------------------------------------------------------------------------------------------


class LineCreateView(YearlyWriteMixin, PlanCreateView):
    model = BudgetLine
    form_class = BudgetLineForm
    page_title = gettext_lazy("New budget line")

    def create(self, form):
        return services.budget_line_create(
            plan=self.plan, data=form.model_data(), amounts=form.year_amounts(), actor=self.request.user
        )


class LineUpdateView(YearlyWriteMixin, PlanUpdateView):
    model = BudgetLine
    form_class = BudgetLineForm

    def update(self, form, expected_lock_version):
        return services.budget_line_update(
            line=self.object,
            data=form.model_data(),
            amounts=form.year_amounts(),
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )


class LineActualsView(YearlyWriteMixin, PlanUpdateView):
    model = BudgetLine
    form_class = ActualSpendForm
    #: Coordinators, and whoever keeps the plan's accounts (``Membership.keeps_accounts``).
    permission_required = "plan.enter_actual_spend"

    def update(self, form, expected_lock_version):
        return services.actual_spend_update(
            line=self.object,
            amounts=form.year_amounts(),
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )

    def get_page_title(self) -> str:
        return _("Actual spend: %(line)s") % {"line": self.object}

    def get_breadcrumbs(self) -> list[Crumb]:
        # Not "Edit": this page edits the line's actual spend, not the line.
        return [*trail(self.object), Crumb(_("Actual spend"))]

    def get_success_message(self) -> str:
        return _("The actual spend of %(name)s was saved.") % {"name": self.object}

    def get_success_url(self) -> str:
        # Back to the line's row in the actual-spend table, not in the budget table.
        overview = reverse("budget:overview", kwargs={"plan": self.plan.slug})
        return safe_next_url(self.request) or f"{overview}#actual-line-{self.object.pk}"


class LineDeleteView(PlanDeleteView):
    model = BudgetLine
    template_name = "budget/confirm_delete.html"

    service = staticmethod(services.budget_line_delete)

    def object_name(self) -> str:
        return "line"


class LineHistoryView(CombinedHistoryView):
    """The line's own changes with those of its yearly budget and actual spend, in one list."""

    model = BudgetLine
    history = staticmethod(selectors.line_history)


# --- Funding sources ------------------------------------------------------------------------------------------


class SourceCreateView(YearlyWriteMixin, PlanCreateView):
    model = FundingSource
    form_class = FundingSourceForm
    page_title = gettext_lazy("New funding source")

    def create(self, form):
        return services.funding_source_create(
            plan=self.plan, data=form.model_data(), amounts=form.year_amounts(), actor=self.request.user
        )


class SourceUpdateView(YearlyWriteMixin, PlanUpdateView):
    model = FundingSource
    select_related = ("plan", "organisation")
    form_class = FundingSourceForm

    def update(self, form, expected_lock_version):
        return services.funding_source_update(
            funding_source=self.object,
            data=form.model_data(),
            amounts=form.year_amounts(),
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )


class SourceDeleteView(PlanDeleteView):
    model = FundingSource
    select_related = ("plan", "organisation")
    template_name = "budget/confirm_delete.html"
    service = staticmethod(services.funding_source_delete)


class SourceHistoryView(CombinedHistoryView):
    """The source's own changes with those of its yearly funding, in one list."""

    model = FundingSource
    select_related = ("plan", "organisation")
    history = staticmethod(selectors.source_history)
