"""The emergency plan's pages: the plan with its levels and action cards, contacts, print view, incident log.

Personal data: names, phones, e-mails and availability of contacts are rendered only for users with
``plan.view_contact_details`` (coordinators and editors); reviewers get roles and organisations.

Where each page sits (under the emergency plan, its contacts or its incidents) is declared by the models; what
the pages show comes from ``selectors``; what they write goes through ``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.navigation import Crumb, trail
from helhedsplan.core.personal import PERSONAL_DATA_PERMISSION
from helhedsplan.core.services import EditConflict
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
    rebase_on,
)

from . import selectors, services
from .forms import (
    ActionCardForm,
    CloseIncidentForm,
    ContactForm,
    EscalationLevelForm,
    IncidentCorrectionForm,
    IncidentForm,
    LogEntryForm,
    PreparednessPlanForm,
)
from .models import ActionCard, Contact, EscalationLevel, Incident, PreparednessPlan, emergency_plan_page


class InPreparednessPlanCreate(PlanCreateView):
    """Create a level, action card or contact inside the plan's emergency plan (404 until it is written)."""

    parent_field = "preparedness_plan"

    @cached_property
    def parent(self) -> PreparednessPlan:
        # The emergency plan is found by the plan in the URL, not by a pk of its own.
        preparedness_plan = selectors.preparedness_plan_of(self.plan)
        if preparedness_plan is None:
            raise Http404
        return preparedness_plan


class PreparednessPageView(PlanTemplateView):
    """A page under the emergency plan's own page."""

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(emergency_plan_page(self.plan)), Crumb(self.get_page_title())]


# The emergency plan itself -----------------------------------------------------------------------------------


