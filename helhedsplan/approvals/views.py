"""The approvals pages: every estate's decision, the summary as of a chosen day, and the plan's steps."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from helhedsplan.core.services import EditConflict
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
)

from . import services
from .forms import ApprovalStepForm, AsOfForm, EstateDecisionForm
from .models import ApprovalStep, EstateDecision
from .summary import approval_summary


def overview_url(plan) -> str:
    return reverse("approvals:overview", kwargs={"plan": plan.slug})


class ApprovalsPageMixin:
    """Every page below the overview sits under it in the breadcrumbs and returns to it."""

    def get_parent_breadcrumbs(self):
        return [(_("Approvals"), overview_url(self.plan))]

    def get_cancel_url(self) -> str:
        return overview_url(self.plan)


class ApprovalsCreateMixin(ApprovalsPageMixin):
    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]


class OverviewView(PlanTemplateView):
    """All estates with their decision, 'n af N godkendt' as of a chosen day, and the steps in order.

    Queries: the estates with their housing association, their decisions, and the steps — whatever their number.
    """

    template_name = "approvals/overview.html"
    page_title = gettext_lazy("Approvals")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        date_form = AsOfForm(self.request.GET or None)
        as_of = date_form.as_of(default=timezone.localdate())
        summary = approval_summary(self.plan, as_of)
        for state in summary.estates:
            # Every estate here is this plan's: the history links need its plan without a query per row.
            state.estate.plan = self.plan
        context.update(
            date_form=date_form,
            summary=summary,
            steps=ApprovalStep.objects.in_plan(self.plan).select_related("plan").order_by("order"),
        )
        return context


# Decisions ------------------------------------------------------------------------------------------------


class DecisionCreateView(ApprovalsCreateMixin, PlanCreateView):
    model = EstateDecision
    form_class = EstateDecisionForm
    page_title = gettext_lazy("Record an estate's decision")

    def get_initial(self):
        initial = super().get_initial()
        estate = self.request.GET.get("estate", "")
        if estate.isdigit():
            initial["estate"] = int(estate)
        return initial

    def form_valid(self, form):
        self.object = services.save_decision(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.object.get_absolute_url())


class DecisionObjectMixin(ApprovalsPageMixin):
    model = EstateDecision
    select_related = ("estate__plan", "estate__housing_association")


class DecisionUpdateView(DecisionObjectMixin, PlanUpdateView):
    form_class = EstateDecisionForm

    def form_valid(self, form):
        try:
            services.save_decision(form, expected_lock_version=form.cleaned_data.get("lock_version"))
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())


class DecisionDeleteView(DecisionObjectMixin, PlanDeleteView):
    def form_valid(self, form):
        name = str(self.object)
        services.delete_decision(self.object)
        messages.success(self.request, _("%(name)s was deleted.") % {"name": name})
        return HttpResponseRedirect(overview_url(self.plan))


class MinutesView(DecisionObjectMixin, PlanObjectMixin, View):
    """The minutes PDF, only to members of the plan (others get 404, anonymous visitors the login page)."""

    def get(self, request, *args, **kwargs):
        decision = self.object
        if not decision.minutes:
            raise Http404
        try:
            handle = decision.minutes.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        filename = f"referat-{slugify(decision.estate.name) or decision.estate_id}-{decision.body}.pdf"
        response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
        # Minutes name residents' representatives: keep them out of shared caches.
        response["Cache-Control"] = "private, no-store"
        return response


# Steps ----------------------------------------------------------------------------------------------------


class StepCreateView(ApprovalsCreateMixin, PlanCreateView):
    model = ApprovalStep
    form_class = ApprovalStepForm
    page_title = gettext_lazy("New step")

    def get_initial(self):
        initial = super().get_initial()
        last = (
            ApprovalStep.objects.in_plan(self.plan).order_by("-order").values_list("order", flat=True).first()
        )
        initial["order"] = (last or 0) + 1
        return initial

    def prepare_instance(self, instance) -> None:
        instance.plan = self.plan

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Before validation, so the model's own checks see the plan too.
        form.instance.plan = self.plan
        return form

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class StepObjectMixin(ApprovalsPageMixin):
    model = ApprovalStep
    select_related = ("plan",)


class StepUpdateView(StepObjectMixin, PlanUpdateView):
    form_class = ApprovalStepForm


class StepDeleteView(StepObjectMixin, PlanDeleteView):
    def get_success_url(self) -> str:
        return overview_url(self.plan)
