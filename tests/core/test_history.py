import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from helhedsplan.core.history import entries_for
from tests.goals.factories import IndicatorFactory
from tests.plans.factories import UserFactory


@pytest.mark.django_db
def test_history_names_each_changed_field_with_its_label_and_danish_values():
    user = UserFactory(username="redaktoer")
    indicator = IndicatorFactory(name="Andel i beskæftigelse", target_value=Decimal("60"))
    indicator._history_user = user
    indicator.target_value = Decimal("62.5")
    indicator.target_date = datetime.date(2025, 6, 30)
    indicator.save()

    with translation.override("en"):
        latest, created = entries_for(indicator)
    assert created.kind == "+"
    assert latest.kind == "~"
    assert latest.user == user
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes["Target value"] == ("60", "62,5")
    assert len(changes) == 2  # the version bump is bookkeeping, not shown


@pytest.mark.django_db
def test_history_shows_related_objects_and_choices_in_words():
    indicator = IndicatorFactory()
    indicator.direction = "lower"
    indicator.target_value = Decimal("10")
    indicator.save()
    latest = entries_for(indicator)[0]
    shown = {c.new for c in latest.changes}
    assert str(type(indicator).Direction.LOWER_IS_BETTER.label) in shown


def test_a_models_history_manager_class_is_made_once_and_still_bound_to_what_is_asked(db):
    """``core.history.keep_history_manager_classes``: one manager class per model, each access its own manager
    (the class's records, or one object's)."""
    from helhedsplan.goals.models import Goal
    from tests.goals.factories import GoalFactory

    first, second = GoalFactory(), GoalFactory()
    assert type(Goal.history) is type(Goal.history)
    assert Goal.history is not Goal.history
    assert {record.id for record in Goal.history.all()} == {first.pk, second.pk}
    assert {record.id for record in first.history.all()} == {first.pk}
    assert first.history.model is Goal.history.model
