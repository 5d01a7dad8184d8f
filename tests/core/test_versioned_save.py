"""No lost updates: a save based on an older lock counter is refused with what changed meanwhile.

Tested on ``core.services``' generic ``object_update`` and ``check_lock`` (every app's update service is built
on them), and on ``PlanModelForm``'s hidden ``lock_version`` field, which carries the counter to the service.
"""

import pytest
from django import forms

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.core.services import EditConflict, check_lock, object_update
from helhedsplan.goals.models import Goal
from tests.goals.factories import GoalFactory
from tests.plans.factories import UserFactory

pytestmark = pytest.mark.django_db


class GoalForm(PlanModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description"]


def _update(goal: Goal, expected_lock_version: int | None, actor=None, **data) -> Goal:
    """An edit as a page makes it: on a freshly read object, with the counter the user's form carried."""
    fresh = Goal.objects.get(pk=goal.pk)
    return object_update(fresh, data=data, expected_lock_version=expected_lock_version, actor=actor)


def test_saving_from_the_current_version_raises_the_version():
    goal = GoalFactory(title="Flere tager en uddannelse")

    _update(goal, goal.lock_version, title="Flere gennemfører en uddannelse")

    goal.refresh_from_db()
    assert goal.title == "Flere gennemfører en uddannelse"
    assert goal.lock_version == 2


def test_the_second_of_two_edits_from_the_same_version_is_refused_and_told_what_changed():
    goal = GoalFactory(title="Oprindelig titel")
    opened_version = goal.lock_version
    _update(goal, opened_version, title="Første redaktørs titel")

    with pytest.raises(EditConflict) as raised:
        _update(goal, opened_version, title="Anden redaktørs titel")

    goal.refresh_from_db()
    assert goal.title == "Første redaktørs titel"  # nothing overwritten
    assert goal.lock_version == 2
    assert raised.value.current_lock_version == goal.lock_version
    [change] = raised.value.conflict.changes
    assert (change.old, change.new) == ("Oprindelig titel", "Første redaktørs titel")


def test_an_edit_without_a_lock_version_is_refused():
    """A form that lost its hidden counter cannot prove it saw the stored version: refused, not saved."""
    goal = GoalFactory(title="Oprindelig titel")

    with pytest.raises(EditConflict):
        _update(goal, None, title="Ny titel")

    goal.refresh_from_db()
    assert (goal.title, goal.lock_version) == ("Oprindelig titel", 1)


def test_a_conflict_names_who_saved_meanwhile():
    user = UserFactory(username="kollega", first_name="Kirsten", last_name="Kollega", password=None)
    goal = GoalFactory()
    opened_version = goal.lock_version
    _update(goal, opened_version, actor=user, title="Ændret af en kollega")

    with pytest.raises(EditConflict) as raised:
        _update(goal, opened_version, title="Min titel")

    assert raised.value.conflict.users == [user]


def test_the_actor_is_recorded_in_the_history():
    user = UserFactory(username="redaktoer", password=None)
    goal = GoalFactory()

    _update(goal, goal.lock_version, actor=user, title="Ny titel")

    assert goal.history.order_by("-history_date", "-history_id").first().history_user == user


def test_check_lock_returns_the_stored_counter_or_refuses():
    goal = GoalFactory()
    assert check_lock(goal, 1) == 1
    with pytest.raises(EditConflict) as raised:
        check_lock(goal, 2)
    assert raised.value.current_lock_version == 1


def test_the_version_field_is_hidden_and_only_on_existing_objects():
    goal = GoalFactory()
    assert isinstance(GoalForm(instance=goal).fields["lock_version"].widget, forms.HiddenInput)
    assert GoalForm(instance=goal).fields["lock_version"].initial == goal.lock_version
    assert "lock_version" not in GoalForm().fields
