"""Landsbyggefonden's funding periods (puljer) and what each period's template holds: its focus areas
(indsatsområder) as rows, the usual funding sources and approval steps as a template structure.

Focus areas are data, not code: 2019-2026 has four, 2015-2018 had others. A plan names its period
(``plans.Plan.funding_period``); a delaftale's focus area must be one of its plan's period's
(``agreements.SubAgreement.clean``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint
from helhedsplan.core.models import CleanInput

#: The period a plan file or a plan without one belongs to.
DEFAULT_PERIOD_CODE = "2019-2026"


def _validate_template(value: Any) -> None:
    """The template's shape: ``{"funding_sources": [{"name", "kind"}], "approval_steps": [{"title", "body",
    "status"}], "documents": [{"key", "title", "kind"}]}`` (the documents Landsbyggefonden expects)."""
    if not isinstance(value, dict):
        raise ValidationError(_("The template must be an object with funding_sources and approval_steps."))
    for key, required in (
        ("funding_sources", ("name", "kind")),
        ("approval_steps", ("title", "body")),
        ("documents", ("key", "title", "kind")),
    ):
        rows = value.get(key, [])
        if not isinstance(rows, list) or not all(
            isinstance(row, dict)
            and all(isinstance(row.get(field), str) and row[field] for field in required)
            for row in rows
        ):
            raise ValidationError(
                _("%(key)s must be a list of rows, each with %(fields)s.")
                % {"key": key, "fields": ", ".join(required)}
            )
    sections = value.get("changes_needing_lbf", [])
    if not isinstance(sections, list) or not all(isinstance(key, str) and key for key in sections):
        raise ValidationError(
            _("changes_needing_lbf must be a list of the sections whose changes Landsbyggefonden approves.")
        )


class FundingPeriod(CleanInput, models.Model):
    """One of Landsbyggefonden's funding periods for boligsociale helhedsplaner, e.g. 2019-2026."""

    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("E.g. 2019-2026."),
        error_messages={"unique": _("There is already a funding period with this code.")},
    )
    name = models.CharField(_("name"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    template = models.JSONField(
        _("template"),
        default=dict,
        blank=True,
        validators=[_validate_template],
        help_text=_(
            "The usual start of a plan in this period: funding_sources (name, kind) and approval_steps "
            "(title, body, status)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding period")
        verbose_name_plural = _("funding periods")
        ordering = ["-first_year"]
        constraints = [
            CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="funding_period_ends_after_it_starts",
                error_field="last_year",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def funding_source_rows(self) -> list[dict[str, str]]:
        return list(self.template.get("funding_sources", []))

    @property
    def approval_step_rows(self) -> list[dict[str, str]]:
        return list(self.template.get("approval_steps", []))

    @property
    def changes_needing_lbf(self) -> frozenset[str]:
        """The sections of a plan's agreement whose changes Landsbyggefonden approves (the others need the
        plan's bestyrelse and a recorded version)."""
        return frozenset(self.template.get("changes_needing_lbf", []))


class FocusAreaDefinition(CleanInput, models.Model):
    """One focus area (indsatsområde) of a funding period, in Landsbyggefonden's order."""

    period = models.ForeignKey(
        FundingPeriod, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("funding period")
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("LBF's order"), default=0)
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("The name is an example: no source at hand states the period's focus areas exactly."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["period", "order", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["period", "code"],
                name="focus_area_code_unique_in_period",
                error_field="code",
                violation_error_message=_("The funding period already has a focus area with this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogueIndicator(CleanInput, models.Model):
    """One of Landsbyggefonden's standard indicators for a funding period (the catalogue a plan's indicator may
    be picked from): what it measures and where the figure comes from. Shared by every plan of the period, so
    only a superuser changes it (the admin); plans keep a link (``goals.Indicator.catalogue_entry``) that makes
    their indicators comparable across plans (the portfolio) and matches rows of a Beboerdata extract by code."""

    class Direction(models.TextChoices):
        # The values of goals.Indicator.Direction, which lies above this app.
        HIGHER_IS_BETTER = "higher", _("higher is better")
        LOWER_IS_BETTER = "lower", _("lower is better")

    class Level(models.TextChoices):
        PLAN = "plan", _("the whole plan")
        ESTATE = "estate", _("each estate")

    period = models.ForeignKey(
        FundingPeriod,
        on_delete=models.CASCADE,
        related_name="catalogue_indicators",
        verbose_name=_("funding period"),
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Stable: plan files, extracts and the API name the indicator by it."),
    )
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=50, help_text=_("E.g. %, persons, kr."))
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        blank=True,
        help_text=_("Empty where the figure describes the area and neither way is better in itself."),
    )
    source = models.CharField(
        _("source"), max_length=300, help_text=_("E.g. Danmarks Statistik via Landsbyggefonden.")
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    update_cadence = models.CharField(_("updated"), max_length=100, help_text=_("E.g. twice a year."))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("The definition is an example: no public source at hand states it exactly."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catalogue indicator")
        verbose_name_plural = _("indicator catalogue")
        ordering = ["period", "order", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["period", "code"],
                name="catalogue_indicator_code_unique_in_period",
                error_field="code",
                violation_error_message=_(
                    "The funding period's catalogue already has an indicator with this code."
                ),
            ),
            CheckConstraint(
                condition=models.Q(direction__in=["", "higher", "lower"]),
                name="catalogue_indicator_direction_is_known",
                error_field="direction",
                violation_error_message=_("The direction is higher or lower is better, or empty."),
            ),
            CheckConstraint(
                condition=models.Q(level__in=["plan", "estate"]),
                name="catalogue_indicator_level_is_known",
                error_field="level",
                violation_error_message=_("The level is the whole plan or each estate."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
