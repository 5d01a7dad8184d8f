"""The SSP beredskabsplan: contacts, escalation levels, action cards and the incident log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.models import ExampleFlag
from helhedsplan.plans.models import Estate, Organisation, Plan, PlanContent, PlanHistoricalRecords

# --- Rules of the fields -------------------------------------------------------------------------------------

#: Clocks differ a little between phones and the server; a time this far ahead is still "now".
CLOCK_SLACK = datetime.timedelta(minutes=5)


def validate_date_not_in_the_future(value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


def validate_time_not_in_the_future(value: datetime.datetime | None) -> None:
    if value is not None and value > timezone.now() + CLOCK_SLACK:
        raise ValidationError(_("The time cannot be in the future."), code="future")


#: Digits, spaces, "+", "-" and brackets: +45 33 66 33 66, (+45) 3366-3366.
validate_phone = RegexValidator(
    r"^[0-9 +\-()]*$",
    message=_("Write the phone number with digits, e.g. +45 33 66 33 66."),
    code="phone",
)


# --- Where the pages sit -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page of the emergency plan that is no object (the contacts, the incidents) as a step of the navigation:
    it has a title, an address and the page it sits under, like the objects do."""

    title: str
    url: str
    parent: Any = None

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        return self.url

    def navigation_parent(self) -> Any:
        return self.parent


def _url(name: str, plan: Plan) -> str:
    return reverse(f"preparedness:{name}", kwargs={"plan": plan.slug})


def emergency_plan_page(plan: Plan) -> Page:
    return Page(str(_("Emergency plan")), _url("overview", plan))


def contacts_page(plan: Plan) -> Page:
    return Page(str(_("Contacts")), _url("contacts", plan), emergency_plan_page(plan))


def incidents_page(plan: Plan) -> Page:
    return Page(str(_("Incidents")), _url("incidents", plan), emergency_plan_page(plan))


