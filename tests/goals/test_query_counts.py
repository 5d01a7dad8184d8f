"""The goal, indicator and activity pages use a fixed number of SQL queries, whatever the amount of data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.goals.models import Goal, Indicator
from helhedsplan.goals.progress import add_months
from helhedsplan.goals.selectors import (
    LATEST_MEASUREMENT,
    MeasurementSelection,
    every_measurement,
    indicators_prefetch,
)
from helhedsplan.planfiles.demo import AMAGER_SLUG
from tests.goals.factories import (
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
)
from tests.plans.factories import OrganisationFactory
from tests.world import limited_to

pytestmark = pytest.mark.django_db

# Every page inside a plan starts with the same four queries:
#  1. the session,  2. the user,
#  3. the user's membership with its plan and organisation (a non-member gets 404; the role, shown in the menu),
#  4. the delaftaler it is limited to (the permission rules ask for them; asked whatever the role).
REQUEST_AND_PERMISSION = 4

GOAL_PAGE = REQUEST_AND_PERMISSION + 5
#  5. the goal with its delaftale and plan (breadcrumbs, permission),
#  6. its indicators with their plan (links),
#  7. the latest measurement of each of those indicators (progress, latest value, next due),
#  8. its activities with their delaftale, plan and responsible organisation,
#  9. the sources of the plan's indicators' baselines with their documents (documents.selectors.sources_by_fact).

INDICATOR_PAGE = REQUEST_AND_PERMISSION + 8
#  5. the indicator with its plan, goal, delaftale and strategic goal (breadcrumbs, permission),
#  6. its latest measurement (progress, latest value, next due),
#  7. the dates and values of all its measurements (the chart),
#  8. how many measurements (the table's pages), 9. one page of them with who entered them (the table),
# 10. the estates' and groups' figures with their estate, 11. the groups' estates (the estates' table),
# 12. the sources of the plan's indicators' baselines with their documents (documents.selectors.sources_by_fact).
INDICATOR_PAGE_EDITABLE = INDICATOR_PAGE + 2
# 13. the plan's estates for the form's "estate", 14. the same for its "group of estates".

ACTIVITY_PAGE = REQUEST_AND_PERMISSION + 3
#  5. the activity with its delaftale, plan and responsible organisation,
#  6. the goals it serves,
#  7. its milestones (their activity, and so their plan for the history links, comes from the prefetch).


def url(name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": AMAGER_SLUG, **kwargs})


@pytest.fixture
def goal(personas):
    """A goal of the limited editor's delaftale on the Amager plan: one indicator, served by two activities."""
    return limited_to(personas).goals.get(title="Flere unge tager en uddannelse")


@pytest.fixture
def indicator(goal):
    return goal.indicators.get()


@pytest.fixture
def activity(goal):
    """The activity "Lektiecaféer": it serves two goals and has three milestones."""
    return goal.activities.get(name="Lektiecaféer")


def add_data(
    personas, goal, indicator, activity, *, indicators: int, measurements: int, activities: int
) -> None:
    """More indicators on the goal, each with measurements, more measurements of its indicator, more activities
    serving it, and more goals served by the activity, which gets more milestones."""
    for number in range(indicators):
        new = IndicatorFactory(goal=goal, name=f"Indikator {number}")
        for month in range(measurements):
            MeasurementFactory(
                indicator=new,
                date=add_months(datetime.date(2022, 2, 1), month),
                value=Decimal(41 + month),
                entered_by=personas.editor,
            )
    for month in range(measurements):
        MeasurementFactory(
            indicator=indicator,
            date=add_months(datetime.date(2022, 2, 1), month),
            value=Decimal(80 + month),
            entered_by=personas.limited_editor,
        )
    # Figures of estates and of groups of estates beside the plan's (the indicator page's estates' table).
    estates = list(goal.sub_agreement.plan.estates.order_by("pk")[:4])
    for month in range(measurements):
        day = add_months(datetime.date(2022, 2, 1), month)
        for estate in estates[:2]:
            MeasurementFactory(
                indicator=indicator,
                date=day,
                level="estate",
                estate=estate,
                value=Decimal(month),
                suppressed=False,
            )
        MeasurementFactory(
            indicator=indicator, date=day, level="group", value=None, suppressed=True
        ).estates.set(estates[2:4])
    for number in range(activities):
        serving = ActivityFactory(
            sub_agreement=goal.sub_agreement,
            name=f"Aktivitet {number}",
            responsible_organisation=OrganisationFactory(),
        )
        serving.goals.add(goal)
        activity.goals.add(GoalFactory(sub_agreement=goal.sub_agreement))
        MilestoneFactory(activity=activity, due_date=datetime.date(2022, 3, 1 + number))


