"""A delaftale's yearly narratives: what went well, what did not, what changes — written by the coordinator or an
editor of that delaftale, one per year of the plan, shown on the delaftale's page with their history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.agreements import services
from helhedsplan.agreements.models import Narrative
from tests.agreements.factories import NarrativeFactory, SubAgreementFactory
from tests.plans.factories import PlanFactory
from tests.world import client_for, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory()


@pytest.fixture
def sub_agreement(plan):
    return SubAgreementFactory(plan=plan)


@pytest.fixture
def personas(plan, sub_agreement):
    return make_personas(plan, limited_to=[sub_agreement])


def url(plan, name, **kwargs):
    return reverse(f"agreements:{name}", kwargs={"plan": plan.slug, **kwargs})


def test_the_page_lists_every_year_and_offers_to_write_the_missing_ones(plan, sub_agreement, personas):
    NarrativeFactory(sub_agreement=sub_agreement, year=2023, went_well="Lektiecaféerne åbnede.")
    client = client_for(personas.limited_editor)
    html = client.get(url(plan, "sub_agreement", pk=sub_agreement.pk)).content.decode()
    assert "Årsberetninger" in html and "Lektiecaféerne åbnede." in html
    for year in (2022, 2024, 2025):
        assert url(plan, "narrative_create", sub_agreement=sub_agreement.pk) + f"?year={year}" in html
    assert "?year=2023" not in html


def test_an_editor_of_the_delaftale_writes_the_years_narrative(plan, sub_agreement, personas):
    client = client_for(personas.limited_editor)
    create = url(plan, "narrative_create", sub_agreement=sub_agreement.pk)
    assert client.get(create + "?year=2024").context["form"].initial["year"] == 2024
    response = client.post(
        create,
        {
            "year": "2024",
            "went_well": "Flere fik job.",
            "went_badly": "Få frivillige.",
            "changes": "Nye tider.",
        },
    )
    assert response.status_code == 302
    narrative = Narrative.objects.get(sub_agreement=sub_agreement, year=2024)
    assert narrative.went_badly == "Få frivillige."
    assert narrative.history.get().history_user == personas.limited_editor


def test_an_editor_of_another_delaftale_and_a_reviewer_are_refused(plan, sub_agreement, personas):
    other = SubAgreementFactory(plan=plan, focus_area="employment")
    data = {"year": "2024", "went_well": "Nej"}
    assert (
        client_for(personas.limited_editor)
        .post(url(plan, "narrative_create", sub_agreement=other.pk), data)
        .status_code
        == 403
    )
    assert (
        client_for(personas.reviewer)
        .post(url(plan, "narrative_create", sub_agreement=sub_agreement.pk), data)
        .status_code
        == 403
    )
    assert not Narrative.objects.exists()


def test_a_second_narrative_for_the_same_year_is_refused_in_danish(plan, sub_agreement, personas):
    NarrativeFactory(sub_agreement=sub_agreement, year=2024)
    response = client_for(personas.coordinator).post(
        url(plan, "narrative_create", sub_agreement=sub_agreement.pk), {"year": "2024", "went_well": "Igen"}
    )
    assert response.status_code == 200
    assert "Delaftalen har allerede en beretning for det år." in response.content.decode()
    assert Narrative.objects.count() == 1


def test_a_year_outside_the_period_is_refused_by_the_model(plan, sub_agreement, personas):
    with pytest.raises(Exception) as error:
        services.narrative_create(
            sub_agreement=sub_agreement, data={"year": 2027}, actor=personas.coordinator
        )
    assert "2027" in str(error.value)
    assert not Narrative.objects.exists()


def test_editing_keeps_history(plan, sub_agreement, personas):
    narrative = NarrativeFactory(sub_agreement=sub_agreement, year=2022)
    services.narrative_update(
        narrative=narrative,
        data={"changes": "Forældremøder flyttes."},
        expected_lock_version=narrative.lock_version,
        actor=personas.editor,
    )
    narrative.refresh_from_db()
    assert narrative.changes == "Forældremøder flyttes."
    assert narrative.history.count() == 2
