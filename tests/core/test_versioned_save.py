"""No lost updates: a save based on an older version is refused with what changed meanwhile."""

import pytest
from django import forms

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.core.services import EditConflict, save_versioned
from helhedsplan.goals.models import Goal
from tests.goals.factories import GoalFactory
from tests.plans.factories import UserFactory


class GoalForm(PlanModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description"]


def _bound(goal, **data):
    fresh = Goal.objects.get(pk=goal.pk)
    return GoalForm(data={"title": fresh.title, "description": fresh.description, **data}, instance=fresh)


@pytest.mark.django_db
def test_saving_from_the_current_version_raises_the_version():
    goal = GoalFactory(title="Flere tager en uddannelse")
    form = _bound(goal, title="Flere gennemfører en uddannelse", lock_version=goal.lock_version)
    assert form.is_valid(), form.errors
    save_versioned(form, form.cleaned_data["lock_version"])
    goal.refresh_from_db()
    assert goal.title == "Flere gennemfører en uddannelse"
    assert goal.lock_version == 2


@pytest.mark.django_db
def test_the_second_of_two_edits_from_the_same_version_is_refused_and_told_what_changed():
    goal = GoalFactory(title="Oprindelig titel")
    opened_version = goal.lock_version
    first = _bound(goal, title="Første redaktørs titel", lock_version=opened_version)
    assert first.is_valid()
    save_versioned(first, opened_version)

    second = _bound(goal, title="Anden redaktørs titel", lock_version=opened_version)
    assert second.is_valid()
    with pytest.raises(EditConflict) as raised:
        save_versioned(second, opened_version)

    goal.refresh_from_db()
    assert goal.title == "Første redaktørs titel"  # nothing overwritten
    assert raised.value.current_lock_version == goal.lock_version
    [change] = raised.value.conflict.changes
    assert (change.old, change.new) == ("Oprindelig titel", "Første redaktørs titel")


@pytest.mark.django_db
def test_a_conflict_names_who_saved_meanwhile():
    from simple_history.utils import update_change_reason  # noqa: F401 - ensures history is installed

    user = UserFactory(username="kollega", first_name="Kirsten", last_name="Kollega")
    goal = GoalFactory()
    opened_version = goal.lock_version
    goal._history_user = user
    goal.title = "Ændret af en kollega"
    goal.save()
    stale = _bound(goal, title="Min titel", lock_version=opened_version)
    assert stale.is_valid()
    with pytest.raises(EditConflict) as raised:
        save_versioned(stale, opened_version)
    assert raised.value.conflict.users == [user]


@pytest.mark.django_db
def test_the_version_field_is_hidden_and_only_on_existing_objects():
    goal = GoalFactory()
    assert isinstance(GoalForm(instance=goal).fields["lock_version"].widget, forms.HiddenInput)
    assert GoalForm(instance=goal).fields["lock_version"].initial == goal.lock_version
    assert "lock_version" not in GoalForm().fields
