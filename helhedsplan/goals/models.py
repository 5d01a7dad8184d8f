"""Goals, what is measured, the measurements, and the activities that serve the goals."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.agreements.models import StrategicGoal, SubAgreement
from helhedsplan.core.formatting import format_number
from helhedsplan.core.models import ExampleFlag
from helhedsplan.plans.models import Organisation, Plan, PlanContent

from . import progress


class Goal(PlanContent, ExampleFlag):
    """A delmål inside a delaftale."""

    plan_lookup = "sub_agreement__plan"

    sub_agreement = models.ForeignKey(
        SubAgreement, on_delete=models.CASCADE, related_name="goals", verbose_name=_("sub-agreement")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["sub_agreement", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:goal", kwargs={"plan": self.sub_agreement.plan.slug, "pk": self.pk})

    def progress(self) -> progress.Progress:
        """Rolled up from the goal's indicators (prefetch ``indicators__measurements`` for lists)."""
        return progress.roll_up(indicator.progress() for indicator in self.indicators.all())


class Indicator(PlanContent, ExampleFlag):
    """What is measured: on a goal, or on a strategic goal as one of the area's key figures."""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("higher is better")
        LOWER_IS_BETTER = "lower", _("lower is better")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("goal"),
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="key_figures",
        verbose_name=_("strategic goal"),
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("E.g. %, persons, kr."))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=2)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("target date"))
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    measurement_interval_months = models.PositiveSmallIntegerField(
        _("measured every (months)"),
        default=12,
        help_text=_("A new measurement is due this many months after the last one."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "goal", "strategic_goal", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(goal__isnull=False, strategic_goal__isnull=True))
                | (Q(goal__isnull=True, strategic_goal__isnull=False)),
                name="indicator_on_goal_or_strategic_goal",
            ),
            models.CheckConstraint(
                condition=~Q(target_value=F("baseline_value")), name="indicator_target_differs_from_baseline"
            ),
            models.CheckConstraint(
                condition=(Q(direction="higher", target_value__gt=F("baseline_value")))
                | (Q(direction="lower", target_value__lt=F("baseline_value"))),
                name="indicator_target_lies_in_its_direction",
            ),
            models.CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date")), name="indicator_target_after_baseline"
            ),
            models.CheckConstraint(
                condition=Q(measurement_interval_months__gte=1), name="indicator_interval_at_least_a_month"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("goals:indicator", kwargs={"plan": self.plan.slug, "pk": self.pk})

    @property
    def sub_agreement(self) -> SubAgreement | None:
        return self.goal.sub_agreement if self.goal_id else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.target_value is not None and self.baseline_value is not None:
            if self.target_value == self.baseline_value:
                errors["target_value"] = _("The target must differ from the baseline.")
            elif (
                self.direction == self.Direction.HIGHER_IS_BETTER and self.target_value < self.baseline_value
            ):
                errors["target_value"] = _("When higher is better, the target must be above the baseline.")
            elif self.direction == self.Direction.LOWER_IS_BETTER and self.target_value > self.baseline_value:
                errors["target_value"] = _("When lower is better, the target must be below the baseline.")
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = _("The target date must come after the baseline date.")
        if bool(self.goal_id) == bool(self.strategic_goal_id):
            errors["goal"] = _("An indicator belongs either to a goal or to a strategic goal.")
        elif self.plan_id:
            parent_plan_id = self.goal.sub_agreement.plan_id if self.goal_id else self.strategic_goal.plan_id
            if parent_plan_id != self.plan_id:
                errors["goal" if self.goal_id else "strategic_goal"] = _("It belongs to another plan.")
        if errors:
            raise ValidationError(errors)

    def latest_measurement(self) -> Measurement | None:
        """The newest measurement. Uses a prefetched ``measurements`` list when there is one."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "measurements" in cache:
            items = list(cache["measurements"])
            return max(items, key=lambda m: (m.date, m.pk)) if items else None
        return self.measurements.order_by("-date", "-pk").first()

    def progress(self) -> progress.Progress:
        latest = self.latest_measurement()
        return progress.indicator_progress(
            baseline_value=self.baseline_value,
            baseline_date=self.baseline_date,
            target_value=self.target_value,
            target_date=self.target_date,
            latest_value=latest.value if latest else None,
            latest_date=latest.date if latest else None,
        )

    def next_measurement_due(self):
        """When a new measurement is due: after the interval since the last one (or since the baseline)."""
        latest = self.latest_measurement()
        since = latest.date if latest else self.baseline_date
        return progress.add_months(since, self.measurement_interval_months)

    def measurement_is_overdue(self, today) -> bool:
        """A new measurement was due before today."""
        return self.next_measurement_due() < today


class Measurement(PlanContent, ExampleFlag):
    """One measured value of an indicator at a date."""

    plan_lookup = "indicator__plan"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"], name="one_measurement_per_indicator_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {format_number(self.value)} {self.indicator.unit} ({date_format(self.date, 'DATE_FORMAT')})"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()

    @property
    def sub_agreement(self) -> SubAgreement | None:
        return self.indicator.sub_agreement

    def clean(self) -> None:
        if self.date and self.indicator_id:
            plan = self.indicator.plan
            # A measurement may sit at the baseline date, which can lie before the plan starts.
            earliest = min(plan.start_date, self.indicator.baseline_date)
            if not (earliest <= self.date <= max(plan.end_date, self.indicator.target_date)):
                raise ValidationError({"date": _("The date lies outside the plan's period.")})


class Activity(PlanContent, ExampleFlag):
    """Something the plan does: a lektiecafé, fritidsjob, job guidance, …"""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    plan_lookup = "sub_agreement__plan"

    sub_agreement = models.ForeignKey(
        SubAgreement, on_delete=models.CASCADE, related_name="activities", verbose_name=_("sub-agreement")
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("responsible organisation"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="activities", verbose_name=_("goals served")
    )
    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["sub_agreement", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="activity_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("goals:activity", kwargs={"plan": self.sub_agreement.plan.slug, "pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date must not come before the start date.")
        if self.sub_agreement_id:
            plan = self.sub_agreement.plan
            for field in ("start_date", "end_date"):
                day = getattr(self, field)
                if day and not plan.contains_date(day):
                    errors[field] = _("The date lies outside the plan's period.")
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today) -> bool:
        """Past its end and neither completed nor cancelled."""
        return bool(
            self.end_date
            and self.end_date < today
            and self.status not in (self.Status.COMPLETED, self.Status.CANCELLED)
        )
