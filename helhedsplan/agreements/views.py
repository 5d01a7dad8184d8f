"""The strategic agreement and the delaftaler: read by everyone in the plan, texts kept by the coordinators.

Goals, indicators, measurements and activities shown on the delaftale page are edited in the goals app; this
page links to those forms only for the people allowed to use them.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.agreements.forms import (
    StrategicAgreementForm,
    StrategicGoalForm,
    SubAgreementForm,
    SubAgreementPartyForm,
)
from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty
from helhedsplan.goals import progress
from helhedsplan.goals.selectors import strategic_goals_with_key_figures, sub_agreements_with_goal_tree
from helhedsplan.plans import access
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanTemplateView,
    PlanUpdateView,
)
from helhedsplan.reports.selectors import share_plan


def _strategic_crumb(plan) -> tuple[str, str]:
    return (_("Strategic agreement"), reverse("agreements:strategic", kwargs={"plan": plan.slug}))


def _sub_agreements_crumb(plan) -> tuple[str, str]:
    return (_("Sub-agreements"), reverse("agreements:sub_agreements", kwargs={"plan": plan.slug}))


# --- Strategic agreement --------------------------------------------------------------------------------------


class StrategicAgreementView(PlanTemplateView):
    """Vision, challenges, the four strategic goals with their key figures, steering, involvement, governance."""

    template_name = "agreements/strategic.html"
    page_title = gettext_lazy("Strategic agreement")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = StrategicAgreement.objects.in_plan(self.plan).first()
        if agreement is not None:
            agreement.plan = self.plan  # for its history link, without fetching the plan again
        strategic_goals = list(strategic_goals_with_key_figures(self.plan))
        share_plan(strategic_goals, self.plan)
        for goal in strategic_goals:
            share_plan(goal.key_figures.all(), self.plan)
        context.update(agreement=agreement, strategic_goals=strategic_goals)
        return context


class StrategicAgreementUpdateView(PlanUpdateView):
    """Edit the strategic agreement's texts. The plan has one; a coordinator's first save creates it."""

    model = StrategicAgreement
    form_class = StrategicAgreementForm
    page_title = gettext_lazy("Edit the strategic agreement")

    @cached_property
    def object(self):
        agreement = StrategicAgreement.objects.in_plan(self.plan).first()
        if agreement is None:
            agreement = StrategicAgreement(plan=self.plan)
        else:
            agreement.plan = self.plan
        return agreement

    def get_permission_object(self):
        return self.plan

    def form_valid(self, form):
        if self.object.pk is None:
            try:
                with transaction.atomic():
                    form.save()
            except IntegrityError:
                # Another coordinator wrote the first version meanwhile; theirs stands, ours is not saved.
                form.add_error(
                    None,
                    _("Someone else wrote the strategic agreement meanwhile. Nothing of yours was saved."),
                )
                return self.form_invalid(form)
            messages.success(self.request, self.get_success_message())
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)

    def get_success_message(self) -> str:
        return _("The strategic agreement was saved.")

    def get_success_url(self) -> str:
        return reverse("agreements:strategic", kwargs={"plan": self.plan.slug})

    def get_cancel_url(self) -> str:
        return self.get_success_url()

    def get_breadcrumbs(self):
        return [_strategic_crumb(self.plan), (_("Edit"), None)]

    def get_page_title(self) -> str:
        return str(self.page_title)


class StrategicGoalUpdateView(PlanUpdateView):
    model = StrategicGoal
    form_class = StrategicGoalForm

    def get_parent_breadcrumbs(self):
        return [_strategic_crumb(self.plan)]

    def get_page_title(self) -> str:
        return _("Edit the strategic goal: %(focus_area)s") % {"focus_area": self.object}

    def get_success_message(self) -> str:
        return _("The strategic goal was saved.")


# --- Delaftaler -----------------------------------------------------------------------------------------------


class SubAgreementListView(PlanTemplateView):
    """The four delaftaler with their progress: four queries for the goal tree, whatever its size."""

    template_name = "agreements/sub_agreement_list.html"
    page_title = gettext_lazy("Sub-agreements")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sub_agreements = list(sub_agreements_with_goal_tree(self.plan))
        share_plan(sub_agreements, self.plan)
        context["rows"] = [
            {
                "sub_agreement": sub_agreement,
                "progress": progress.sub_agreement_progress(sub_agreement),
                "goal_count": len(sub_agreement.goals.all()),
            }
            for sub_agreement in sub_agreements
        ]
        return context


class SubAgreementDetailView(PlanDetailView):
    """A delaftale: its texts, parties, goals → indicators with progress, activities; edit links for those allowed."""

    model = SubAgreement
    template_name = "agreements/sub_agreement_detail.html"
    context_object_name = "sub_agreement"

    def get_queryset(self):
        # The goal tree, activities and parties prefetched: the page's query count does not grow with the data.
        return sub_agreements_with_goal_tree(self.plan, with_activities=True, with_parties=True)

    @cached_property
    def object(self):
        sub_agreement = access.get_in_plan_or_404(self.get_queryset(), self.plan, pk=self.kwargs["pk"])
        sub_agreement.plan = self.plan
        return sub_agreement

    def get_parent_breadcrumbs(self):
        return [_sub_agreements_crumb(self.plan)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sub_agreement, user = self.object, self.request.user
        goals = []
        for goal in sub_agreement.goals.all():
            indicators = list(goal.indicators.all())
            share_plan(indicators, self.plan)
            goals.append(
                {
                    "goal": goal,
                    "progress": goal.progress(),
                    "indicators": indicators,
                    # Measurements are recorded per indicator; an editor limited to other delaftaler gets no form.
                    "measurable": [i for i in indicators if user.has_perm("plan.edit_goals", i)],
                }
            )
        context.update(
            goals=goals,
            progress=progress.sub_agreement_progress(sub_agreement),
            activities=list(sub_agreement.activities.all()),
            parties=list(sub_agreement.parties.all()),
            can_edit_goals=user.has_perm("plan.edit_goals", sub_agreement),
            can_manage=user.has_perm("plan.manage", self.plan),
        )
        return context


class SubAgreementUpdateView(PlanUpdateView):
    model = SubAgreement
    form_class = SubAgreementForm

    def get_parent_breadcrumbs(self):
        return [_sub_agreements_crumb(self.plan)]

    def get_page_title(self) -> str:
        return _("Edit the sub-agreement: %(focus_area)s") % {"focus_area": self.object}

    def get_success_message(self) -> str:
        return _("The sub-agreement was saved.")


# --- Parties to a delaftale -----------------------------------------------------------------------------------


class PartyFormMixin:
    form_class = SubAgreementPartyForm
    model = SubAgreementParty

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["sub_agreement"] = self.sub_agreement
        return kwargs

    def get_success_url(self) -> str:
        return self.sub_agreement.get_absolute_url() + "#parties"

    def get_cancel_url(self) -> str:
        return self.get_success_url()


class PartyCreateView(PartyFormMixin, PlanCreateView):
    def get_permission_object(self):
        return self.sub_agreement

    @cached_property
    def sub_agreement(self) -> SubAgreement:
        sub_agreement = access.get_in_plan_or_404(SubAgreement, self.plan, pk=self.kwargs["sub_agreement"])
        sub_agreement.plan = self.plan
        return sub_agreement

    def prepare_instance(self, instance) -> None:
        instance.sub_agreement = self.sub_agreement

    def get_page_title(self) -> str:
        return _("New party to %(sub_agreement)s") % {"sub_agreement": self.sub_agreement}

    def get_breadcrumbs(self):
        return [
            _sub_agreements_crumb(self.plan),
            (str(self.sub_agreement), self.sub_agreement.get_absolute_url()),
            (self.get_page_title(), None),
        ]


class PartyObjectMixin:
    """A party has no page of its own: it is a row of its delaftale's page, which the links lead back to."""

    model = SubAgreementParty
    select_related = ("organisation", "sub_agreement")

    @property
    def sub_agreement(self) -> SubAgreement:
        sub_agreement = self.object.sub_agreement
        sub_agreement.plan = self.plan
        return sub_agreement

    def get_breadcrumbs(self):
        return [
            _sub_agreements_crumb(self.plan),
            (str(self.sub_agreement), self.sub_agreement.get_absolute_url()),
            (self.get_page_title(), None),
        ]


class PartyUpdateView(PartyObjectMixin, PartyFormMixin, PlanUpdateView):
    def get_page_title(self) -> str:
        return _("Edit the party %(organisation)s") % {"organisation": self.object.organisation}

    def get_success_message(self) -> str:
        return _("The party %(organisation)s was saved.") % {"organisation": self.object.organisation}


class PartyDeleteView(PartyObjectMixin, PlanDeleteView):
    template_name = "agreements/party_confirm_delete.html"

    def form_valid(self, form):
        organisation, url = self.object.organisation, self.get_success_url()
        self.object.delete()
        messages.success(
            self.request, _("%(organisation)s is no longer a party.") % {"organisation": organisation}
        )
        return HttpResponseRedirect(url)

    def get_success_url(self) -> str:
        return self.sub_agreement.get_absolute_url() + "#parties"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.get_success_url()
        return context

    def get_page_title(self) -> str:
        return _("Remove the party %(organisation)s") % {"organisation": self.object.organisation}
