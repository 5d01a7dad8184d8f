"""The budget pages: the overview everyone reads, and the coordinators' forms for lines, actual spend and funding.

All figures come from ``summary.budget_summary`` (a fixed number of queries, whatever the budget's size); the
views only pick the permission, the form and where to go next.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.history import Entry, entries_for
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
    PlanViewMixin,
)

from . import export
from .charts import budget_actual_chart
from .forms import ActualSpendForm, BudgetLineForm, FundingSourceForm
from .models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from .summary import budget_summary


def overview_url(plan, anchor: str = "") -> str:
    return reverse("budget:overview", kwargs={"plan": plan.slug}) + (f"#{anchor}" if anchor else "")


class BudgetBreadcrumbsMixin:
    """Every budget page sits under the budget overview."""

    def get_parent_breadcrumbs(self):
        return [(_("Budget"), overview_url(self.plan))]


class OverviewView(PlanTemplateView):
    template_name = "budget/overview.html"
    page_title = gettext_lazy("Budget")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = budget_summary(self.plan)
        context["summary"] = summary
        context["chart"] = budget_actual_chart(summary)
        return context


class ExportXlsxView(PlanViewMixin, generic.View):
    """The overview's tables as a spreadsheet, for everyone who may read the budget (reviewers too)."""

    def get(self, request, *args, **kwargs):
        content = export.budget_workbook(self.plan, budget_summary(self.plan))
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="budget-{self.plan.slug}.xlsx"'
        return response


# --- Budget lines ---------------------------------------------------------------------------------------------


class LineMixin(BudgetBreadcrumbsMixin):
    model = BudgetLine
    select_related = ("plan", "sub_agreement")

    def get_success_url(self) -> str:
        return overview_url(self.plan, f"line-{self.object.pk}")

    def get_cancel_url(self) -> str:
        return overview_url(self.plan, "budget-lines")


class LineCreateView(LineMixin, PlanCreateView):
    form_class = BudgetLineForm
    page_title = gettext_lazy("New budget line")

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]


class LineUpdateView(LineMixin, PlanUpdateView):
    form_class = BudgetLineForm


class LineActualsView(LineMixin, PlanUpdateView):
    form_class = ActualSpendForm

    def get_page_title(self) -> str:
        return _("Actual spend: %(line)s") % {"line": self.object}

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (str(self.object), None), (_("Actual spend"), None)]

    def get_success_message(self) -> str:
        return _("The actual spend of %(name)s was saved.") % {"name": self.object}

    def get_success_url(self) -> str:
        return overview_url(self.plan, f"actual-line-{self.object.pk}")


class LineDeleteView(LineMixin, PlanDeleteView):
    template_name = "budget/confirm_delete.html"

    def get_success_url(self) -> str:
        return overview_url(self.plan, "budget-lines")


# --- Funding sources ------------------------------------------------------------------------------------------


class SourceMixin(BudgetBreadcrumbsMixin):
    model = FundingSource
    select_related = ("plan", "organisation")

    def get_success_url(self) -> str:
        return overview_url(self.plan, f"source-{self.object.pk}")

    def get_cancel_url(self) -> str:
        return overview_url(self.plan, "funding")

    def get_breadcrumbs(self):
        # A funding source has no page of its own: it is shown in the overview's funding table.
        if getattr(self, "object", None) is None or self.object.pk is None:
            return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]
        return [
            *self.get_parent_breadcrumbs(),
            (str(self.object), self.get_cancel_url()),
            (self.get_page_title(), None),
        ]


class SourceCreateView(SourceMixin, PlanCreateView):
    form_class = FundingSourceForm
    page_title = gettext_lazy("New funding source")


class SourceUpdateView(SourceMixin, PlanUpdateView):
    form_class = FundingSourceForm


class SourceDeleteView(SourceMixin, PlanDeleteView):
    template_name = "budget/confirm_delete.html"

    def get_success_url(self) -> str:
        return overview_url(self.plan, "funding")


# --- History: a line with its yearly amounts and actuals, a source with its yearly funding ----------------------


@dataclass
class SubjectEntry:
    """A change log entry and what it is about ('Budget 2023', 'The line itself')."""

    subject: str
    entry: Entry


def yearly_entries(model, parent_field: str, parent_pk: int, label: str) -> list[SubjectEntry]:
    """The change log of every yearly row a line or source has had, deleted ones included."""
    years = dict(
        model.history.filter(**{f"{parent_field}_id": parent_pk}).values_list("id", "year").distinct()
    )
    result = []
    for row_id, year in sorted(years.items(), key=lambda item: item[1]):
        subject = label % {"year": year}
        result.extend(SubjectEntry(subject, entry) for entry in entries_for(model(pk=row_id)))
    return result


class CombinedHistoryView(BudgetBreadcrumbsMixin, PlanObjectMixin, generic.TemplateView):
    template_name = "budget/history.html"

    def related_entries(self) -> list[SubjectEntry]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        own = [SubjectEntry(str(self.object_label), entry) for entry in entries_for(self.object)]
        entries = sorted([*own, *self.related_entries()], key=lambda e: e.entry.when, reverse=True)
        context["object"] = self.object
        context["entries"] = entries
        context["back_url"] = self.back_url()
        return context

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (str(self.object), self.back_url()), (_("History"), None)]

    def get_page_title(self) -> str:
        return _("History of %(name)s") % {"name": self.object}


class LineHistoryView(CombinedHistoryView):
    model = BudgetLine
    select_related = ("plan", "sub_agreement")
    object_label = gettext_lazy("The line")

    def related_entries(self):
        return [
            *yearly_entries(BudgetAmount, "line", self.object.pk, _("Budget %(year)s")),
            *yearly_entries(ActualSpend, "line", self.object.pk, _("Actual spend %(year)s")),
        ]

    def back_url(self) -> str:
        return overview_url(self.plan, f"line-{self.object.pk}")


class SourceHistoryView(CombinedHistoryView):
    model = FundingSource
    select_related = ("plan", "organisation")
    object_label = gettext_lazy("The funding source")

    def related_entries(self):
        return yearly_entries(Funding, "source", self.object.pk, _("Funding %(year)s"))

    def back_url(self) -> str:
        return overview_url(self.plan, f"source-{self.object.pk}")