class PreparednessPlan(PlanContent, ExampleFlag):
    """The plan's beredskabsplan, linked to SSP's akutberedskab."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="preparedness_plan", verbose_name=_("plan")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    ssp_link = models.TextField(_("link to SSP's akutberedskab and the police"), blank=True)
    activation = models.TextField(_("who may activate it and when"), blank=True)
    stand_down = models.TextField(_("standing down"), blank=True)
    communication = models.TextField(_("communication"), blank=True)
    last_reviewed = models.DateField(
        _("last reviewed"), null=True, blank=True, validators=[validate_date_not_in_the_future]
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        constraints = [*dates_in_bounds("last_reviewed")]

    def __str__(self) -> str:
        return str(_("Emergency plan")) + f" · {self.plan}"

    @property
    def crumb_title(self) -> str:
        return str(_("Emergency plan"))

    def get_absolute_url(self) -> str:
        return _url("overview", self.plan)


class EscalationLevel(PlanContent):
    """normal / skærpet / akut / bydækkende, or what the plan calls its levels."""

    plan_lookup = "preparedness_plan__plan"
    parent_field = "preparedness_plan"

    preparedness_plan = models.ForeignKey(
        PreparednessPlan, on_delete=models.CASCADE, related_name="levels", verbose_name=_("emergency plan")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    criteria = models.TextField(_("criteria"), blank=True)
    response = models.TextField(_("response"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["preparedness_plan", "order"]
        constraints = [
            UniqueConstraint(
                fields=["preparedness_plan", "order"],
                name="escalation_order_unique",
                violation_error_message=_("Another level already has this place."),
                error_field="order",
            ),
            UniqueConstraint(
                fields=["preparedness_plan", "name"],
                name="escalation_name_unique",
                violation_error_message=_("Another level already has this name."),
                error_field="name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _url("overview", self.preparedness_plan.plan) + "#levels"


class Contact(PlanContent, ExampleFlag):
    """A person to call. Personal data: names, phones and e-mails are hidden from reviewers."""

    trail_also_reads = ("organisation",)

    plan_lookup = "preparedness_plan__plan"
    #: Its change log shows names and phone numbers, which reviewers may not see.
    history_permission = "plan.view_contact_details"
    #: Personal data (``core.personal``): never in a file or answer that leaves the plan's own staff.
    PERSONAL_FIELDS = ("name", "phone", "email")

    preparedness_plan = models.ForeignKey(
        PreparednessPlan, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("emergency plan")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organisation")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    availability = models.CharField(_("availability / stand-in"), max_length=300, blank=True)
    last_verified = models.DateField(
        _("last verified"), null=True, blank=True, validators=[validate_date_not_in_the_future]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["preparedness_plan", "order", "role"]
        constraints = [*dates_in_bounds("last_verified")]

    def __str__(self) -> str:
        return f"{self.role} ({self.organisation.short_name})"

    def get_absolute_url(self) -> str:
        return _url("contacts", self.preparedness_plan.plan)

    def navigation_parent(self) -> Page:
        return contacts_page(self.preparedness_plan.plan)

    def needs_verification(self, today) -> bool:
        """Not verified within the last 12 months (or never)."""
        if self.last_verified is None:
            return True
        try:
            a_year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            a_year_ago = today.replace(year=today.year - 1, day=28)
        return self.last_verified < a_year_ago


class ActionCard(PlanContent, ExampleFlag):
    """What to do in one scenario: the first hour, 24 hours, 72 hours."""

    plan_lookup = "preparedness_plan__plan"
    parent_field = "preparedness_plan"

    preparedness_plan = models.ForeignKey(
        PreparednessPlan,
        on_delete=models.CASCADE,
        related_name="action_cards",
        verbose_name=_("emergency plan"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    scenario = models.CharField(_("scenario"), max_length=200)
    trigger = models.TextField(_("trigger"), blank=True)
    steps_first_hour = models.TextField(_("steps in the first hour"), blank=True)
    steps_first_day = models.TextField(_("steps within 24 hours"), blank=True)
    steps_first_days = models.TextField(_("steps within 72 hours"), blank=True)
    responsible_role = models.CharField(_("responsible role"), max_length=200)
    partners = models.TextField(_("partners"), blank=True)
    tools = models.TextField(_("tools"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("action card")
        verbose_name_plural = _("action cards")
        ordering = ["preparedness_plan", "order", "scenario"]
        constraints = [
            UniqueConstraint(
                fields=["preparedness_plan", "scenario"],
                name="one_action_card_per_scenario",
                violation_error_message=_("There is already an action card for this scenario."),
                error_field="scenario",
            ),
        ]

    def __str__(self) -> str:
        return self.scenario

    def get_absolute_url(self) -> str:
        return _url("overview", self.preparedness_plan.plan) + f"#card-{self.pk}"


class Incident(PlanContent, ExampleFlag):
    """An activation of the emergency plan, with its log and, once closed, its evaluation."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    #: Free texts that can name people (often young ones) and who opened it (``core.personal``): a reviewer gets
    #: an incident only as its date, level and state.
    PERSONAL_FIELDS = (
        "summary",
        "location",
        "opened_by",
        "evaluation_what_worked",
        "evaluation_lessons",
        "evaluation_plan_changes",
    )
    history_permission = "plan.view_contact_details"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("plan"))
    occurred_at = models.DateTimeField(_("when"), validators=[validate_time_not_in_the_future])
    estate = models.ForeignKey(
        Estate,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("estate"),
    )
    location = models.CharField(_("where"), max_length=300, blank=True)
    level = models.ForeignKey(
        EscalationLevel, on_delete=models.RESTRICT, related_name="incidents", verbose_name=_("level")
    )
    summary = models.TextField(_("summary"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evaluation_what_worked = models.TextField(_("what worked"), blank=True)
    evaluation_lessons = models.TextField(_("what to learn"), blank=True)
    evaluation_plan_changes = models.TextField(_("changes to the emergency plan"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]
        constraints = [
            CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="closed_incident_has_closing_time",
                violation_error_message=_(
                    "A closed incident has the time it was closed; an open one has none."
                ),
            ),
            CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("occurred_at")),
                name="incident_closes_after_it_occurs",
                violation_error_message=_("The incident cannot have happened after it was closed."),
                error_field="occurred_at",
            ),
            *dates_in_bounds(times=("occurred_at", "closed_at")),
        ]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.occurred_at), "DATE_FORMAT")
        return f"{when} · {Truncator(self.summary).chars(60)}"

    def get_absolute_url(self) -> str:
        return reverse("preparedness:incident", kwargs={"plan": self.plan.slug, "pk": self.pk})

    def navigation_parent(self) -> Page:
        return incidents_page(self.plan)

    def clean(self) -> None:
        errors = {}
        if self.level_id and self.plan_id and self.level.preparedness_plan.plan_id != self.plan_id:
            errors["level"] = _("It belongs to another plan.")
        if self.plan_id and self.estate is not None and self.estate.plan_id != self.plan_id:
            errors["estate"] = _("It belongs to another plan.")
        # Also a constraint; said here so a form that leaves out the closing time shows it at the field.
        if self.closed_at and self.occurred_at and self.occurred_at > self.closed_at:
            errors["occurred_at"] = _("The incident cannot have happened after it was closed.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class IncidentLogEntry(PlanContent):
    """A timestamped line in an incident's log: what happened, what was done, by whom, by when."""

    plan_lookup = "incident__plan"
    parent_field = "incident"
    #: The log line's text, who owns the action and who wrote it (``core.personal``).
    PERSONAL_FIELDS = ("text", "action_owner", "entered_by")
    history_permission = "plan.view_contact_details"

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("incident")
    )
    at = models.DateTimeField(_("time"), validators=[validate_time_not_in_the_future])
    text = models.TextField(_("entry"))
    action_owner = models.CharField(_("action owner"), max_length=200, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["incident", "at", "pk"]
        constraints = [*dates_in_bounds(times=("at", "deadline"))]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{when} · {Truncator(self.text).chars(60)}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url() + f"#entry-{self.pk}"

    def clean(self) -> None:
        if self.at and self.incident_id and self.at < self.incident.occurred_at:
            raise ValidationError({"at": _("The entry cannot be earlier than the incident.")})
