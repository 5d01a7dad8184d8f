"""Input no form or address can turn into a 500: amounts beyond any precision, ids that are digits to
``str.isdigit()`` but not to ``int()`` or too large for a database, answered as bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.budget.models import BudgetLine, FundingSource
from helhedsplan.core.forms import LARGEST_ID, DanishAmountField, id_from_query
from helhedsplan.goals.models import Activity

pytestmark = pytest.mark.django_db

HUGE = "9" * 29
ENORMOUS = "1" * 4400  # beyond int()'s 4,300 digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (str(LARGEST_ID), LARGEST_ID),
        (str(LARGEST_ID + 1), None),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits
        (ENORMOUS, None),
        ("0", None),
        ("-3", None),
        ("", None),
        (None, None),
    ],
)
def test_an_id_from_a_query_string(text, expected):
    assert id_from_query(text) == expected


def test_an_amount_too_large_for_any_precision_is_a_form_error():
    field = DanishAmountField(required=False)
    with pytest.raises(ValidationError) as refused:
        field.clean(HUGE)
    assert refused.value.messages == ["Der må maksimalt være 12 cifre før kommaet."]


def url(name: str, plan, **kwargs) -> str:
    return reverse(name, kwargs={"plan": plan.slug, **kwargs})


YEARS_WITH_A_HUGE_AMOUNT = {"amount_2022": HUGE, "amount_2023": "", "amount_2024": "", "amount_2025": ""}


def test_a_huge_budget_amount_is_a_form_error(client_for, personas, amager_plan):
    before = BudgetLine.objects.count()
    response = client_for(personas.coordinator).post(
        url("budget:line_create", amager_plan),
        {"sub_agreement": "", "category": "audit", "description": "Revision", **YEARS_WITH_A_HUGE_AMOUNT},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount_2022"]
    assert BudgetLine.objects.count() == before


def test_a_huge_actual_spend_is_a_form_error(client_for, personas, amager_plan):
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    response = client_for(personas.coordinator).post(
        url("budget:line_actuals", amager_plan, pk=line.pk),
        {"lock_version": line.lock_version, **YEARS_WITH_A_HUGE_AMOUNT},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount_2022"]


def test_a_huge_funding_is_a_form_error(client_for, personas, amager_plan):
    before = FundingSource.objects.count()
    response = client_for(personas.coordinator).post(
        url("budget:source_create", amager_plan),
        {"name": "Fonden", "kind": "other", "organisation": "", "basis": "", **YEARS_WITH_A_HUGE_AMOUNT},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount_2022"]
    assert FundingSource.objects.count() == before


@pytest.mark.parametrize("value", ["²", ENORMOUS, "99999999999999999999", "-1"])
def test_an_odd_goal_in_the_address_is_ignored(client_for, personas, amager_plan, value):
    sub_agreement = SubAgreement.objects.in_plan(amager_plan).order_by("pk").first()
    response = client_for(personas.coordinator).get(
        url("goals:activity_create", amager_plan, sub_agreement=sub_agreement.pk), {"goal": value}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", ENORMOUS, "99999999999999999999"])
def test_an_odd_estate_in_the_address_is_ignored(client_for, personas, amager_plan, value):
    response = client_for(personas.coordinator).get(
        url("approvals:decision_create", amager_plan), {"estate": value}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", ENORMOUS, "²", "-5"])
def test_an_impossible_goal_on_the_activity_form_is_a_form_error(client_for, personas, amager_plan, value):
    sub_agreement = SubAgreement.objects.in_plan(amager_plan).order_by("pk").first()
    before = Activity.objects.count()
    response = client_for(personas.coordinator).post(
        url("goals:activity_create", amager_plan, sub_agreement=sub_agreement.pk),
        {"name": "Fritidsjob", "status": "planned", "goals": [value]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["goals"]
    assert Activity.objects.count() == before


def test_an_impossible_organisation_is_a_form_error(client_for, personas, amager_plan):
    response = client_for(personas.coordinator).post(
        url("budget:source_create", amager_plan),
        {"name": "Fonden", "kind": "other", "organisation": "99999999999999999999", "basis": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
