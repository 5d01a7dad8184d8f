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
from helhedsplan.goals.models import Measurement
from tests.agreements.factories import SubAgreementFactory
from tests.goals.factories import GoalFactory
from tests.goals.page_fixtures import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_a_measurement_records_who_entered_it(world):
    editor = world.users["editor_this"]
    measurement = services.measurement_create(
        indicator=world.indicator,
        data={"date": datetime.date(2024, 6, 30), "value": Decimal(55)},
        actor=editor,
    )
    assert measurement.entered_by == editor
    assert measurement.history.get().history_user == editor


def test_one_measurement_per_date_is_said_at_the_date(world):
    with pytest.raises(ValidationError) as refusal:
        services.measurement_create(
            indicator=world.indicator,
            data={"date": world.measurement.date, "value": Decimal(51)},
            actor=world.users["editor"],
        )
    assert refusal.value.message_dict == {
        "date": [_("There is already a measurement on this date. Edit that one instead.")]
    }
    assert Measurement.objects.filter(indicator=world.indicator).count() == 1


def test_an_indicators_rules_are_the_models(world):
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
        services.indicator_create(goal=world.goal, data=data, actor=None)
    assert set(refusal.value.message_dict) == {"target_value", "measurement_interval_months"}


def test_a_key_figure_lives_in_its_strategic_goals_plan(world):
    data = {
        "name": "Beskæftigede",
        "unit": "%",
        "direction": "higher",
        "baseline_value": Decimal(50),
        "baseline_date": datetime.date(2022, 1, 1),
        "target_value": Decimal(55),
        "target_date": datetime.date(2025, 12, 31),
    }
    key_figure = services.key_figure_create(strategic_goal=world.strategic_goal, data=data, actor=None)
    assert (key_figure.plan, key_figure.goal, key_figure.strategic_goal) == (
        world.plan,
        None,
        world.strategic_goal,
    )


def test_an_activity_serves_only_goals_of_its_own_plan(world):
    # A goal of another of the plan's delaftaler may be served (the plan files allow it); another plan's not.
    elsewhere = GoalFactory(sub_agreement=SubAgreementFactory(plan=world.other_plan))
    with pytest.raises(ValidationError) as refusal:
        services.activity_update(
            activity=world.activity,
            data={"goals": [world.goal, elsewhere]},
            expected_lock_version=world.activity.lock_version,
            actor=None,
        )
    assert "goals" in refusal.value.message_dict
    assert list(world.activity.goals.all()) == [world.goal]


def test_a_stale_goal_edit_is_refused(world):
    services.goal_update(goal=world.goal, data={"title": "Første"}, expected_lock_version=1, actor=None)
    with pytest.raises(EditConflict):
        services.goal_update(goal=world.goal, data={"title": "Anden"}, expected_lock_version=1, actor=None)


def test_an_activity_may_serve_a_goal_of_another_delaftale_of_its_plan(world):
    neighbour = GoalFactory(sub_agreement=world.other_sub_agreement)
    services.activity_update(
        activity=world.activity,
        data={"goals": [world.goal, neighbour]},
        expected_lock_version=world.activity.lock_version,
        actor=None,
    )
    assert set(world.activity.goals.all()) == {world.goal, neighbour}
