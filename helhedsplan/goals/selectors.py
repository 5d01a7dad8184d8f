"""Reads of the goal tree: what the goal and indicator pages show, and the prefetches the agreements' and
reports' reads build on.

Everything is fetched with the rows' plan joined (``select_related``) or set by the prefetch from its parent, so
a page's links and permission checks never query per row and its query count does not grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils.text import capfirst

from helhedsplan.plans.models import Estate, PlanScopedQuerySet

from . import progress as progress_rules
from .charts import IndicatorChart, indicator_chart
from .models import Activity, Goal, Indicator, Measurement, Milestone

EDIT_GOALS = "plan.edit_goals"

# --- Prefetches of the tree, each row with what its links need ------------------------------------------------


@dataclass(frozen=True)
class MeasurementSelection:
    """Which of its measurements a read of the goal tree brings along with each indicator (one query either
    way): the latest alone, or every one, each up to a day or not."""

    #: Every measurement, oldest first, as ``indicator.measurements.all()``; else the latest alone, as
    #: ``latest_measurements`` (a list of at most one).
    every: bool = False
    #: Only those made by this day (then ``indicator.measurements.all()`` holds those, and the indicator's
    #: ``latest_measurement()`` and due date are as of that day); None: all.
    up_to: date | None = None
    #: The estates' and groups' figures too (with ``every``: what the API lists, each with its estates); else
    #: the plan's own figures alone, the only ones progress and due dates read.
    all_levels: bool = False


#: The latest measurement alone: all that lists and progress read (baseline and target are on the indicator).
LATEST_MEASUREMENT = MeasurementSelection()


def every_measurement(up_to: date | None = None, *, all_levels: bool = False) -> MeasurementSelection:
    """Every plan-level measurement, oldest first (only those made by ``up_to``, if given): what the report
    reads; with ``all_levels`` the estates' and groups' too (what the API lists: one more query, their
    groups' estates)."""
    return MeasurementSelection(every=True, up_to=up_to, all_levels=all_levels)


def measurements_prefetch(selection: MeasurementSelection = LATEST_MEASUREMENT) -> Prefetch:
    """An indicator's measurements as ``selection`` says. The latest alone is picked by the database (a window
    over the indicators' measurements), so a page never loads the whole series. Only the plan's own figures,
    unless ``selection.all_levels``: a plan's value is never summed from its estates', so they count for
    nothing but their own rows."""
    measurements = Measurement.objects.all()
    if selection.up_to is not None:
        measurements = measurements.filter(date__lte=selection.up_to)
    if selection.all_levels:
        measurements = measurements.select_related("estate").prefetch_related("estates")
    else:
        measurements = measurements.filter(level=Measurement.Level.PLAN)
    if selection.every:
        return Prefetch("measurements", queryset=measurements.order_by("date", "pk"))
    newest_first = Window(
        RowNumber(), partition_by=[F("indicator_id")], order_by=[F("date").desc(), F("pk").desc()]
    )
    latest = measurements.annotate(newest=newest_first).filter(newest=1).order_by("pk")
    return Prefetch("measurements", queryset=latest, to_attr="latest_measurements")


def _indicators(measurements: MeasurementSelection):
    return (
        Indicator.objects.select_related("plan")
        .order_by("pk")
        .prefetch_related(measurements_prefetch(measurements))
    )


def indicators_prefetch(
    *, measurable_by=None, measurements: MeasurementSelection = LATEST_MEASUREMENT
) -> Prefetch:
    """A goal's indicators with their plan and measurements (the latest, unless ``measurements`` says).

    With ``measurable_by`` (a user) each indicator carries ``measurable``: whether that user may record its
    measurements — the same answer as ``has_perm("plan.edit_goals", indicator)``, within the same query.
    """
    indicators = _indicators(measurements)
    if measurable_by is not None:
        allowed = Indicator.objects.for_user(measurable_by, EDIT_GOALS).filter(pk=OuterRef("pk"))
        indicators = indicators.annotate(measurable=Exists(allowed))
    return Prefetch("indicators", queryset=indicators)


def key_figures_prefetch(measurements: MeasurementSelection = LATEST_MEASUREMENT) -> Prefetch:
    """A strategic goal's key figures with their plan and measurements (the latest, unless ``measurements``
    says)."""
    return Prefetch("key_figures", queryset=_indicators(measurements))


def goals_prefetch(
    *, measurable_by=None, measurements: MeasurementSelection = LATEST_MEASUREMENT
) -> Prefetch:
    """A delaftale's goals in their order, with indicators and measurements."""
    goals = Goal.objects.order_by("order", "pk").prefetch_related(
        indicators_prefetch(measurable_by=measurable_by, measurements=measurements)
    )
    return Prefetch("goals", queryset=goals)


def activities_prefetch() -> Prefetch:
    """A delaftale's activities by name, with the responsible organisation and the goals they serve."""
    return Prefetch(
        "activities",
        queryset=Activity.objects.select_related("responsible_organisation")
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.select_related("sub_agreement__plan")))
        .order_by("name"),
    )