class OverviewView(PlanTemplateView):
    """Purpose, scope, SSP link, activation, levels and action cards. Queries: the plan, its levels, its cards."""

    template_name = "preparedness/overview.html"
    page_title = gettext_lazy("Emergency plan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = selectors.preparedness_overview(self.plan)
        context.update(
            preparedness_plan=overview.preparedness_plan, levels=overview.levels, cards=overview.cards
        )
        return context


class PlanCreate(PlanCreateView):
    model = PreparednessPlan
    form_class = PreparednessPlanForm
    page_title = gettext_lazy("Write the emergency plan")
    service = staticmethod(services.preparedness_plan_create)

    def get(self, request, *args, **kwargs):
        if selectors.preparedness_plan_of(self.plan) is not None:
            return HttpResponseRedirect(reverse("preparedness:plan_update", kwargs={"plan": self.plan.slug}))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if selectors.preparedness_plan_of(self.plan) is not None:
            return HttpResponseRedirect(reverse("preparedness:plan_update", kwargs={"plan": self.plan.slug}))
        return super().post(request, *args, **kwargs)

    def navigation_target(self) -> Any:
        return emergency_plan_page(self.plan)


class PlanUpdate(PlanUpdateView):
    model = PreparednessPlan
    form_class = PreparednessPlanForm
    service = staticmethod(services.preparedness_plan_update)

    @cached_property
    def object(self):
        return get_object_or_404(PreparednessPlan.objects.select_related("plan"), plan=self.plan)


# Levels and action cards -------------------------------------------------------------------------------------


class LevelCreate(InPreparednessPlanCreate):
    model = EscalationLevel
    form_class = EscalationLevelForm
    page_title = gettext_lazy("New escalation level")
    service = staticmethod(services.escalation_level_create)


class LevelUpdate(PlanUpdateView):
    model = EscalationLevel
    form_class = EscalationLevelForm
    service = staticmethod(services.escalation_level_update)


class LevelDelete(PlanDeleteView):
    model = EscalationLevel
    service = staticmethod(services.escalation_level_delete)


class CardCreate(InPreparednessPlanCreate):
    model = ActionCard
    form_class = ActionCardForm
    page_title = gettext_lazy("New action card")
    service = staticmethod(services.action_card_create)


class CardUpdate(PlanUpdateView):
    model = ActionCard
    form_class = ActionCardForm
    service = staticmethod(services.action_card_update)


class CardDelete(PlanDeleteView):
    model = ActionCard
    service = staticmethod(services.action_card_delete)


# Contacts ---------------------------------------------------------------------------------------------------


class ContactsView(PreparednessPageView):
    """The contact list. Queries: the emergency plan, and its contacts with their organisations."""

    template_name = "preparedness/contacts.html"
    page_title = gettext_lazy("Contacts")
    personal_data = True  # names, phones, e-mails: Cache-Control: no-store (core.middleware)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contacts = selectors.contact_list(self.plan, timezone.localdate())
        context.update(
            preparedness_plan=contacts.preparedness_plan,
            rows=contacts.rows,
            show_details=self.request.user.has_perm("plan.view_contact_details", self.plan),
        )
        return context


class ContactCreate(InPreparednessPlanCreate):
    model = Contact
    form_class = ContactForm
    page_title = gettext_lazy("New contact")
    personal_data = True  # names, phones, e-mails: Cache-Control: no-store (core.middleware)
    service = staticmethod(services.contact_create)


class ContactUpdate(PlanUpdateView):
    model = Contact
    personal_data = True  # names, phones, e-mails: Cache-Control: no-store (core.middleware)
    form_class = ContactForm
    service = staticmethod(services.contact_update)


class ContactDelete(PlanDeleteView):
    model = Contact
    personal_data = True  # names, phones, e-mails: Cache-Control: no-store (core.middleware)
    service = staticmethod(services.contact_delete)


# Print -----------------------------------------------------------------------------------------------------


class PrintView(PreparednessPageView):
    """Action cards and contacts on A4. Reviewers get the same without names, phones and e-mails."""

    template_name = "preparedness/print.html"
    page_title = gettext_lazy("Emergency plan for print")
    personal_data = True  # names, phones, e-mails: Cache-Control: no-store (core.middleware)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preparedness_plan = selectors.preparedness_plan_of(self.plan)
        if preparedness_plan is None:
            raise Http404
        sheet = selectors.print_sheet(preparedness_plan, timezone.localdate())
        context.update(
            preparedness_plan=sheet.preparedness_plan,
            levels=sheet.levels,
            cards=sheet.cards,
            rows=sheet.rows,
            printed_on=sheet.printed_on,
            show_details=self.request.user.has_perm("plan.view_contact_details", self.plan),
        )
        return context


# Incidents -------------------------------------------------------------------------------------------------


class IncidentsView(PreparednessPageView):
    """Open incidents first, then closed ones, newest first. One query for the incidents, whatever their number."""

    template_name = "preparedness/incidents.html"
    page_title = gettext_lazy("Incidents")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incidents = selectors.incident_list(self.plan)
        context.update(open_incidents=incidents.open, closed_incidents=incidents.closed)
        return context


class IncidentDetailView(PlanDetailView):
    """The incident, its log as a timeline, and (for those who may, while it is open) the forms to log and close.

    Queries: the incident with its level, estate and opener; its log entries with who entered them.
    """

    model = Incident
    template_name = "preparedness/incident_detail.html"
    #: Its summary, log and evaluation can name people: the plan's staff only, never a reviewer (``core.personal``).
    permission_required = PERSONAL_DATA_PERMISSION

    def get_queryset(self):
        return selectors.incident_queryset().in_plan(self.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        context["incident"] = incident
        context["entries"] = list(incident.log_entries.all())
        if incident.is_open and self.request.user.has_perm("plan.log_incidents", incident):
            context["log_form"] = LogEntryForm(incident=incident, plan=self.plan)
            context["close_form"] = CloseIncidentForm(incident=incident)
        return context


class IncidentCreate(PlanCreateView):
    model = Incident
    form_class = IncidentForm
    permission_required = "plan.log_incidents"
    page_title = gettext_lazy("Open an incident")
    service = staticmethod(services.incident_open)

    def get_success_message(self) -> str:
        return _("The incident was opened. Log what happens below.")


class IncidentUpdate(PlanUpdateView):
    model = Incident
    form_class = IncidentCorrectionForm
    service = staticmethod(services.incident_update)


class IncidentActionMixin(PlanObjectMixin, generic.FormView):
    """A form about one open incident; a closed incident refuses it with a message and saves nothing."""

    model = Incident
    permission_required = "plan.log_incidents"
    template_name = "core/form.html"

    def refuse_closed(self):
        messages.error(
            self.request, _("The incident is closed: its log cannot be changed. Nothing was saved.")
        )
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get(self, request, *args, **kwargs):
        if not self.object.is_open:
            return self.refuse_closed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.object.is_open:
            return self.refuse_closed()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["incident"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(self.object), Crumb(self.get_page_title())]


class LogEntryCreate(IncidentActionMixin, generic.FormView):
    form_class = LogEntryForm
    page_title = gettext_lazy("Add to the log")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        return kwargs

    def form_valid(self, form):
        try:
            services.incident_log_entry_add(
                incident=self.object, data=form.model_data(), actor=self.request.user
            )
        except services.IncidentClosed:
            return self.refuse_closed()
        messages.success(self.request, _("The entry was added to the log."))
        return HttpResponseRedirect(self.object.get_absolute_url() + "#log")


class IncidentClose(IncidentActionMixin, generic.FormView):
    form_class = CloseIncidentForm
    page_title = gettext_lazy("Close the incident with an evaluation")

    def form_valid(self, form):
        try:
            services.incident_close(
                incident=self.object,
                data=form.evaluation(),
                expected_lock_version=form.cleaned_data["lock_version"],
                actor=self.request.user,
            )
        except services.IncidentClosed:
            return self.refuse_closed()
        except ValidationError as refusal:
            form.add_write_errors(refusal)
            return self.form_invalid(form)
        except EditConflict as conflict:
            form.add_error(
                None,
                _(
                    "Someone changed the incident after you opened it. Nothing was saved. "
                    "Read the incident again, then close it."
                ),
            )
            rebase_on(form, conflict)
            return self.form_invalid(form)
        messages.success(self.request, _("The incident was closed with its evaluation."))
        return HttpResponseRedirect(self.object.get_absolute_url())
