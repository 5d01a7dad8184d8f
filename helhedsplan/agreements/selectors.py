"""Reads of the strategic agreement and the delaftaler with their goal trees: what the agreements' pages show
and what the dashboard and reports build on.

Rows come back with their plan (``select_related("plan")``; the goal tree below gets it from the prefetch of
its parent), in LBF's order of the focus areas (the models' default ordering), in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from helhedsplan.goals import progress
from helhedsplan.goals.models import Activity, Goal, Indicator
from helhedsplan.goals.selectors import (
    LATEST_MEASUREMENT,
    MeasurementSelection,
    activities_prefetch,
    goals_prefetch,
    key_figures_prefetch,
)
from helhedsplan.plans.models import Plan

from .models import Narrative, StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty


def _parties_prefetch() -> Prefetch:
    parties = SubAgreementParty.objects.select_related("organisation").order_by("organisation__short_name")
    return Prefetch("parties", queryset=parties)


def _with_goal_tree(
    sub_agreements: QuerySet[SubAgreement],
    *,
    with_activities: bool = False,
    with_parties: bool = False,
    measurable_by=None,
    measurements: MeasurementSelection = LATEST_MEASUREMENT,
) -> QuerySet[SubAgreement]:
    lookups = [goals_prefetch(measurable_by=measurable_by, measurements=measurements)]
    if with_activities:
        lookups.append(activities_prefetch())
    if with_parties:
        lookups.append(_parties_prefetch())
    return sub_agreements.select_related("plan").prefetch_related(*lookups)


def sub_agreements_with_goal_tree(
    plan: Plan,
    *,
    with_activities: bool = False,
    with_parties: bool = False,
    measurable_by=None,
    measurements: MeasurementSelection = LATEST_MEASUREMENT,
) -> QuerySet[SubAgreement]:
    """The plan's delaftaler → goals → indicators → measurements: four queries (plus activities with their
    goals: two, plus parties with their organisation: one), whatever the amount of data.

    Each indicator brings its latest measurement, or those ``measurements`` says (``every_measurement(up_to=…)``:
    all made by a day, as the report reads them). With ``measurable_by`` (a user) each indicator says whether
    that user may record its measurements (``indicator.measurable``), answered inside the indicators' query.
    """
    return _with_goal_tree(
        SubAgreement.objects.in_plan(plan),
        with_activities=with_activities,
        with_parties=with_parties,
        measurable_by=measurable_by,
        measurements=measurements,
    )


def strategic_goals_with_key_figures(
    plan: Plan, *, measurements: MeasurementSelection = LATEST_MEASUREMENT
) -> QuerySet[StrategicGoal]:
    """Strategic goals → key-figure indicators → measurements (the latest, unless ``measurements`` says):
    three queries."""
    return (
        StrategicGoal.objects.in_plan(plan)
        .select_related("plan")
        .prefetch_related(key_figures_prefetch(measurements))
    )


# --- The goal tree's progress, for one plan or many -----------------------------------------------------------


def goal_trees(plans: Iterable[Plan], *, with_activities: bool = False) -> dict[int, list[SubAgreement]]:
    """Each plan's delaftaler with their goal tree (and activities), keyed by plan pk: four queries (six with
    activities) for any number of plans."""
    plan_ids = [plan.pk for plan in plans]
    by_plan: dict[int, list[SubAgreement]] = {pk: [] for pk in plan_ids}
    sub_agreements = SubAgreement.objects.filter(plan_id__in=plan_ids)
    for sub_agreement in _with_goal_tree(sub_agreements, with_activities=with_activities):
        by_plan[sub_agreement.plan_id].append(sub_agreement)
    return by_plan


def key_figure_trees(plans: Iterable[Plan]) -> dict[int, list[StrategicGoal]]:
    """Each plan's strategic goals → key figures → measurements, keyed by plan pk: three queries."""
    plan_ids = [plan.pk for plan in plans]
    by_plan: dict[int, list[StrategicGoal]] = {pk: [] for pk in plan_ids}
    goals = StrategicGoal.objects.filter(plan_id__in=plan_ids).select_related("plan")
    for goal in goals.prefetch_related(key_figures_prefetch()):
        by_plan[goal.plan_id].append(goal)
    return by_plan


