"""The plan itself, the organisations around it, its estates, and who may do what in it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.core.models import PlanContent


class Organisation(models.Model):
    """A forvaltning, boligorganisation, funder or other party. Shared by all plans."""

    class Kind(models.TextChoices):
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("municipal administration")
        HOUSING_ASSOCIATION = "housing_association", _("housing association")
        FUNDER = "funder", _("funder")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=50, unique=True, help_text=_("E.g. ØKF, VIBO, LBF. Used in plan files.")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "short_name"]

    def __str__(self) -> str:
        return self.short_name if self.short_name == self.name else f"{self.name} ({self.short_name})"


class Plan(models.Model):
    """One boligsocial helhedsplan for one area over (usually) four years."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short address"), max_length=80, unique=True)
    area = models.CharField(_("area"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    description = models.TextField(_("description"), blank=True)
    homes = models.PositiveIntegerField(
        _("homes in the area"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    residents = models.PositiveIntegerField(
        _("residents in the area"), null=True, blank=True, help_text=_("Leave empty when unknown.")
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="plans", blank=True, verbose_name=_("parties")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[organisations])

    plan_lookup = "pk"

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="plan_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:dashboard", kwargs={"plan": self.slug})

    @property
    def owning_plan(self) -> Plan:
        return self

    @property
    def years(self) -> list[int]:
        """The calendar years the plan runs in, e.g. [2022, 2023, 2024, 2025]."""
        return list(range(self.start_date.year, self.end_date.year + 1))

    def contains_date(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    def contains_year(self, year: int) -> bool:
        return self.start_date.year <= year <= self.end_date.year

    def validate_year(self, year: int | None, field: str = "year") -> None:
        if year is not None and not self.contains_year(year):
            raise ValidationError(
                {
                    field: _("%(year)s is outside the plan's period (%(first)s–%(last)s).")
                    % {"year": year, "first": self.start_date.year, "last": self.end_date.year}
                }
            )


class Estate(PlanContent):
    """A boligafdeling taking part in the plan. Unknown facts stay empty, never zero or invented."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="estates", verbose_name=_("plan"))
    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("estate number"), max_length=20, blank=True)
    housing_association = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="estates",
        verbose_name=_("housing association"),
        limit_choices_to={"kind": Organisation.Kind.HOUSING_ASSOCIATION},
    )
    homes = models.PositiveIntegerField(_("homes"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    name_is_known = models.BooleanField(
        _("name is public"),
        default=True,
        help_text=_("Off when the estate's name is not public and a placeholder is shown instead."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="estate_name_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("approvals:overview", kwargs={"plan": self.plan.slug}) + f"#estate-{self.pk}"


class Membership(PlanContent):
    """Who has which role in which plan, and for which organisation."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        EDITOR = "editor", _("editor")
        REVIEWER = "reviewer", _("reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("plan")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sub_agreements = models.ManyToManyField(
        "agreements.SubAgreement",
        blank=True,
        related_name="limited_memberships",
        verbose_name=_("limited to sub-agreements"),
        help_text=_("For an editor: only these sub-agreements. Empty means all of the plan."),
    )
    history = HistoricalRecords(m2m_fields=[sub_agreements])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["plan", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "plan"], name="one_membership_per_user_and_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.plan}"
