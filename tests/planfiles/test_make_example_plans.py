"""``manage.py make_example_plans``: example plans the size of Amager, named and flagged as examples, made
once however often the command runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from helhedsplan.core.models import ExampleFlag
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_example_plans_are_copies_of_amager_named_and_flagged_as_examples():
    out = StringIO()
    call_command("make_example_plans", count=2, stdout=out)

    plans = list(Plan.objects.filter(slug__startswith="eksempelplan-").order_by("slug"))
    assert [(p.slug, p.name) for p in plans] == [
        ("eksempelplan-01", "Eksempelplan 01"),
        ("eksempelplan-02", "Eksempelplan 02"),
    ]
    assert "2 eksempelplaner lavet, 0 fandtes allerede." in out.getvalue()
    first, second = plans
    assert first.description.startswith("Eksempel:")
    # The size of Amager: the same indicators and measurements in each.
    assert Indicator.objects.in_plan(first).count() == Indicator.objects.in_plan(second).count() > 10
    assert Measurement.objects.in_plan(first).count() == Measurement.objects.in_plan(second).count() > 30
    # Every row that can say it is example data says so.
    flagged = [m for m in apps.get_models() if issubclass(m, ExampleFlag) and hasattr(m.objects, "in_plan")]
    assert flagged
    for model in flagged:
        assert not model.objects.in_plan(first).filter(is_example=False).exists(), model


def test_running_again_adds_only_the_missing_plans():
    call_command("make_example_plans", count=1, stdout=StringIO())
    kept = Plan.objects.get(slug="eksempelplan-01")
    out = StringIO()

    call_command("make_example_plans", count=2, stdout=out)

    assert Plan.objects.filter(slug__startswith="eksempelplan-").count() == 2
    assert Plan.objects.get(slug="eksempelplan-01").pk == kept.pk
    assert "1 eksempelplaner lavet, 1 fandtes allerede." in out.getvalue()