# --- What lists show of an indicator and an activity ----------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator as lists show it: its progress and latest measurement, computed once."""

    indicator: Indicator
    #: Judged as of ``as_of``: today, or the plan's last day once its period has ended (then final).
    progress: progress_rules.Progress
    as_of: progress_rules.AsOf
    latest: Measurement | None
    #: How old the latest measurement is, in words ("målt for 3 uger siden"); None without one.
    age: str | None
    #: None once the next measurement would fall after the plan's period: nothing more is due.
    next_due: date | None
    #: A new measurement was due before today.
    overdue: bool


def summarise(indicator: Indicator, today: date) -> IndicatorSummary:
    as_of = indicator.status_as_of(today)
    latest = indicator.latest_measurement()
    return IndicatorSummary(
        indicator=indicator,
        progress=indicator.progress(as_of=as_of),
        as_of=as_of,
        latest=latest,
        age=progress_rules.measurement_age(latest.date, today) if latest else None,
        next_due=indicator.next_measurement_due(),
        overdue=indicator.measurement_is_overdue(today),
    )


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    overdue: bool


@dataclass(frozen=True)
class MeasurementRow:
    measurement: Measurement
    #: Where the indicator stood when this value was measured.
    progress: progress_rules.Progress


# --- The goal page --------------------------------------------------------------------------------------------


def goals_for_page() -> PlanScopedQuerySet:
    """Goals with what their page shows: delaftale and plan, indicators → measurements, activities."""
    activities = Activity.objects.select_related("sub_agreement__plan", "responsible_organisation")
    return Goal.objects.select_related("sub_agreement__plan").prefetch_related(
        indicators_prefetch(), Prefetch("activities", queryset=activities.order_by("name"))
    )


@dataclass(frozen=True)
class GoalPage:
    goal: Goal
    indicators: list[IndicatorSummary]
    #: Rolled up from the indicators, as of ``as_of``.
    progress: progress_rules.Progress
    as_of: progress_rules.AsOf
    activities: list[ActivityRow]


def goal_page(goal: Goal, *, today: date) -> GoalPage:
    """What the goal's page shows (``goal`` read through ``goals_for_page()``)."""
    summaries = [summarise(indicator, today) for indicator in goal.indicators.all()]
    return GoalPage(
        goal=goal,
        indicators=summaries,
        progress=progress_rules.roll_up(s.progress for s in summaries),
        as_of=progress_rules.status_as_of(today=today, period_end=goal.sub_agreement.plan.end_date),
        activities=[ActivityRow(a, a.is_overdue(today)) for a in goal.activities.all()],
    )


# --- The indicator page ---------------------------------------------------------------------------------------


def indicators_for_page() -> PlanScopedQuerySet:
    """Indicators with what their page's head shows: plan, parent (goal → delaftale, or strategic goal) and the
    latest measurement. The measurements themselves are read by ``indicator_page``: the chart's values, and one
    page of the table."""
    return Indicator.objects.select_related(
        "plan", "goal__sub_agreement__plan", "strategic_goal__plan", "catalogue_entry__period"
    ).prefetch_related(measurements_prefetch())


#: Rows of the indicator page's measurement table per page.
MEASUREMENTS_PER_PAGE = 25


@dataclass(frozen=True)
class ChartValue:
    """A measurement as the chart reads it: its date and value (None when suppressed), nothing else."""

    date: date
    value: Decimal | None
    suppressed: bool = False
    #: The measurement's id, where a cell of the estates' table links to it.
    pk: int | None = None


@dataclass(frozen=True)
class LevelRow:
    """One row of the estates' table: the plan itself, an estate or a group of estates, and its figure at each
    of the table's dates (None where it has none; a suppressed one says so)."""

    label: str
    #: The plan's own row (never summed from the estates': it is the plan-level figure).
    is_plan: bool
    cells: list[ChartValue | None]
    #: The estate's number (afdelingsnummer), if it has one.
    number: str = ""


@dataclass(frozen=True)
class EstateTable:
    """The estates' (and groups') figures beside the plan's, by date: estate × date."""

    dates: list[date]
    rows: list[LevelRow]
    #: Some figure in the table is suppressed (the page says they are left out of progress and sums).
    any_suppressed: bool


