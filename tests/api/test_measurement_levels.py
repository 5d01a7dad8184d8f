"""The API gives each measurement's level, its estates (ids and numbers) and whether it is suppressed; the
indicator's progress is the plan's own figure's, whatever the estates' say."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helhedsplan.goals.models import Indicator
from helhedsplan.goals.services import measurement_create
from tests.api.factories import bearer, token_for
from tests.world import client_for

pytestmark = pytest.mark.django_db


def test_each_measurement_says_its_level_estates_and_suppression(amager_plan, personas):
    indicator = Indicator.objects.in_plan(amager_plan).filter(goal__isnull=False).order_by("pk").first()
    a, b, c = amager_plan.estates.order_by("pk")[:3]
    a.number = "901"
    a.save()
    day = amager_plan.end_date
    base = {"date": day, "note": ""}
    measurement_create(
        indicator=indicator, data={**base, "value": Decimal(50), "suppressed": False}, actor=None
    )
    measurement_create(
        indicator=indicator,
        data={**base, "level": "estate", "estate": a, "value": Decimal(99), "suppressed": False},
        actor=None,
    )
    measurement_create(
        indicator=indicator,
        data={**base, "level": "group", "estates": [c, b], "value": None, "suppressed": True},
        actor=None,
    )
    response = client_for(None).get(
        f"/api/plans/{amager_plan.slug}/indicators/{indicator.pk}",
        headers=bearer(token_for(personas.reviewer)),
    )
    assert response.status_code == 200
    body = response.json()
    on_day = {m["level"]: m for m in body["measurements"] if m["date"] == day.isoformat()}
    assert on_day["plan"]["estate_ids"] == [] and on_day["plan"]["value"] == "50.00"
    assert on_day["estate"]["estate_ids"] == [a.pk] and on_day["estate"]["estate_numbers"] == ["901"]
    group = on_day["group"]
    assert group["estate_ids"] == sorted([b.pk, c.pk]) and group["estate_numbers"] == ["", ""]
    assert group["suppressed"] is True and group["value"] is None
    # Progress is the plan's own figure's (50), not the estate's 99.
    expected = Indicator.objects.get(pk=indicator.pk).progress()
    assert body["progress"]["percent"] == expected.percent
