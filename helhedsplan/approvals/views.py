"""The approvals pages: every estate's decision, the summary as of a chosen day, and the plan's steps.

Decisions and steps are shown under the approvals overview (their models say so); the writes are the
services'.
"""

from __future__ import annotations

import re

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from django.views import View

from helhedsplan.core.forms import id_from_query
from helhedsplan.core.navigation import Crumb
from helhedsplan.documents.selectors import sources_by_fact
from helhedsplan.plans.locations import map_estate_rows, static_map
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
)

from . import services
from .forms import ApprovalStepForm, AsOfForm, EstateDecisionForm
from .models import ApprovalStep, EstateDecision, approvals_page
from .selectors import approvals_overview


class OverviewView(PlanTemplateView):
    """All estates with their decision, 'n af N godkendt' as of a chosen day, and the steps in order.

    Queries: the estates with their housing association, their decisions, and the steps — whatever their number.
    """

    template_name = "approvals/overview.html"
    page_title = gettext_lazy("Approvals")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        date_form = AsOfForm(self.request.GET or None)
        overview = approvals_overview(self.plan, date_form.as_of(default=timezone.localdate()))
        map_rows = map_estate_rows(overview.summary.estates)
        context.update(
            map_rows=map_rows,
            map_svg=static_map(map_rows, title=str(gettext_lazy("Map of the estates"))),
            date_form=date_form,
            summary=overview.summary,
            steps=overview.steps,
            overdue_steps=overview.overdue_steps,
            # One query: the steps' dates' sources, shown beside the dates.
            fact_sources=sources_by_fact(self.plan, "approval-date"),
        )
        return context


# Decisions ------------------------------------------------------------------------------------------------


class DecisionCreateView(PlanCreateView):
    model = EstateDecision
    form_class = EstateDecisionForm
    page_title = gettext_lazy("Record an estate's decision")

    def navigation_target(self) -> Crumb:
        # The estate is chosen on the form, so the new decision cannot say yet where it belongs.
        return approvals_page(self.plan)

    def get_initial(self):
        initial = super().get_initial()
        estate = id_from_query(self.request.GET.get("estate"))
        if estate is not None:
            initial["estate"] = estate
        return initial

    def create(self, form):
        data = form.model_data()
        return services.estate_decision_create(
            estate=data.pop("estate"), data=data, minutes=form.uploaded_minutes(), actor=self.request.user
        )


class DecisionUpdateView(PlanUpdateView):
    model = EstateDecision
    form_class = EstateDecisionForm
    select_related = ("estate__plan", "estate__housing_association")

    def update(self, form, expected_lock_version):
        return services.estate_decision_update(
            estate_decision=self.object,
            data=form.model_data(),
            minutes=form.uploaded_minutes(),
            remove_minutes=form.removes_minutes(),
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )


class DecisionDeleteView(PlanDeleteView):
    model = EstateDecision
    select_related = ("estate__plan", "estate__housing_association")
    service = staticmethod(services.estate_decision_delete)


def safe_name(text: str) -> str:
    """A file-name part that keeps Danish letters: 'Støberigården I+II' → 'støberigården-i-ii'. Anything but
    letters, digits and hyphens (path separators, dots, '+') becomes a word break, so no name leaves its folder."""
    return slugify(re.sub(r"[^\w-]+", " ", text), allow_unicode=True)


class MinutesView(PlanObjectMixin, View):
    """The minutes PDF, only to members of the plan (others get 404, anonymous visitors the login page)."""

    model = EstateDecision

    def get(self, request, *args, **kwargs):
        decision = self.object
        if not decision.minutes:
            raise Http404
        try:
            handle = decision.minutes.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        filename = f"referat-{safe_name(decision.estate.name) or decision.estate_id}-{decision.body}.pdf"
        response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
        # Minutes name residents' representatives: keep them out of shared caches.
        response["Cache-Control"] = "private, no-store"
        return response


# Steps ----------------------------------------------------------------------------------------------------


class StepCreateView(PlanCreateView):
    model = ApprovalStep
    form_class = ApprovalStepForm
    page_title = gettext_lazy("New step")
    service = staticmethod(services.approval_step_create)

    def get_initial(self):
        initial = super().get_initial()
        last = (
            ApprovalStep.objects.in_plan(self.plan).order_by("-order").values_list("order", flat=True).first()
        )
        initial["order"] = (last or 0) + 1
        return initial


class StepUpdateView(PlanUpdateView):
    model = ApprovalStep
    form_class = ApprovalStepForm
    service = staticmethod(services.approval_step_update)


class StepDeleteView(PlanDeleteView):
    model = ApprovalStep
    service = staticmethod(services.approval_step_delete)
