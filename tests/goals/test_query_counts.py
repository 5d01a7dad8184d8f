"""The goal, indicator and activity pages use a fixed number of SQL queries, whatever the amount of data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from helhedsplan.goals.models import Goal, Indicator
from helhedsplan.goals.progress import add_months
from helhedsplan.goals.selectors import (
    LATEST_MEASUREMENT,
    MeasurementSelection,
    every_measurement,
    indicators_prefetch,
)
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

# Every page inside a plan starts with the same four queries:
#  1. the session,  2. the user,
#  3. the user's membership with its plan and organisation (a non-member gets 404; the role, shown in the menu),
#  4. the delaftaler it is limited to (the permission rules ask for them; asked whatever the role).
REQUEST_AND_PERMISSION = 4

GOAL_PAGE = REQUEST_AND_PERMISSION + 4
#  5. the goal with its delaftale and plan (breadcrumbs, permission),
#  6. its indicators with their plan (links),
#  7. the latest measurement of each of those indicators (progress, latest value, next due),
#  8. its activities with their delaftale, plan and responsible organisation.

INDICATOR_PAGE = REQUEST_AND_PERMISSION + 5
#  5. the indicator with its plan, goal, delaftale and strategic goal (breadcrumbs, permission),
#  6. its latest measurement (progress, latest value, next due),
#  7. the dates and values of all its measurements (the chart),
#  8. how many measurements (the table's pages), 9. one page of them with who entered them (the table).

ACTIVITY_PAGE = REQUEST_AND_PERMISSION + 3
#  5. the activity with its delaftale, plan and responsible organisation,
#  6. the goals it serves,
#  7. its milestones (their activity, and so their plan for the history links, comes from the prefetch).


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


def test_the_indicator_page_shows_one_page_of_measurements_newest_first(client, world):
    # 60 measurements: three pages of 25, the newest first; the chart still shows every value.
    client.force_login(world.users["reviewer"])
    world.indicator.measurements.all().delete()
    start = datetime.date(2022, 1, 1)
    for month in range(60):
        MeasurementFactory(indicator=world.indicator, date=add_months(start, month), value=Decimal(month))
    url = world.url("indicator", pk=world.indicator.pk)

    first = client.get(url)
    html = first.content.decode()
    assert [row.measurement.value for row in first.context["rows"]] == [Decimal(v) for v in range(59, 34, -1)]
    assert html.count('r="5"><title>') == 60  # the chart: a point for every measurement
    assert "60 målinger, nyeste først; 1–25 vises her." in html
    assert "Side 1 af 3" in html and 'href="?side=2#measurements-heading"' in html and "Ældre" in html

    last = client.get(url + "?side=3")
    assert [row.measurement.value for row in last.context["rows"]] == [Decimal(v) for v in range(9, -1, -1)]
    assert (
        "Side 3 af 3" in last.content.decode()
        and 'href="?side=2#measurements-heading"' in last.content.decode()
    )


def test_an_indicator_read_with_its_latest_measurement_knows_whether_it_has_measurements(
    world, django_assert_num_queries
):
    from helhedsplan.goals.models import Indicator
    from helhedsplan.goals.selectors import indicators_for_page
    from helhedsplan.plans.models import cascading_relations

    # Its measurements are all that deleting an indicator takes along; the latest one read answers for them.
    assert [r.get_accessor_name() for r in cascading_relations(Indicator)] == ["measurements"]
    unmeasured = IndicatorFactory(goal=world.goal)
    measured, empty = indicators_for_page().filter(pk__in=[world.indicator.pk, unmeasured.pk]).order_by("pk")
    with django_assert_num_queries(0):
        assert (measured.has_dependants(), empty.has_dependants()) == (True, False)


def test_the_goal_tree_reads_the_latest_or_every_measurement_up_to_a_day_in_one_query(
    django_assert_num_queries,
):
    indicator = IndicatorFactory(measurement_interval_months=6)
    days = [datetime.date(2022, 3, 1), datetime.date(2022, 9, 1), datetime.date(2023, 3, 1)]
    for day in days:
        MeasurementFactory(indicator=indicator, date=day)
    cut = datetime.date(2022, 12, 31)

    def read(selection: MeasurementSelection) -> Indicator:
        with django_assert_num_queries(3):  # the goal, its indicators with their plan, the measurements
            goal = Goal.objects.prefetch_related(indicators_prefetch(measurements=selection)).get(
                pk=indicator.goal_id
            )
            return goal.indicators.all()[0]

    latest, every = read(LATEST_MEASUREMENT), read(every_measurement())
    every_by_cut, latest_by_cut = read(every_measurement(up_to=cut)), read(MeasurementSelection(up_to=cut))
    with django_assert_num_queries(0):
        assert [m.date for m in latest.latest_measurements] == [days[2]]
        assert [m.date for m in every.measurements.all()] == days
        assert [m.date for m in every_by_cut.measurements.all()] == days[:2]
        assert [m.date for m in latest_by_cut.latest_measurements] == [days[1]]
        # Read up to a day, the indicator's latest measurement and next due date are those of that day.
        for as_of_cut in (every_by_cut, latest_by_cut):
            assert as_of_cut.next_measurement_due() == datetime.date(2023, 3, 1)
        assert every.next_measurement_due() == latest.next_measurement_due() == datetime.date(2023, 9, 1)