def estate_table(indicator: Indicator, plan_values: list[ChartValue]) -> EstateTable | None:
    """The estates' and groups' figures of ``indicator`` beside the plan's own (``plan_values``, all of them,
    already read) at the dates the estates have one: two queries (the figures with their estate, the groups'
    estates). None when no estate has a figure."""
    figures = list(
        indicator.measurements.exclude(level=Measurement.Level.PLAN)
        .select_related("estate")
        .order_by("date", "pk")
    )
    # The groups' estates, asked whether or not there are groups, so the page's queries stay the same.
    members: dict[int, list[Estate]] = {}
    for link in Measurement.estates.through.objects.filter(
        measurement__indicator=indicator, measurement__level=Measurement.Level.GROUP
    ).select_related("estate"):
        members.setdefault(link.measurement_id, []).append(link.estate)
    if not figures:
        return None
    dates = sorted({m.date for m in figures})
    column = {day: index for index, day in enumerate(dates)}
    by_date = {value.date: value for value in plan_values}
    rows: dict[tuple, LevelRow] = {}
    for m in figures:
        if m.level == Measurement.Level.ESTATE:
            key: tuple = (1, str(m.estate), m.estate_id)
            number = m.estate.number if m.estate else ""
        else:
            group = members.get(m.pk, [])
            key = (2, ", ".join(sorted(str(e) for e in group)), tuple(sorted(e.pk for e in group)))
            number = ""
        row = rows.get(key)
        if row is None:
            row = rows[key] = LevelRow(label=key[1], is_plan=False, cells=[None] * len(dates), number=number)
        row.cells[column[m.date]] = ChartValue(m.date, m.value, m.suppressed, m.pk)
    plan_row = LevelRow(
        label=capfirst(str(Measurement.Level.PLAN.label)),
        is_plan=True,
        cells=[by_date.get(day) for day in dates],
    )
    every_row = [plan_row, *(rows[key] for key in sorted(rows))]
    return EstateTable(
        dates=dates,
        rows=every_row,
        any_suppressed=any(cell is not None and cell.suppressed for row in every_row for cell in row.cells),
    )


@dataclass(frozen=True)
class IndicatorPage:
    indicator: Indicator
    summary: IndicatorSummary
    #: The day the status is judged on (the legend says so).
    as_of: progress_rules.AsOf
    #: One page of the measurements, newest first, each with the progress it showed.
    rows: list[MeasurementRow]
    #: That page (``page_obj.paginator.count``: all the measurements).
    page_obj: Page
    chart: IndicatorChart
    #: The goal, or the strategic goal of a key figure, the page links back to.
    parent_url: str
    #: The estates' figures beside the plan's; None when there are none.
    estates: EstateTable | None


def indicator_page(indicator: Indicator, *, today: date, page_number: int | str | None = 1) -> IndicatorPage:
    """What the indicator's page shows (``indicator`` read through ``indicators_for_page()``): the chart from all
    the plan's own values (dates and values only, one query), page ``page_number`` of the table, newest first (a
    count and the page's rows with who entered them) — however many measurements there are — and the estates'
    figures beside the plan's (``estate_table``, two queries)."""
    own = indicator.measurements.filter(level=Measurement.Level.PLAN)
    values = [
        ChartValue(day, value, suppressed)
        for day, value, suppressed in own.order_by("date", "pk").values_list("date", "value", "suppressed")
    ]
    measurements = own.select_related("entered_by").order_by("-date", "-pk")
    page = Paginator(measurements, MEASUREMENTS_PER_PAGE).get_page(page_number)
    summary = summarise(indicator, today)
    return IndicatorPage(
        indicator=indicator,
        summary=summary,
        as_of=summary.as_of,
        rows=[MeasurementRow(m, indicator.progress(at=m)) for m in page.object_list],
        page_obj=page,
        chart=indicator_chart(indicator, values, indicator.plan),
        parent_url=indicator.navigation_parent().get_absolute_url(),
        estates=estate_table(indicator, values),
    )


# --- The activity page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    overdue: bool


@dataclass(frozen=True)
class ActivityPage:
    activity: Activity
    #: The goals it serves.
    goals: list[Goal]
    overdue: bool
    #: Its milestones by due date.
    milestones: list[MilestoneRow]


def activity_page(activity: Activity, *, today: date) -> ActivityPage:
    """What the activity's page shows (``activity`` read with its goals and milestones prefetched)."""
    return ActivityPage(
        activity=activity,
        goals=list(activity.goals.all()),
        overdue=activity.is_overdue(today),
        milestones=[
            MilestoneRow(milestone=milestone, overdue=milestone.is_overdue(today))
            for milestone in activity.milestones.all()
        ],
    )
