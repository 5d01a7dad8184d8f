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
