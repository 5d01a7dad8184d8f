"""A measurement's level: the plan, one estate or a group of estates. The rules (an estate of the plan's own, a
plan's figure names none, one figure per indicator, date and level), progress read from the plan's own figure
only — never summed from the estates' — and the indicator page's table of the estates' figures beside it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.goals.services import measurement_create, measurement_update
from tests.goals.factories import MeasurementFactory
from tests.plans.factories import EstateFactory
from tests.world import snapshot

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 11, 29)


def _indicator(plan) -> Indicator:
    return Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk").first()


def _estates(plan, count=3):
    return list(plan.estates.order_by("pk")[:count])


def _figure(indicator, *, estates=(), level=None, value=Decimal(10), suppressed=False, day=DAY, actor=None):
    data = {"date": day, "value": value, "suppressed": suppressed, "note": ""}
    if level == "estate":
        data.update(level="estate", estate=estates[0])
    elif level == "group":
        data.update(level="group", estates=list(estates))
    return measurement_create(indicator=indicator, data=data, actor=actor)


def _refused(call, field: str) -> list[str]:
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        call()
    assert snapshot() == before, "a refused figure saves nothing"
    return refusal.value.message_dict[field]


# --- The rules ------------------------------------------------------------------------------------------------


def test_an_estate_of_another_plan_is_refused(amager_plan, other_plan):
    foreign = EstateFactory(plan=other_plan)
    messages = _refused(lambda: _figure(_indicator(amager_plan), level="estate", estates=[foreign]), "estate")
    assert messages == ["Afdelingen er ikke en af planens afdelinger."]


def test_a_plan_figure_names_no_estate_and_an_estate_figure_names_one(amager_plan):
    indicator, estate = _indicator(amager_plan), _estates(amager_plan)[0]
    message = "Et tal for én afdeling nævner afdelingen; et tal for planen eller en gruppe af afdelinger nævner ingen her."
    data = {"date": DAY, "value": Decimal(1), "suppressed": False, "note": ""}
    assert _refused(
        lambda: measurement_create(indicator=indicator, data={**data, "estate": estate}, actor=None), "estate"
    ) == [message]
    assert _refused(
        lambda: measurement_create(indicator=indicator, data={**data, "level": "estate"}, actor=None),
        "estate",
    ) == [message]


def test_one_figure_per_indicator_date_and_estate(amager_plan):
    indicator = _indicator(amager_plan)
    first, second = _estates(amager_plan, 2)
    _figure(indicator, value=Decimal(50))  # the plan's own
    _figure(indicator, level="estate", estates=[first], value=Decimal(40))
    _figure(indicator, level="estate", estates=[second], value=Decimal(60))  # another estate: its own figure
    messages = _refused(lambda: _figure(indicator, level="estate", estates=[first]), "date")
    assert messages == ["Der er allerede en måling af denne afdeling på denne dato. Rediger den i stedet."]
    assert _refused(lambda: _figure(indicator), "date") == [
        "Der er allerede en måling på denne dato. Rediger den i stedet."
    ]


def test_a_group_is_two_estates_or_more_of_the_plan_once_per_date(amager_plan, other_plan):
    indicator = _indicator(amager_plan)
    a, b, c = _estates(amager_plan)
    assert _refused(lambda: _figure(indicator, level="group", estates=[a]), "estates") == [
        "En gruppe er mindst to afdelinger; vælg dem."
    ]
    foreign = EstateFactory(plan=other_plan)
    assert _refused(lambda: _figure(indicator, level="group", estates=[a, foreign]), "estates") == [
        "Afdelingen er ikke en af planens afdelinger."
    ]
    group = _figure(indicator, level="group", estates=[a, b])
    assert set(group.estates.all()) == {a, b}
    _figure(indicator, level="group", estates=[a, c])  # another group on the same day
    assert _refused(lambda: _figure(indicator, level="group", estates=[b, a]), "estates") == [
        "Der er allerede en måling af denne gruppe af afdelinger på denne dato. Rediger den i stedet."
    ]
    # An estate's or the plan's figure names no group.
    assert _refused(
        lambda: measurement_create(
            indicator=indicator,
            data={"date": DAY, "value": Decimal(1), "suppressed": False, "note": "", "estates": [a, b]},
            actor=None,
        ),
        "estates",
    ) == ["Kun et tal for en gruppe af afdelinger nævner flere afdelinger."]


def test_a_level_change_is_in_the_history(amager_plan, personas):
    indicator, estate = _indicator(amager_plan), _estates(amager_plan)[0]
    figure = _figure(indicator, actor=personas.editor)
    measurement_update(
        measurement=figure,
        data={"level": "estate", "estate": estate},
        expected_lock_version=figure.lock_version,
        actor=personas.editor,
    )
    newest, older = list(figure.history.order_by("-history_id")[:2])
    assert (older.level, older.estate_id) == ("plan", None)
    assert (newest.level, newest.estate_id) == ("estate", estate.pk)


# --- Progress reads the plan's own figure --------------------------------------------------------------------


def test_progress_is_the_plan_figure_never_the_estates(amager_plan):
    indicator = _indicator(amager_plan)
    estates = _estates(amager_plan)
    # After every figure the plan file holds.
    day = amager_plan.end_date - datetime.timedelta(days=10)
    _figure(indicator, value=Decimal(30), day=day)
    before = Indicator.objects.get(pk=indicator.pk).progress()
    # Newer figures of every estate and of a group, some suppressed: the plan's latest and progress stay.
    later = amager_plan.end_date
    for estate in estates:
        _figure(indicator, level="estate", estates=[estate], value=Decimal(99), day=later)
    _figure(indicator, level="group", estates=estates[:2], value=None, suppressed=True, day=later)
    fresh = Indicator.objects.get(pk=indicator.pk)
    assert fresh.latest_measurement().value == Decimal(30)
    assert fresh.progress() == before


# --- The indicator page ---------------------------------------------------------------------------------------


def test_the_indicator_page_shows_the_estates_beside_the_plan(amager_plan, personas, client_for):
    indicator = _indicator(amager_plan)
    a, b, c = _estates(amager_plan)
    a.number = "901"
    a.save()
    _figure(indicator, value=Decimal("52.4"))
    _figure(indicator, level="estate", estates=[a], value=Decimal("48"))
    _figure(indicator, level="estate", estates=[b], value=None, suppressed=True)
    _figure(indicator, level="group", estates=[b, c], value=Decimal("61"))
    response = client_for(personas.reviewer).get(indicator.get_absolute_url())
    assert response.status_code == 200
    table = response.context["estates"]
    assert [row.label for row in table.rows] == [
        "Hele planen",
        *sorted([str(a), str(b)]),
        ", ".join(sorted([str(b), str(c)])),
    ]
    cells = {row.label: row.cells[0] for row in table.rows}
    assert cells["Hele planen"].value == Decimal("52.4")  # the plan's own figure, not a sum of the estates'
    assert cells[str(b)].suppressed and cells[str(b)].value is None
    html = response.content.decode()
    assert "Afdelingernes tal" in html and "(nr. 901)" in html
    assert "diskretioneret" in html and "udeladt af fremdrift og summer" in html
    # The plan's own table lists its own figures alone.
    own = Measurement.objects.filter(indicator=indicator, level="plan").count()
    assert [row.measurement.level for row in response.context["rows"]] == ["plan"] * min(own, 25)


def test_an_editor_records_an_estate_figure_on_the_page(amager_plan, personas, client_for):
    indicator = _indicator(amager_plan)
    estate = _estates(amager_plan)[0]
    editor = personas.coordinator
    url = reverse("goals:measurement_create", kwargs={"plan": amager_plan.slug, "indicator": indicator.pk})
    response = client_for(editor).post(
        url, {"date": DAY.isoformat(), "level": "estate", "estate": estate.pk, "value": "12,5", "note": ""}
    )
    assert response.status_code == 302
    saved = Measurement.objects.get(indicator=indicator, date=DAY)
    assert (saved.level, saved.estate, saved.value) == ("estate", estate, Decimal("12.5"))


def test_a_form_refuses_an_estate_figure_without_its_estate_in_danish(amager_plan, personas, client_for):
    indicator = _indicator(amager_plan)
    url = reverse("goals:measurement_create", kwargs={"plan": amager_plan.slug, "indicator": indicator.pk})
    before = snapshot()
    response = client_for(personas.coordinator).post(
        url, {"date": DAY.isoformat(), "level": "estate", "value": "12", "note": ""}
    )
    assert response.status_code == 200
    assert "Et tal for én afdeling nævner afdelingen" in response.content.decode()
    assert snapshot() == before


def test_a_reviewer_records_no_estate_figure(amager_plan, personas, client_for):
    indicator, estate = _indicator(amager_plan), _estates(amager_plan)[0]
    url = reverse("goals:measurement_create", kwargs={"plan": amager_plan.slug, "indicator": indicator.pk})
    before = snapshot()
    response = client_for(personas.reviewer).post(
        url, {"date": DAY.isoformat(), "level": "estate", "estate": estate.pk, "value": "1"}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_a_factory_figure_is_the_plan_s(amager_plan):
    assert MeasurementFactory(indicator=_indicator(amager_plan), date=DAY).level == "plan"
