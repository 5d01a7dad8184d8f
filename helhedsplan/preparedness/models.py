"""The SSP beredskabsplan: contacts, escalation levels, action cards and the incident log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.core.models import ExampleFlag
from helhedsplan.plans.models import Estate, Organisation, Plan, PlanContent


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
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")

    def __str__(self) -> str:
        return str(_("Emergency plan")) + f" · {self.plan}"

    def get_absolute_url(self) -> str:
        return reverse("preparedness:overview", kwargs={"plan": self.plan.slug})


class EscalationLevel(PlanContent):
    """normal / skærpet / akut / bydækkende, or what the plan calls its levels."""

    plan_lookup = "preparedness_plan__plan"

    preparedness_plan = models.ForeignKey(
        PreparednessPlan, on_delete=models.CASCADE, related_name="levels", verbose_name=_("emergency plan")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    criteria = models.TextField(_("criteria"), blank=True)
    response = models.TextField(_("response"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        ordering = ["preparedness_plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["preparedness_plan", "order"], name="escalation_order_unique"),
            models.UniqueConstraint(fields=["preparedness_plan", "name"], name="escalation_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("preparedness:overview", kwargs={"plan": self.preparedness_plan.plan.slug}) + "#levels"


class Contact(PlanContent, ExampleFlag):
    """A person to call. Personal data: names, phones and e-mails are hidden from reviewers."""

    plan_lookup = "preparedness_plan__plan"
    #: Its change log shows names and phone numbers, which reviewers may not see.
    history_permission = "plan.view_contact_details"

    preparedness_plan = models.ForeignKey(
        PreparednessPlan, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("emergency plan")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organisation")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    availability = models.CharField(_("availability / stand-in"), max_length=300, blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["preparedness_plan", "order", "role"]

    def __str__(self) -> str:
        return f"{self.role} ({self.organisation.short_name})"

    def get_absolute_url(self) -> str:
        return reverse("preparedness:contacts", kwargs={"plan": self.preparedness_plan.plan.slug})

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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action card")
        verbose_name_plural = _("action cards")
        ordering = ["preparedness_plan", "order", "scenario"]
        constraints = [
            models.UniqueConstraint(
                fields=["preparedness_plan", "scenario"], name="one_action_card_per_scenario"
            ),
        ]

    def __str__(self) -> str:
        return self.scenario

    def get_absolute_url(self) -> str:
        return (
            reverse("preparedness:overview", kwargs={"plan": self.preparedness_plan.plan.slug})
            + f"#card-{self.pk}"
        )


class Incident(PlanContent, ExampleFlag):
    """An activation of the emergency plan, with its log and, once closed, its evaluation."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("plan"))
    occurred_at = models.DateTimeField(_("when"))
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="closed_incident_has_closing_time",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("occurred_at")),
                name="incident_closes_after_it_occurs",
            ),
        ]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.occurred_at), "DATE_FORMAT")
        return f"{when} · {Truncator(self.summary).chars(60)}"

    def get_absolute_url(self) -> str:
        return reverse("preparedness:incident", kwargs={"plan": self.plan.slug, "pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.level_id and self.plan_id and self.level.preparedness_plan.plan_id != self.plan_id:
            errors["level"] = _("It belongs to another plan.")
        if self.estate_id and self.plan_id and self.estate.plan_id != self.plan_id:
            errors["estate"] = _("It belongs to another plan.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class IncidentLogEntry(PlanContent):
    """A timestamped line in an incident's log: what happened, what was done, by whom, by when."""

    plan_lookup = "incident__plan"

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("incident")
    )
    at = models.DateTimeField(_("time"))
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["incident", "at", "pk"]

    def __str__(self) -> str:
        when = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{when} · {Truncator(self.text).chars(60)}"

    def get_absolute_url(self) -> str:
        return self.incident.get_absolute_url() + f"#entry-{self.pk}"
