"""The goals app's writes without a form: the services validate through the model, say what is wrong at the
field, record who acted, and refuse a stale edit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from helhedsplan.core.services import EditConflict
from helhedsplan.goals import services
from helhedsplan.goals.models import Goal, Measurement
from tests.world import limited_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(personas):
    """A goal of the limited editor's delaftale on the Amager plan, with one indicator."""
    return limited_to(personas).goals.get(title="Flere unge tager en uddannelse")


@pytest.fixture
def indicator(goal):
    """Measured at the end of June 2022, 2023 and 2024."""
    return goal.indicators.get()


@pytest.fixture
def activity(goal):
    """The activity "Lektiecaféer", serving both goals of its delaftale."""
    return goal.activities.get(name="Lektiecaféer")


def test_a_measurement_records_who_entered_it(personas, indicator):
    editor = personas.limited_editor
    measurement = services.measurement_create(
        indicator=indicator,
        data={"date": datetime.date(2025, 6, 30), "value": Decimal(85)},
        actor=editor,
    )
    assert measurement.entered_by == editor
    assert measurement.history.get().history_user == editor


def test_one_measurement_per_date_is_said_at_the_date(personas, indicator):
    with pytest.raises(ValidationError) as refusal:
        services.measurement_create(
            indicator=indicator,
            data={"date": datetime.date(2023, 6, 30), "value": Decimal(51)},
            actor=personas.editor,
        )
    assert refusal.value.message_dict == {
        "date": [_("There is already a measurement on this date. Edit that one instead.")]
    }
    assert Measurement.objects.filter(indicator=indicator).count() == 3  # the plan file's


def test_an_indicators_rules_are_the_models(goal):
    data = {
        "name": "Ledighed",
        "unit": "%",
        "direction": "lower",
        "baseline_value": Decimal(10),
        "baseline_date": datetime.date(2022, 1, 1),
        "target_value": Decimal(12),
        "target_date": datetime.date(2025, 12, 31),
        "measurement_interval_months": 0,
    }
    with pytest.raises(ValidationError) as refusal:
        services.indicator_create(goal=goal, data=data, actor=None)
    assert set(refusal.value.message_dict) == {"target_value", "measurement_interval_months"}


def test_a_key_figure_lives_in_its_strategic_goals_plan(amager_plan):
    strategic_goal = amager_plan.strategic_goals.get(focus_area="employment")
    data = {
        "name": "Beskæftigede",
        "unit": "%",
        "direction": "higher",
        "baseline_value": Decimal(50),
        "baseline_date": datetime.date(2022, 1, 1),
        "target_value": Decimal(55),
        "target_date": datetime.date(2025, 12, 31),
    }
    key_figure = services.key_figure_create(strategic_goal=strategic_goal, data=data, actor=None)
    assert (key_figure.plan, key_figure.goal, key_figure.strategic_goal) == (
        amager_plan,
        None,
        strategic_goal,
    )


def test_an_activity_serves_only_goals_of_its_own_plan(goal, activity, other_plan):
    # A goal of another of the plan's delaftaler may be served (the plan files allow it); another plan's not.
    served = set(activity.goals.all())
    elsewhere = Goal.objects.in_plan(other_plan)[0]
    with pytest.raises(ValidationError) as refusal:
        services.activity_update(
            activity=activity,
            data={"goals": [goal, elsewhere]},
            expected_lock_version=activity.lock_version,
            actor=None,
        )
    assert "goals" in refusal.value.message_dict
    assert set(activity.goals.all()) == served


def test_a_stale_goal_edit_is_refused(goal):
    opened = goal.lock_version
    services.goal_update(goal=goal, data={"title": "Første"}, expected_lock_version=opened, actor=None)
    with pytest.raises(EditConflict):
        services.goal_update(goal=goal, data={"title": "Anden"}, expected_lock_version=opened, actor=None)


def test_an_activity_may_serve_a_goal_of_another_delaftale_of_its_plan(amager_plan, goal, activity):
    neighbour = Goal.objects.in_plan(amager_plan).exclude(sub_agreement=goal.sub_agreement)[0]
    services.activity_update(
        activity=activity,
        data={"goals": [goal, neighbour]},
        expected_lock_version=activity.lock_version,
        actor=None,
    )
    assert set(activity.goals.all()) == {goal, neighbour}
