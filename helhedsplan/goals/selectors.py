"""Reads of the goal tree with everything prefetched, so a page's query count does not grow with the data."""

from __future__ import annotations

from django.db.models import Prefetch

from helhedsplan.agreements.models import StrategicGoal, SubAgreement, focus_area_order
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement


def measurements_prefetch() -> Prefetch:
    return Prefetch("measurements", queryset=Measurement.objects.order_by("date", "pk"))


def indicators_prefetch() -> Prefetch:
    return Prefetch(
        "indicators", queryset=Indicator.objects.order_by("pk").prefetch_related(measurements_prefetch())
    )


def goals_prefetch() -> Prefetch:
    return Prefetch(
        "goals", queryset=Goal.objects.order_by("order", "pk").prefetch_related(indicators_prefetch())
    )


def activities_prefetch() -> Prefetch:
    return Prefetch(
        "activities",
        queryset=Activity.objects.select_related("responsible_organisation")
        .prefetch_related("goals")
        .order_by("name"),
    )


def sub_agreements_with_goal_tree(plan, *, with_activities: bool = False, with_parties: bool = False):
    """The plan's delaftaler → goals → indicators → measurements: four queries (plus activities with their
    goals: two, plus parties with their organisation: one), whatever the amount of data."""
    lookups = [goals_prefetch()]
    if with_activities:
        lookups.append(activities_prefetch())
    if with_parties:
        lookups.append(Prefetch("parties", queryset=_parties()))
    return SubAgreement.objects.in_plan(plan).order_by(focus_area_order()).prefetch_related(*lookups)


def _parties():
    from helhedsplan.agreements.models import SubAgreementParty

    return SubAgreementParty.objects.select_related("organisation").order_by("organisation__short_name")


def strategic_goals_with_key_figures(plan):
    """Strategic goals → key-figure indicators → measurements: three queries."""
    return (
        StrategicGoal.objects.in_plan(plan)
        .order_by(focus_area_order())
        .prefetch_related(
            Prefetch(
                "key_figures",
                queryset=Indicator.objects.order_by("pk").prefetch_related(measurements_prefetch()),
            )
        )
    )
