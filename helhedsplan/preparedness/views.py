"""The emergency plan's pages: the plan with its levels and action cards, contacts, print view, incident log.

Personal data: names, phones, e-mails and availability of contacts are rendered only for users with
``plan.view_contact_details`` (coordinators and editors); reviewers get roles and organisations.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.services import EditConflict
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
)

from . import services
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
from .models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry, PreparednessPlan


def _url(name: str, plan, **kwargs) -> str:
    return reverse(f"preparedness:{name}", kwargs={"plan": plan.slug, **kwargs})


class PreparednessMixin:
    """The plan's emergency plan (or None), and breadcrumbs under the emergency plan's page."""

    parent_page: tuple[str, str] | None = None  # (title, URL name) between the emergency plan and this page

    @cached_property
    def preparedness_plan(self) -> PreparednessPlan | None:
        return PreparednessPlan.objects.filter(plan=self.plan).first()

    def require_preparedness_plan(self) -> PreparednessPlan:
        if self.preparedness_plan is None:
            raise Http404
        return self.preparedness_plan

    def get_parent_breadcrumbs(self):
        crumbs = [(_("Emergency plan"), _url("overview", self.plan))]
        if self.parent_page:
            title, name = self.parent_page
            crumbs.append((str(title), _url(name, self.plan)))
        return crumbs

    def get_cancel_url(self) -> str:
        return _url(self.parent_page[1] if self.parent_page else "overview", self.plan)


class PreparednessCreateMixin(PreparednessMixin):
    """Create something inside the emergency plan (which must exist)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["preparedness_plan"] = self.require_preparedness_plan()
        return kwargs

    def prepare_instance(self, instance) -> None:
        instance.preparedness_plan = self.require_preparedness_plan()

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class InPreparednessObjectMixin(PreparednessMixin):
    select_related = ("preparedness_plan__plan",)


