"""A plan file holds each measurement's level: the plan's own figure, an estate's (named by the estate's name)
and a group's (its estates' names); they survive the round trip, and a name the file does not have is refused at
its place."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.goals.services import measurement_create
from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.exporter import export_plan, plan_data
from helhedsplan.planfiles.importer import import_plan, parse, read
from helhedsplan.planfiles.schema import PlanFileError
from tests.planfiles.roundtrip import comparable
from tests.planfiles.test_plan_files import remove_all_plans_and_organisations

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 11, 29)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _with_estate_figures(plan) -> Indicator:
    indicator = Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk").first()
    a, b, c = plan.estates.order_by("pk")[:3]
    base = {"date": DAY, "note": ""}
    measurement_create(
        indicator=indicator, data={**base, "value": Decimal(50), "suppressed": False}, actor=None
    )
    measurement_create(
        indicator=indicator,
        data={**base, "level": "estate", "estate": a, "value": Decimal(40), "suppressed": False},
        actor=None,
    )
    measurement_create(
        indicator=indicator,
        data={**base, "level": "estate", "estate": b, "value": None, "suppressed": True},
        actor=None,
    )
    measurement_create(
        indicator=indicator,
        data={**base, "level": "group", "estates": [b, c], "value": Decimal(61), "suppressed": False},
        actor=None,
    )
    return indicator


def test_levels_survive_the_round_trip(amager_plan):
    indicator = _with_estate_figures(amager_plan)
    a, b, c = amager_plan.estates.order_by("pk")[:3]
    first = export_plan(amager_plan, personal_data=True)
    text = first.decode() if isinstance(first, bytes) else first
    assert f"estate: {a.name}" in text and "level: group" in text
    remove_all_plans_and_organisations()
    plan = import_plan(parse(first))
    assert comparable(export_plan(plan, personal_data=True)) == comparable(first)
    figures = Measurement.objects.filter(indicator__plan=plan, indicator__name=indicator.name, date=DAY)
    by_level = {(m.level, m.estate.name if m.estate else None): m for m in figures}
    assert by_level[("plan", None)].value == Decimal(50)
    assert by_level[("estate", a.name)].value == Decimal(40)
    assert by_level[("estate", b.name)].suppressed
    [group] = [m for m in figures if m.level == "group"]
    assert sorted(e.name for e in group.estates.all()) == sorted([b.name, c.name])


def test_an_estate_the_file_does_not_have_is_refused_at_its_place(amager_plan):
    _with_estate_figures(amager_plan)
    data = copy.deepcopy(plan_data(amager_plan))
    remove_all_plans_and_organisations()
    measurements = data["sub_agreements"][0]["goals"][0]["indicators"][0]["measurements"]
    index = next(i for i, m in enumerate(measurements) if m.get("level") == "estate")
    measurements[index]["estate"] = "Nowhere"
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    place = f"sub_agreements[0].goals[0].indicators[0].measurements[{index}].estate"
    assert f"{place}: no estate is named 'Nowhere'" in refusal.value.messages


def test_a_plan_figure_with_an_estate_is_refused_by_the_model(db):
    data = copy.deepcopy(read(AMAGER_FILE))
    estate = data["estates"][0]["name"]
    measurements = data["sub_agreements"][0]["goals"][0]["indicators"][0]["measurements"]
    measurements[0]["estate"] = estate  # level left out: the plan's own figure, which names no estate
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    assert (
        "sub_agreements[0].goals[0].indicators[0].measurements[0].estate: A figure for one estate names the "
        "estate; a figure for the plan or a group of estates names none here."
    ) in refusal.value.messages
