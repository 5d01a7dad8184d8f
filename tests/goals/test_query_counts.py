"""The goal, indicator and activity pages use a fixed number of SQL queries, whatever the amount of data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from helhedsplan.goals.progress import add_months
from tests.goals.factories import (
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
)
from tests.goals.page_fixtures import build_world
from tests.plans.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Every page inside a plan starts with the same five queries:
#  1. the session,  2. the user,
#  3. the plan, through the user's memberships (a non-member gets 404),
#  4. the user's membership with its organisation (role, shown in the menu),
#  5. the delaftaler an editor's membership is limited to (the permission rules ask for them).
REQUEST_AND_PERMISSION = 5

GOAL_PAGE = REQUEST_AND_PERMISSION + 4
#  6. the goal with its delaftale and plan (breadcrumbs, permission),
#  7. its indicators with their plan (links),
#  8. all those indicators' measurements (progress, latest value, next due),
#  9. its activities with their delaftale, plan and responsible organisation.

INDICATOR_PAGE = REQUEST_AND_PERMISSION + 2
#  6. the indicator with its plan, goal, delaftale and strategic goal (breadcrumbs, permission),
#  7. its measurements with who entered them (chart, table, progress).

ACTIVITY_PAGE = REQUEST_AND_PERMISSION + 3
#  6. the activity with its delaftale, plan and responsible organisation,
#  7. the goals it serves,
#  8. its milestones (their activity, and so their plan for the history links, comes from the prefetch).


def add_data(world, *, indicators: int, measurements: int, activities: int) -> None:
    """More indicators on the goal, each with measurements, more activities serving it, and more goals served
    by the world's activity."""
    for number in range(indicators):
        indicator = IndicatorFactory(goal=world.goal, name=f"Indikator {number}")
        for month in range(measurements):
            MeasurementFactory(
                indicator=indicator,
                date=add_months(datetime.date(2022, 2, 1), month),
                value=Decimal(41 + month),
                entered_by=world.users["editor"],
            )
    for month in range(measurements):
        MeasurementFactory(
            indicator=world.indicator,
            date=add_months(datetime.date(2022, 2, 1), month),
            value=Decimal(40 + month),
            entered_by=world.users["editor_this"],
        )
    for number in range(activities):
        activity = ActivityFactory(
            sub_agreement=world.sub_agreement,
            name=f"Aktivitet {number}",
            responsible_organisation=OrganisationFactory(),
        )
        activity.goals.add(world.goal)
        # The world's activity serves more goals too, and has milestones.
        world.activity.goals.add(GoalFactory(sub_agreement=world.sub_agreement))
        MilestoneFactory(activity=world.activity, due_date=datetime.date(2022, 3, 1 + number))


@pytest.fixture(params=["one", "many"])
def world(request):
    world = build_world()
    if request.param == "many":
        add_data(world, indicators=6, measurements=12, activities=5)
    return world


@pytest.mark.parametrize("who", ["editor_this", "reviewer"])
def test_goal_page(client, world, who, django_assert_num_queries):
    client.force_login(world.users[who])
    with django_assert_num_queries(GOAL_PAGE):
        response = client.get(world.url("goal", pk=world.goal.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["editor_this", "reviewer"])
def test_indicator_page(client, world, who, django_assert_num_queries):
    client.force_login(world.users[who])
    with django_assert_num_queries(INDICATOR_PAGE):
        response = client.get(world.url("indicator", pk=world.indicator.pk))
    assert response.status_code == 200


def test_activity_page(client, world, django_assert_num_queries):
    client.force_login(world.users["editor_this"])
    with django_assert_num_queries(ACTIVITY_PAGE):
        response = client.get(world.url("activity", pk=world.activity.pk))
    assert response.status_code == 200
