"""Goals, what is measured, the measurements, and the activities that serve the goals.

The goals app lies below the agreements app: its models name the delaftale and the strategic goal by string
("agreements.SubAgreement") and never import them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint, dates_in_bounds
from helhedsplan.core.formatting import format_number
from helhedsplan.core.models import ExampleFlag
from helhedsplan.periods.models import DEFAULT_PERIOD_CODE, CatalogueIndicator
from helhedsplan.plans.models import Estate, Organisation, Plan, PlanContent, PlanHistoricalRecords

from . import progress


class Goal(PlanContent, ExampleFlag):
    """A delmål inside a delaftale."""

    plan_lookup = "sub_agreement__plan"
    sub_agreement_lookup = "sub_agreement"
    parent_field = "sub_agreement"

    sub_agreement = models.ForeignKey(
        "agreements.SubAgreement",
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name=_("sub-agreement"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["sub_agreement", "order", "pk"]
        constraints = [
            # A goal is named by its title (in the plan file an activity names the goals it serves by title),
            # so two goals of one delaftale never share one.
            UniqueConstraint(
                fields=["sub_agreement", "title"],
                name="goal_titles_unique_in_their_sub_agreement",
                error_field="title",
                violation_error_message=_("The sub-agreement already has a goal with this title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("goals:goal", kwargs={"plan": self.sub_agreement.plan.slug, "pk": self.pk})

    def progress(self, as_of: progress.AsOf | None = None) -> progress.Progress:
        """Rolled up from the goal's indicators (prefetch ``indicators__measurements`` for lists), as of
        ``as_of`` (without one: as of today in the goal's plan)."""
        return progress.roll_up(indicator.progress(as_of=as_of) for indicator in self.indicators.all())


class Indicator(PlanContent, ExampleFlag):
    """What is measured: on a goal, or on a strategic goal as one of the area's key figures."""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("higher is better")
        LOWER_IS_BETTER = "lower", _("lower is better")

    sub_agreement_lookup = "goal__sub_agreement"
    trail_also_reads = ("goal__sub_agreement__plan", "strategic_goal__plan")

    #: What says what is measured and against what — not where it hangs (plan, goal, strategic goal), nor its
    #: measurements. Declared once: the form edits them (the example flag aside), a successor plan copies them,
    #: a plan file holds them and the API shows them (its schema and the plan file's are tested against this).
    COPYABLE_FIELDS = (
        "name",
        "definition",
        "unit",
        "direction",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "data_source",
        "measurement_interval_months",
        "is_example",
    )

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
        "agreements.StrategicGoal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="key_figures",
        verbose_name=_("strategic goal"),
    )
    #: Picked from Landsbyggefonden's catalogue of its plan's funding period: the indicators of many plans picked
    #: from one entry are compared in the portfolio. Protected: a catalogue entry in use is not deleted.
    catalogue_entry = models.ForeignKey(
        "periods.CatalogueIndicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("from the indicator catalogue"),
        help_text=_("Landsbyggefonden's standard indicator this one measures, if any."),
    )
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"), blank=True, help_text=_("What exactly is counted."))
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
        validators=[MinValueValidator(1)],
        help_text=_("A new measurement is due this many months after the last one."),
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "goal", "strategic_goal", "pk"]
        constraints = [
            CheckConstraint(
                condition=(Q(goal__isnull=False, strategic_goal__isnull=True))
                | (Q(goal__isnull=True, strategic_goal__isnull=False)),
                name="indicator_on_goal_or_strategic_goal",
                error_field="goal",
                violation_error_message=_("An indicator belongs either to a goal or to a strategic goal."),
            ),
            CheckConstraint(
                condition=~Q(target_value=F("baseline_value")),
                name="indicator_target_differs_from_baseline",
                error_field="target_value",
                violation_error_message=_("The target must differ from the baseline."),
            ),
            # The two directions are separate rules so each says what is wrong; equal values are left to the
            # rule above, so a target equal to the baseline gets one message, not two.
            CheckConstraint(
                condition=~Q(direction="higher") | Q(target_value__gte=F("baseline_value")),
                name="indicator_target_above_baseline_when_higher",
                error_field="target_value",
                violation_error_message=_("When higher is better, the target must be above the baseline."),
            ),
            CheckConstraint(
                condition=~Q(direction="lower") | Q(target_value__lte=F("baseline_value")),
                name="indicator_target_below_baseline_when_lower",
                error_field="target_value",
                violation_error_message=_("When lower is better, the target must be below the baseline."),
            ),
            CheckConstraint(
                condition=Q(direction__in=["higher", "lower"]),
                name="indicator_direction_is_known",
                error_field="direction",
                violation_error_message=_("Say whether higher or lower is better."),
            ),
            CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date")),
                name="indicator_target_after_baseline",
                error_field="target_date",
                violation_error_message=_("The target date must come after the baseline date."),
            ),
            CheckConstraint(
                condition=Q(measurement_interval_months__gte=1),
                name="indicator_interval_at_least_a_month",
                error_field="measurement_interval_months",
                violation_error_message=_("The interval must be at least one month."),
            ),
            *dates_in_bounds("baseline_date", "target_date"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("goals:indicator", kwargs={"plan": self.plan.slug, "pk": self.pk})

    @property
    def sub_agreement(self) -> models.Model | None:
        return self.goal.sub_agreement if self.goal is not None else None

    def navigation_parent(self):
        """A goal's indicator is shown under its goal, a key figure under its strategic goal."""
        return self.goal if self.goal_id else self.strategic_goal

    def clean(self) -> None:
        # Target, direction, dates and "one parent" are the constraints' (with their messages); what the
        # database cannot hold is that the parent and the catalogue entry belong to the indicator's own plan.
        if self.plan_id and self.catalogue_entry_id:
            self.validate_catalogue_entry()
        if not self.plan_id or bool(self.goal_id) == bool(self.strategic_goal_id):
            return
        parent = self.goal.sub_agreement if self.goal is not None else self.strategic_goal
        assert parent is not None  # exactly one of goal and strategic_goal is set, checked just above
        if parent.plan_id != self.plan_id:
            raise ValidationError(
                {"goal" if self.goal_id else "strategic_goal": _("It belongs to another plan.")}
            )

    def validate_catalogue_entry(self) -> None:
        """The catalogue entry is one of the plan's funding period's (a plan without a period: the default's)."""
        entry = self.catalogue_entry
        assert entry is not None
        plan = self.plan
        if plan.funding_period_id is not None:
            ours = entry.period_id == plan.funding_period_id
        else:
            ours = entry.period.code == DEFAULT_PERIOD_CODE
        if not ours:
            raise ValidationError(
                {"catalogue_entry": _("Pick an indicator from the catalogue of the plan's funding period.")}
            )

    @staticmethod
    def values_from_catalogue(entry: CatalogueIndicator) -> dict[str, object]:
        """What picking ``entry`` fills in: its name, definition, unit and direction (where it has one), its
        source as the data source — and the link."""
        values: dict[str, object] = {
            "catalogue_entry": entry,
            "name": entry.name,
            "definition": entry.definition,
            "unit": entry.unit,
            "data_source": entry.source,
        }
        if entry.direction:
            values["direction"] = entry.direction
        return values

    def has_dependants(self) -> bool:
        """Whether deleting it deletes measurements. The latest measurement read by
        ``goals.selectors.measurements_prefetch`` answers that without a query."""
        if hasattr(self, "latest_measurements"):
            return bool(self.latest_measurements)
        return super().has_dependants()

    def latest_measurement(self) -> Measurement | None:
        """The newest measurement. Uses what a prefetch read: the latest alone (``latest_measurements``, see
        ``goals.selectors.measurements_prefetch``) or all ``measurements``; else asks the database."""
        if hasattr(self, "latest_measurements"):
            return self.latest_measurements[0] if self.latest_measurements else None
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "measurements" in cache:
            # The plan's own figures: an estate's never stands for the plan (``every_measurement(all_levels=…)``).
            items = [m for m in cache["measurements"] if m.level == Measurement.Level.PLAN]
            return max(items, key=lambda m: (m.date, m.pk)) if items else None
        return self.measurements.filter(level=Measurement.Level.PLAN).order_by("-date", "-pk").first()

    def status_as_of(self, today: datetime.date | None = None) -> progress.AsOf:
        """The day this indicator's status is judged on: today, or its plan's last day once that has passed."""
        return progress.status_as_of(today=today or timezone.localdate(), period_end=self.plan.end_date)

    def progress(
        self, at: Measurement | None = None, as_of: progress.AsOf | None = None
    ) -> progress.Progress:
        """Where the indicator stands with its latest measurement as of ``as_of`` (without one: as of today in
        its plan), or with ``at`` as if that were the latest, judged on that measurement's own date (what a row
        of the indicator's measurements shows)."""
        latest = at if at is not None else self.latest_measurement()
        if at is None and as_of is None:
            as_of = self.status_as_of()
        return progress.indicator_progress(
            baseline_value=self.baseline_value,
            baseline_date=self.baseline_date,
            target_value=self.target_value,
            target_date=self.target_date,
            latest_value=latest.value if latest else None,
            latest_date=latest.date if latest else None,
            as_of=as_of,
        )

    def next_measurement_due(self) -> datetime.date | None:
        """When a new measurement is due: after the interval since the last one (or since the baseline); None
        once that falls after the plan's period (the rule: ``progress.next_measurement_due``)."""
        latest = self.latest_measurement()
        return progress.next_measurement_due(
            baseline_date=self.baseline_date,
            latest_date=latest.date if latest else None,
            interval_months=self.measurement_interval_months,
            period_end=self.plan.end_date,
        )

    def measurement_is_overdue(self, today: datetime.date) -> bool:
        """A new measurement was due before today."""
        return progress.measurement_overdue(self.next_measurement_due(), today)


class Measurement(PlanContent, ExampleFlag):
    """One measured value of an indicator at a date."""

    plan_lookup = "indicator__plan"
    sub_agreement_lookup = "indicator__goal__sub_agreement"
    parent_field = "indicator"
    #: Who entered it (``core.personal``): never in a file or answer that leaves the plan's staff.
    PERSONAL_FIELDS = ("entered_by",)

    class Level(models.TextChoices):
        """What a figure covers. Only the plan's own figure counts for progress: a plan's value is never summed
        from its estates' (some are suppressed), it is the plan-level figure (LBF's own)."""

        PLAN = "plan", _("the whole plan")
        ESTATE = "estate", _("one estate")
        GROUP = "group", _("a group of estates")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.PLAN)
    #: The estate of a figure for one estate (``Level.ESTATE``); empty otherwise.
    # RESTRICT: an estate with figures is not deleted alone, but goes with its plan.
    estate = models.ForeignKey(
        Estate,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("estate"),
    )
    #: The estates of a figure for a group of them (``Level.GROUP``); none otherwise.
    estates = models.ManyToManyField(
        Estate, blank=True, related_name="group_measurements", verbose_name=_("estates of the group")
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    #: "Diskretioneret": too few persons to publish the figure. Then there is no value: it is shown as such, never
    #: as zero, and left out of progress and sums (``goals.progress``: a measurement without a value has none).
    suppressed = models.BooleanField(
        _("suppressed"),
        default=False,
        help_text=_("Too few persons to publish the figure (diskretioneret): no value is given."),
    )
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
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "date", "pk"]
        constraints = [
            UniqueConstraint(
                fields=["indicator", "date"],
                condition=Q(level="plan"),
                name="one_plan_measurement_per_indicator_and_date",
                error_field="date",
                violation_error_message=_(
                    "There is already a measurement on this date. Edit that one instead."
                ),
            ),
            UniqueConstraint(
                fields=["indicator", "date", "estate"],
                condition=Q(level="estate"),
                name="one_estate_measurement_per_indicator_and_date",
                error_field="date",
                violation_error_message=_(
                    "There is already a measurement of this estate on this date. Edit that one instead."
                ),
            ),
            CheckConstraint(
                condition=Q(level="estate", estate__isnull=False)
                | Q(level__in=["plan", "group"], estate__isnull=True),
                name="measurement_estate_only_at_estate_level",
                error_field="estate",
                violation_error_message=_(
                    "A figure for one estate names the estate; a figure for the plan or a group of estates "
                    "names none here."
                ),
            ),
            CheckConstraint(
                condition=Q(suppressed=True, value__isnull=True) | Q(suppressed=False, value__isnull=False),
                name="measurement_value_or_suppressed",
                error_field="value",
                violation_error_message=_(
                    "Write the value, or mark the figure as suppressed (too few persons) — one of the two."
                ),
            ),
            *dates_in_bounds("date", times=("entered_at",)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value_text()} ({date_format(self.date, 'DATE_FORMAT')})"

    def level_text(self) -> str:
        """'Hele planen', the estate's name, or the group's estates by name (read them prefetched)."""
        if self.level == self.Level.ESTATE and self.estate is not None:
            return str(self.estate)
        if self.level == self.Level.GROUP:
            return ", ".join(sorted(str(estate) for estate in self.estates.all()))
        return capfirst(self.get_level_display())

    def value_text(self) -> str:
        """'45 %', or 'diskretioneret' for a suppressed figure — never a zero."""
        if self.suppressed or self.value is None:
            return str(_("suppressed"))
        return f"{format_number(self.value)} {self.indicator.unit}"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()

    @property
    def crumb_title(self) -> str:
        return _("Measurement of %(date)s") % {"date": date_format(self.date, "DATE_FORMAT")}

    @property
    def sub_agreement(self) -> models.Model | None:
        return self.indicator.sub_agreement

    def clean(self) -> None:
        if self.date and self.indicator_id:
            plan = self.indicator.plan
            # A measurement may sit at the baseline date, which can lie before the plan starts.
            earliest = min(plan.start_date, self.indicator.baseline_date)
            if not (earliest <= self.date <= max(plan.end_date, self.indicator.target_date)):
                raise ValidationError({"date": plan.date_outside_period_message()})
        if self.estate is not None and self.indicator_id and self.estate.plan_id != self.indicator.plan_id:
            raise ValidationError({"estate": _("The estate is not one of the plan's estates.")})

    def clean_many_to_many(self, values: dict) -> None:
        """A group's estates: at least two, all of the plan's, and one figure per indicator, date and group. A
        many-to-many is set after saving, so ``clean()`` cannot see it; ``core.services`` asks this before every
        write."""
        if "estates" not in values:
            return
        estates = list(values.get("estates") or ())
        if self.level != self.Level.GROUP:
            if estates:
                raise ValidationError(
                    {"estates": _("Only a figure for a group of estates names several estates.")}
                )
            return
        if len(estates) < 2:
            raise ValidationError({"estates": _("A group is at least two estates; choose them.")})
        if any(estate.plan_id != self.indicator.plan_id for estate in estates):
            raise ValidationError({"estates": _("The estate is not one of the plan's estates.")})
        wanted = {estate.pk for estate in estates}
        others = (
            Measurement.objects.filter(indicator_id=self.indicator_id, date=self.date, level=self.Level.GROUP)
            .exclude(pk=self.pk)
            .prefetch_related("estates")
        )
        if any({estate.pk for estate in other.estates.all()} == wanted for other in others):
            raise ValidationError(
                {
                    "estates": _(
                        "There is already a measurement of this group of estates on this date. Edit that one "
                        "instead."
                    )
                }
            )


class Activity(PlanContent, ExampleFlag):
    """Something the plan does: a lektiecafé, fritidsjob, job guidance, …"""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    plan_lookup = "sub_agreement__plan"
    sub_agreement_lookup = "sub_agreement"
    parent_field = "sub_agreement"

    sub_agreement = models.ForeignKey(
        "agreements.SubAgreement",
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("sub-agreement"),
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
    history = PlanHistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["sub_agreement", "name"]
        constraints = [
            CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="activity_ends_after_it_starts",
                error_field="end_date",
                violation_error_message=_("The end date must not come before the start date."),
            ),
            *dates_in_bounds("start_date", "end_date"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("goals:activity", kwargs={"plan": self.sub_agreement.plan.slug, "pk": self.pk})

    def clean(self) -> None:
        # "Ends after it starts" is the constraint's; the plan's period is not the database's to know.
        errors = {}
        if self.sub_agreement_id:
            plan = self.sub_agreement.plan
            for field in ("start_date", "end_date"):
                day = getattr(self, field)
                if day and not plan.contains_date(day):
                    errors[field] = plan.date_outside_period_message()
        if errors:
            raise ValidationError(errors)

    def clean_many_to_many(self, values: dict) -> None:
        """An activity serves goals of its own plan only — of any of its delaftaler, as a lektiecafé may serve an
        employment goal (the forms offer the activity's own delaftale's goals first of all). A many-to-many is
        set after saving, so ``clean()`` cannot see it; ``core.services`` asks this before every write."""
        goal_ids = [goal.pk for goal in values.get("goals") or ()]
        plan_id = self.sub_agreement.plan_id
        if goal_ids and Goal.objects.filter(pk__in=goal_ids).exclude(sub_agreement__plan_id=plan_id).exists():
            raise ValidationError({"goals": _("An activity serves only goals of its own plan.")})

    def is_overdue(self, today) -> bool:
        """Past its end and neither completed nor cancelled."""
        return bool(
            self.end_date
            and self.end_date < today
            and self.status not in (self.Status.COMPLETED, self.Status.CANCELLED)
        )


class Milestone(PlanContent, ExampleFlag):
    """A step of an activity with a due date — "the lektiecafé opens at Amagerbro Skole" — and, once reached, the
    day it was done. The yearly report to Landsbyggefonden lists the year's milestones and next year's plan."""

    plan_lookup = "activity__sub_agreement__plan"
    sub_agreement_lookup = "activity__sub_agreement"
    parent_field = "activity"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("activity")
    )
    name = models.CharField(_("name"), max_length=300)
    due_date = models.DateField(_("due date"))
    done_date = models.DateField(
        _("done date"), null=True, blank=True, help_text=_("Leave empty until the milestone is reached.")
    )
    note = models.TextField(_("note"), blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["activity", "due_date", "pk"]
        constraints = [*dates_in_bounds("due_date", "done_date")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.activity.get_absolute_url()

    @property
    def sub_agreement(self) -> models.Model:
        return self.activity.sub_agreement

    def clean(self) -> None:
        # A milestone is planned and reached inside the plan's period.
        errors = {}
        if self.activity_id:
            plan = self.activity.sub_agreement.plan
            for field in ("due_date", "done_date"):
                day = getattr(self, field)
                if day and not plan.contains_date(day):
                    errors[field] = plan.date_outside_period_message()
        if errors:
            raise ValidationError(errors)

    def is_done(self) -> bool:
        return self.done_date is not None

    def is_overdue(self, today: datetime.date) -> bool:
        """Past its due date and not reached."""
        return self.done_date is None and self.due_date < today