@pytest.fixture(params=["as imported", "more data"])
def data(request, personas, goal, indicator, activity) -> None:
    """The Amager plan as its file has it, or with more rows on the pages' goal, indicator and activity."""
    if request.param == "more data":
        add_data(personas, goal, indicator, activity, indicators=6, measurements=12, activities=5)


@pytest.mark.parametrize("who", ["limited_editor", "reviewer"])
def test_goal_page(client, personas, goal, data, who, django_assert_num_queries):
    client.force_login(personas[who])
    with django_assert_num_queries(GOAL_PAGE):
        response = client.get(url("goal", pk=goal.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["limited_editor", "reviewer"])
def test_indicator_page(client, personas, indicator, data, who, django_assert_num_queries):
    client.force_login(personas[who])
    with django_assert_num_queries(INDICATOR_PAGE_EDITABLE if who == "limited_editor" else INDICATOR_PAGE):
        response = client.get(url("indicator", pk=indicator.pk))
    assert response.status_code == 200


def test_activity_page(client, personas, activity, data, django_assert_num_queries):
    client.force_login(personas.limited_editor)
    with django_assert_num_queries(ACTIVITY_PAGE):
        response = client.get(url("activity", pk=activity.pk))
    assert response.status_code == 200


def test_the_indicator_page_shows_one_page_of_measurements_newest_first(client, personas, indicator):
    # 60 measurements: three pages of 25, the newest first; the chart still shows every value.
    client.force_login(personas.reviewer)
    indicator.measurements.all().delete()
    start = datetime.date(2022, 1, 1)
    for month in range(60):
        MeasurementFactory(indicator=indicator, date=add_months(start, month), value=Decimal(month))
    address = url("indicator", pk=indicator.pk)

    first = client.get(address)
    html = first.content.decode()
    assert [row.measurement.value for row in first.context["rows"]] == [Decimal(v) for v in range(59, 34, -1)]
    assert html.count('r="5"><title>') == 60  # the chart: a point for every measurement
    assert "60 målinger, nyeste først; 1–25 vises her." in html
    assert "Side 1 af 3" in html and 'href="?side=2#measurements-heading"' in html and "Ældre" in html

    last = client.get(address + "?side=3")
    assert [row.measurement.value for row in last.context["rows"]] == [Decimal(v) for v in range(9, -1, -1)]
    assert (
        "Side 3 af 3" in last.content.decode()
        and 'href="?side=2#measurements-heading"' in last.content.decode()
    )


def test_an_indicator_read_with_its_latest_measurement_knows_whether_it_has_measurements(
    goal, indicator, django_assert_num_queries
):
    from helhedsplan.goals.models import Indicator
    from helhedsplan.goals.selectors import indicators_for_page
    from helhedsplan.plans.models import cascading_relations

    # Its measurements are all that deleting an indicator takes along; the latest one read answers for them.
    assert [r.get_accessor_name() for r in cascading_relations(Indicator)] == ["measurements"]
    unmeasured = IndicatorFactory(goal=goal)
    measured, empty = indicators_for_page().filter(pk__in=[indicator.pk, unmeasured.pk]).order_by("pk")
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
