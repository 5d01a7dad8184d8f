"""The budget pages' own permission details, beyond the every-URL walk's table (tests/test_every_url.py),
where every budget URL is tried by every role (an editor limited to the very delaftale a line belongs to is
refused there too): a coordinator cannot move a line to another plan's delaftale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from tests.agreements.factories import SubAgreementFactory
from tests.budget.factories import BudgetAmountFactory, BudgetLineFactory
from tests.plans.factories import PlanFactory
from tests.world import client_for, make_personas

pytestmark = pytest.mark.django_db


def snapshot(plan) -> dict:
    """Every budget row of the plan with all its values, versions included."""
    return {
        model.__name__: sorted(model.objects.in_plan(plan).values_list())
        for model in (BudgetLine, BudgetAmount, ActualSpend, FundingSource, Funding)
    }


def test_the_line_form_offers_only_the_plans_sub_agreements():
    plan = PlanFactory()
    sub_agreement = SubAgreementFactory(plan=plan)
    line = BudgetLineFactory(plan=plan, sub_agreement=sub_agreement, description="Lektiecafé")
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100_000))
    foreign = SubAgreementFactory(plan=PlanFactory())
    client = client_for(make_personas(plan).coordinator)
    before = snapshot(plan)

    response = client.post(
        reverse("budget:line_edit", kwargs={"plan": plan.slug, "pk": line.pk}),
        {
            "lock_version": line.lock_version,
            "sub_agreement": foreign.pk,
            "category": "activities",
            "description": "Ny tekst",
            "amount_2022": "150.000",
        },
    )

    assert response.status_code == 200
    assert "sub_agreement" in response.context["form"].errors
    assert snapshot(plan) == before
