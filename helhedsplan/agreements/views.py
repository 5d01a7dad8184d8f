"""The strategic agreement and the delaftaler: read by everyone in the plan, texts kept by the coordinators.

Goals, indicators, measurements and activities shown on the delaftale page are edited in the goals app; this
page links to those forms only for the people allowed to use them. Page data comes from ``selectors``, writes
go through ``services``, breadcrumbs and return addresses follow the models' declared parents.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.agreements import selectors, services
from helhedsplan.agreements.forms import (
    NarrativeForm,
    StrategicAgreementForm,
    StrategicGoalForm,
    SubAgreementForm,
    SubAgreementPartyForm,
)
from helhedsplan.agreements.models import (
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.core.navigation import safe_next_url
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanTemplateView,
    PlanUpdateView,
)

# --- Strategic agreement --------------------------------------------------------------------------------------


class StrategicAgreementView(PlanTemplateView):
    """Vision, challenges, the four strategic goals with their key figures, steering, involvement, governance."""

    template_name = "agreements/strategic.html"
    page_title = gettext_lazy("Strategic agreement")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(vars(selectors.strategic_agreement_page(self.plan)))
        return context


class StrategicAgreementUpdateView(PlanUpdateView):
    """Edit the strategic agreement's texts. The plan has one; a coordinator's first save creates it."""

    model = StrategicAgreement
    form_class = StrategicAgreementForm
    page_title = gettext_lazy("Edit the strategic agreement")
    success_message = gettext_lazy("The strategic agreement was saved.")

    @cached_property
    def object(self):
        agreement = StrategicAgreement.objects.in_plan(self.plan).select_related("plan").first()
        return agreement if agreement is not None else StrategicAgreement(plan=self.plan)

    def update(self, form, expected_lock_version: int | None):
        return services.strategic_agreement_save(
            plan=self.plan,
            data=form.model_data(),
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )


class StrategicGoalUpdateView(PlanUpdateView):
    model = StrategicGoal
    form_class = StrategicGoalForm
    service = staticmethod(services.strategic_goal_update)
    success_message = gettext_lazy("The strategic goal was saved.")

    def get_page_title(self) -> str:
        return _("Edit the strategic goal: %(focus_area)s") % {"focus_area": self.object}


# --- Delaftaler -----------------------------------------------------------------------------------------------


class SubAgreementListView(PlanTemplateView):
    """The four delaftaler with their progress: four queries for the goal tree, whatever its size."""

    template_name = "agreements/sub_agreement_list.html"
    page_title = gettext_lazy("Sub-agreements")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.sub_agreement_rows(self.plan)
        return context


class SubAgreementDetailView(PlanDetailView):
    """A delaftale: its texts, parties, goals → indicators with progress, activities; edit links for those allowed."""

    model = SubAgreement
    template_name = "agreements/sub_agreement_detail.html"
    context_object_name = "sub_agreement"

    def get_queryset(self):
        # The goal tree, activities and parties prefetched, each indicator saying whether this user may record
        # its measurements: the page's query count does not grow with the data.
        return selectors.sub_agreements_for_page(self.plan, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(vars(selectors.sub_agreement_page(self.object)))
        context.update(
            can_edit_goals=user.has_perm("plan.edit_goals", self.object),
            can_manage=user.has_perm("plan.manage", self.plan),
        )
        return context


class SubAgreementUpdateView(PlanUpdateView):
    model = SubAgreement
    form_class = SubAgreementForm
    service = staticmethod(services.sub_agreement_update)
    success_message = gettext_lazy("The sub-agreement was saved.")

    def get_page_title(self) -> str:
        return _("Edit the sub-agreement: %(focus_area)s") % {"focus_area": self.object}


# --- Parties to a delaftale: rows of its page, which the links lead back to -------------------------------------


class PartyCreateView(PlanCreateView):
    model = SubAgreementParty
    form_class = SubAgreementPartyForm
    parent_field = "sub_agreement"
    service = staticmethod(services.sub_agreement_party_create)

    def get_page_title(self) -> str:
        return _("New party to %(sub_agreement)s") % {"sub_agreement": self.parent}


class PartyUpdateView(PlanUpdateView):
    model = SubAgreementParty
    form_class = SubAgreementPartyForm
    service = staticmethod(services.sub_agreement_party_update)

    def get_page_title(self) -> str:
        return _("Edit the party %(organisation)s") % {"organisation": self.object.organisation}

    def get_success_message(self) -> str:
        return _("The party %(organisation)s was saved.") % {"organisation": self.object.organisation}


class PartyDeleteView(PlanDeleteView):
    model = SubAgreementParty
    service = staticmethod(services.sub_agreement_party_delete)
    template_name = "agreements/party_confirm_delete.html"

    def describe(self) -> str:
        return str(self.object.organisation)

    def get_success_message(self, name: str) -> str:
        return _("%(organisation)s is no longer a party.") % {"organisation": name}

    def get_success_url(self) -> str:
        # Back to the parties' section of the delaftale's page: the removed row's own anchor is gone.
        return safe_next_url(self.request) or self.object.sub_agreement.get_absolute_url() + "#parties"

    def get_page_title(self) -> str:
        return _("Remove the party %(organisation)s") % {"organisation": self.object.organisation}


# --- The yearly narratives of a delaftale: written by whoever edits its goals ------------------------------------


class NarrativeCreateView(PlanCreateView):
    model = Narrative
    form_class = NarrativeForm
    permission_required = "plan.edit_goals"
    parent_field = "sub_agreement"
    service = staticmethod(services.narrative_create)

    def get_page_title(self) -> str:
        return _("Write the year's narrative: %(sub_agreement)s") % {"sub_agreement": self.parent}

    def get_initial(self):
        # The year asked for (the report's "write the narrative" link), else the last year that has begun.
        asked = self.request.GET.get("year", "")
        if asked.isascii() and asked.isdigit() and len(asked) == 4 and self.plan.contains_year(int(asked)):
            return {"year": int(asked)}
        today = timezone.localdate()
        return {"year": min(max(today.year, self.plan.start_date.year), self.plan.end_date.year)}

    def get_success_message(self) -> str:
        assert self.object is not None  # form_valid() created it before asking for the message
        return _("The narrative of %(year)s was saved.") % {"year": self.object.year}


class NarrativeUpdateView(PlanUpdateView):
    model = Narrative
    form_class = NarrativeForm
    permission_required = "plan.edit_goals"
    service = staticmethod(services.narrative_update)

    def get_page_title(self) -> str:
        return _("Edit the narrative of %(year)s: %(sub_agreement)s") % {
            "year": self.object.year,
            "sub_agreement": self.object.sub_agreement,
        }

    def get_success_message(self) -> str:
        return _("The narrative of %(year)s was saved.") % {"year": self.object.year}


class NarrativeDeleteView(PlanDeleteView):
    model = Narrative
    permission_required = "plan.edit_goals"
    service = staticmethod(services.narrative_delete)