def goal_tree_progresses(plans: Iterable[Plan]) -> dict[int, progress.Progress]:
    """Each plan's progress rolled up from its delaftaler (plan pk → Progress): four queries for any number."""
    return {pk: progress.plan_progress(sub_agreements) for pk, sub_agreements in goal_trees(plans).items()}


def goal_tree_progress(plan: Plan) -> progress.Progress:
    """The plan's progress rolled up from its delaftaler."""
    return goal_tree_progresses([plan])[plan.pk]


# --- The strategic agreement's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StrategicAgreementPage:
    #: None until a coordinator writes it.
    agreement: StrategicAgreement | None
    #: In LBF's order, each with its key figures (``goal.key_figures.all()``) and their measurements.
    strategic_goals: list[StrategicGoal]


def strategic_agreement_page(plan: Plan) -> StrategicAgreementPage:
    """The strategic agreement, its four strategic goals and the area's key figures: four queries."""
    return StrategicAgreementPage(
        agreement=StrategicAgreement.objects.in_plan(plan).select_related("plan").first(),
        strategic_goals=list(strategic_goals_with_key_figures(plan)),
    )


# --- The delaftaler's list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubAgreementRow:
    sub_agreement: SubAgreement
    progress: progress.Progress
    goal_count: int


def sub_agreement_rows(plan: Plan) -> list[SubAgreementRow]:
    """The plan's delaftaler with their progress: four queries for the goal tree, whatever its size."""
    return [
        SubAgreementRow(
            sub_agreement=sub_agreement,
            progress=progress.sub_agreement_progress(sub_agreement),
            goal_count=len(sub_agreement.goals.all()),
        )
        for sub_agreement in sub_agreements_with_goal_tree(plan)
    ]


# --- A delaftale's page ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalCard:
    """A goal as the delaftale's page shows it."""

    goal: Goal
    progress: progress.Progress
    indicators: list[Indicator]
    #: The indicators the reader may record measurements for (a short form each).
    measurable: list[Indicator]


@dataclass(frozen=True)
class SubAgreementPage:
    sub_agreement: SubAgreement
    progress: progress.Progress
    goals: list[GoalCard]
    activities: list[Activity]
    parties: list[SubAgreementParty]
    #: One row per year of the plan, with that year's narrative if it is written.
    narratives: list[YearNarrative]


@dataclass(frozen=True)
class YearNarrative:
    year: int
    narrative: Narrative | None


def sub_agreements_for_page(plan: Plan, user) -> QuerySet[SubAgreement]:
    """The plan's delaftaler with everything their page shows for ``user``: eight queries, whatever the data."""
    return sub_agreements_with_goal_tree(
        plan, with_activities=True, with_parties=True, measurable_by=user
    ).prefetch_related("narratives")


def sub_agreement_page(sub_agreement: SubAgreement) -> SubAgreementPage:
    """What the delaftale's page shows (``sub_agreement`` read through ``sub_agreements_for_page``)."""
    goals = []
    for goal in sub_agreement.goals.all():
        indicators = list(goal.indicators.all())
        goals.append(
            GoalCard(
                goal=goal,
                progress=goal.progress(),
                indicators=indicators,
                measurable=[i for i in indicators if getattr(i, "measurable", False)],
            )
        )
    return SubAgreementPage(
        sub_agreement=sub_agreement,
        progress=progress.sub_agreement_progress(sub_agreement),
        goals=goals,
        activities=list(sub_agreement.activities.all()),
        parties=list(sub_agreement.parties.all()),
        narratives=year_narratives(sub_agreement),
    )


def year_narratives(sub_agreement: SubAgreement) -> list[YearNarrative]:
    """Every year of the plan, newest first, with the delaftale's narrative of it (``narratives`` prefetched)."""
    written = {narrative.year: narrative for narrative in sub_agreement.narratives.all()}
    return [YearNarrative(year, written.get(year)) for year in reversed(sub_agreement.plan.years)]