class InPreparednessFormMixin(InPreparednessObjectMixin):
    """Edit something inside the emergency plan with a form that checks uniqueness within it."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["preparedness_plan"] = self.object.preparedness_plan
        return kwargs


def contact_rows(contacts, today) -> list[tuple[Contact, bool]]:
    """Each contact with whether it needs verifying (not verified within 12 months)."""
    return [(contact, contact.needs_verification(today)) for contact in contacts]


# The emergency plan itself -----------------------------------------------------------------------------------


class OverviewView(PreparednessMixin, PlanTemplateView):
    """Purpose, scope, SSP link, activation, levels and action cards. Queries: the plan, its levels, its cards."""

    template_name = "preparedness/overview.html"
    page_title = gettext_lazy("Emergency plan")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preparedness_plan = self.preparedness_plan
        context["preparedness_plan"] = preparedness_plan
        if preparedness_plan is not None:
            preparedness_plan.plan = self.plan
            context["levels"] = list(preparedness_plan.levels.order_by("order"))
            context["cards"] = list(preparedness_plan.action_cards.all())
            for item in (*context["levels"], *context["cards"]):
                item.preparedness_plan = preparedness_plan  # their history links need the plan, not a query
        return context


class PlanCreate(PreparednessMixin, PlanCreateView):
    model = PreparednessPlan
    form_class = PreparednessPlanForm
    page_title = gettext_lazy("Write the emergency plan")

    def get(self, request, *args, **kwargs):
        if self.preparedness_plan is not None:
            return HttpResponseRedirect(_url("plan_update", self.plan))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.preparedness_plan is not None:
            return HttpResponseRedirect(_url("plan_update", self.plan))
        return super().post(request, *args, **kwargs)

    def prepare_instance(self, instance) -> None:
        instance.plan = self.plan

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]


class PlanUpdate(PreparednessMixin, PlanUpdateView):
    model = PreparednessPlan
    form_class = PreparednessPlanForm

    @cached_property
    def object(self):
        return get_object_or_404(PreparednessPlan.objects.select_related("plan"), plan=self.plan)

    def get_parent_breadcrumbs(self):
        return []


# Levels and action cards -------------------------------------------------------------------------------------


class LevelCreate(PreparednessCreateMixin, PlanCreateView):
    model = EscalationLevel
    form_class = EscalationLevelForm
    page_title = gettext_lazy("New escalation level")

    def get_success_url(self) -> str:
        return _url("overview", self.plan) + "#levels"


class LevelObjectMixin:
    model = EscalationLevel


class LevelUpdate(LevelObjectMixin, InPreparednessFormMixin, PlanUpdateView):
    form_class = EscalationLevelForm

    def get_success_url(self) -> str:
        return _url("overview", self.plan) + "#levels"


class LevelDelete(LevelObjectMixin, InPreparednessObjectMixin, PlanDeleteView):
    def get_success_url(self) -> str:
        return _url("overview", self.plan)


class CardCreate(PreparednessCreateMixin, PlanCreateView):
    model = ActionCard
    form_class = ActionCardForm
    page_title = gettext_lazy("New action card")


class CardUpdate(InPreparednessFormMixin, PlanUpdateView):
    model = ActionCard
    form_class = ActionCardForm


class CardDelete(InPreparednessObjectMixin, PlanDeleteView):
    model = ActionCard

    def get_success_url(self) -> str:
        return _url("overview", self.plan)


# Contacts ---------------------------------------------------------------------------------------------------


class ContactsView(PreparednessMixin, PlanTemplateView):
    """The contact list. Queries: the emergency plan, and its contacts with their organisations."""

    template_name = "preparedness/contacts.html"
    page_title = gettext_lazy("Contacts")

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preparedness_plan"] = self.preparedness_plan
        contacts = []
        if self.preparedness_plan is not None:
            self.preparedness_plan.plan = self.plan
            contacts = list(self.preparedness_plan.contacts.select_related("organisation"))
            for contact in contacts:
                contact.preparedness_plan = self.preparedness_plan
        context["rows"] = contact_rows(contacts, timezone.localdate())
        context["show_details"] = self.request.user.has_perm("plan.view_contact_details", self.plan)
        return context


class ContactCreate(PreparednessCreateMixin, PlanCreateView):
    model = Contact
    form_class = ContactForm
    page_title = gettext_lazy("New contact")
    parent_page = (gettext_lazy("Contacts"), "contacts")


class ContactObjectMixin(InPreparednessObjectMixin):
    model = Contact
    parent_page = (gettext_lazy("Contacts"), "contacts")
    select_related = ("preparedness_plan__plan", "organisation")

    def get_success_url(self) -> str:
        return _url("contacts", self.plan)


class ContactUpdate(ContactObjectMixin, InPreparednessFormMixin, PlanUpdateView):
    form_class = ContactForm


class ContactDelete(ContactObjectMixin, PlanDeleteView):
    pass


# Print -----------------------------------------------------------------------------------------------------


class PrintView(PreparednessMixin, PlanTemplateView):
    """Action cards and contacts on A4. Reviewers get the same without names, phones and e-mails."""

    template_name = "preparedness/print.html"
    page_title = gettext_lazy("Emergency plan for print")

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preparedness_plan = self.require_preparedness_plan()
        context["preparedness_plan"] = preparedness_plan
        context["levels"] = list(preparedness_plan.levels.order_by("order"))
        context["cards"] = list(preparedness_plan.action_cards.all())
        context["rows"] = contact_rows(
            preparedness_plan.contacts.select_related("organisation"), timezone.localdate()
        )
        context["show_details"] = self.request.user.has_perm("plan.view_contact_details", self.plan)
        context["printed_on"] = timezone.localdate()
        return context


# Incidents -------------------------------------------------------------------------------------------------


class IncidentsView(PlanTemplateView):
    """Open incidents first, then closed ones, newest first. One query for the incidents, whatever their number."""

    template_name = "preparedness/incidents.html"
    page_title = gettext_lazy("Incidents")

    def get_breadcrumbs(self):
        return [(_("Emergency plan"), _url("overview", self.plan)), (self.get_page_title(), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incidents = list(
            Incident.objects.in_plan(self.plan)
            .select_related("level", "estate")
            .order_by("-occurred_at", "-pk")
        )
        for incident in incidents:
            incident.plan = self.plan  # their links need the plan's address: no query per row
        context["open_incidents"] = [incident for incident in incidents if incident.is_open]
        context["closed_incidents"] = [incident for incident in incidents if not incident.is_open]
        return context


class IncidentBreadcrumbs:
    def get_parent_breadcrumbs(self):
        return [
            (_("Emergency plan"), _url("overview", self.plan)),
            (_("Incidents"), _url("incidents", self.plan)),
        ]


class IncidentDetailView(IncidentBreadcrumbs, PlanDetailView):
    """The incident, its log as a timeline, and (for those who may, while it is open) the forms to log and close.

    Queries: the incident with its level, estate and opener; its log entries with who entered them.
    """

    model = Incident
    template_name = "preparedness/incident_detail.html"
    select_related = ("plan", "level", "estate", "opened_by")
    prefetch_related = (
        Prefetch(
            "log_entries", queryset=IncidentLogEntry.objects.select_related("entered_by").order_by("at", "pk")
        ),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident = self.object
        context["incident"] = incident
        context["entries"] = list(incident.log_entries.all())
        if incident.is_open and self.request.user.has_perm("plan.log_incidents", incident):
            context["log_form"] = LogEntryForm(incident=incident)
            context["close_form"] = CloseIncidentForm(incident=incident)
        return context


class IncidentCreate(IncidentBreadcrumbs, PlanCreateView):
    model = Incident
    form_class = IncidentForm
    permission_required = "plan.log_incidents"
    page_title = gettext_lazy("Open an incident")

    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]

    def get_cancel_url(self) -> str:
        return _url("incidents", self.plan)

    def prepare_instance(self, instance) -> None:
        instance.plan = self.plan
        instance.opened_by = self.request.user

    def get_success_message(self) -> str:
        return _("The incident was opened. Log what happens below.")


class IncidentUpdate(IncidentBreadcrumbs, PlanUpdateView):
    model = Incident
    form_class = IncidentCorrectionForm
    select_related = ("plan",)


class IncidentActionMixin(IncidentBreadcrumbs, PlanObjectMixin):
    """A form about one open incident; a closed incident refuses it with a message and saves nothing."""

    model = Incident
    select_related = ("plan",)
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

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["incident"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def get_breadcrumbs(self):
        return [
            *self.get_parent_breadcrumbs(),
            (str(self.object), self.object.get_absolute_url()),
            (self.get_page_title(), None),
        ]


class LogEntryCreate(IncidentActionMixin, generic.FormView):
    form_class = LogEntryForm
    page_title = gettext_lazy("Add to the log")

    def form_valid(self, form):
        try:
            services.add_log_entry(
                self.object,
                text=form.cleaned_data["text"],
                at=form.cleaned_data["at"],
                action_owner=form.cleaned_data["action_owner"],
                deadline=form.cleaned_data["deadline"],
                user=self.request.user,
            )
        except services.IncidentClosed:
            return self.refuse_closed()
        messages.success(self.request, _("The entry was added to the log."))
        return HttpResponseRedirect(self.object.get_absolute_url() + "#log")

    def post(self, request, *args, **kwargs):
        if not self.object.is_open:
            return self.refuse_closed()
        return super().post(request, *args, **kwargs)


class IncidentClose(IncidentActionMixin, generic.FormView):
    form_class = CloseIncidentForm
    page_title = gettext_lazy("Close the incident with an evaluation")

    def post(self, request, *args, **kwargs):
        if not self.object.is_open:
            return self.refuse_closed()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.close_incident(
                self.object,
                what_worked=form.cleaned_data["what_worked"],
                lessons=form.cleaned_data["lessons"],
                plan_changes=form.cleaned_data["plan_changes"],
                expected_lock_version=form.cleaned_data["lock_version"],
            )
        except services.IncidentClosed:
            return self.refuse_closed()
        except EditConflict:
            form.add_error(
                None,
                _(
                    "Someone changed the incident after you opened it. Nothing was saved. "
                    "Read the incident again, then close it."
                ),
            )
            data = form.data.copy()
            data["lock_version"] = Incident.objects.values_list("lock_version", flat=True).get(
                pk=self.object.pk
            )
            form.data = data
            return self.form_invalid(form)
        messages.success(self.request, _("The incident was closed with its evaluation."))
        return HttpResponseRedirect(self.object.get_absolute_url())
