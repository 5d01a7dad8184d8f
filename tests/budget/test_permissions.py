"""Who may open and post every budget page: anonymous → login, non-member → 404, reviewers and editors read,
only coordinators change anything. Every refused POST leaves the budget exactly as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.plans.models import Membership
from tests.agreements.factories import SubAgreementFactory
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingFactory,
    FundingSourceFactory,
)
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "reviewer", "editor", "limited_editor", "coordinator"]
READ_URLS = ["overview", "export_xlsx", "line_history", "source_history"]
WRITE_URLS = [
    "line_create",
    "line_edit",
    "line_actuals",
    "line_delete",
    "source_create",
    "source_edit",
    "source_delete",
]
OBJECT_URLS = {"line_edit", "line_actuals", "line_delete", "line_history"} | {
    "source_edit",
    "source_delete",
    "source_history",
}


@pytest.fixture
def world():
    plan = PlanFactory()
    sub_agreement = SubAgreementFactory(plan=plan)
    line = BudgetLineFactory(plan=plan, sub_agreement=sub_agreement, description="Lektiecafé")
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100_000))
    ActualSpendFactory(line=line, year=2022, amount=Decimal(90_000))
    source = FundingSourceFactory(plan=plan, name="LBF", kind=FundingSource.Kind.LBF)
    FundingFactory(source=source, year=2022, amount=Decimal(100_000))
    users = {"anonymous": None, "non_member": UserFactory(username="outsider", password=None)}
    MembershipFactory(plan=PlanFactory(), user=users["non_member"], role=Membership.Role.COORDINATOR)
    for role, membership_role, limits in [
        ("reviewer", Membership.Role.REVIEWER, None),
        ("editor", Membership.Role.EDITOR, None),
        # An editor limited to the very delaftale the line belongs to: the budget is still not theirs.
        ("limited_editor", Membership.Role.EDITOR, [sub_agreement]),
        ("coordinator", Membership.Role.COORDINATOR, None),
    ]:
        user = UserFactory(username=role, password=None)  # no hashing: force_login needs none
        MembershipFactory(plan=plan, user=user, role=membership_role, sub_agreements=limits)
        users[role] = user
    return {"plan": plan, "line": line, "source": source, "sub_agreement": sub_agreement, "users": users}


def url_of(world, name: str) -> str:
    kwargs = {"plan": world["plan"].slug}
    if name in OBJECT_URLS:
        kwargs["pk"] = (world["source"] if name.startswith("source") else world["line"]).pk
    return reverse(f"budget:{name}", kwargs=kwargs)


def post_data(world, name: str) -> dict:
    """A valid form for each writing URL, so a refusal is about rights, not about the data."""
    line, source = world["line"], world["source"]
    years = {"amount_2022": "150.000", "amount_2023": "1,5 mio.", "amount_2024": "", "amount_2025": ""}
    return {
        "line_create": {"sub_agreement": "", "category": "audit", "description": "Revision", **years},
        "line_edit": {
            "lock_version": line.lock_version,
            "sub_agreement": world["sub_agreement"].pk,
            "category": "activities",
            "description": "Ny tekst",
            **years,
        },
        "line_actuals": {"lock_version": line.lock_version, **years},
        "line_delete": {},
        "source_create": {"name": "Fonden", "kind": "other", "organisation": "", "basis": "", **years},
        "source_edit": {
            "lock_version": source.lock_version,
            "name": "Landsbyggefonden",
            "kind": "lbf",
            "organisation": "",
            "basis": "Ny",
            **years,
        },
        "source_delete": {},
    }.get(name, {})


def snapshot(plan) -> dict:
    """Every budget row of the plan with all its values, versions included."""
    return {
        model.__name__: sorted(model.objects.in_plan(plan).values_list())
        for model in (BudgetLine, BudgetAmount, ActualSpend, FundingSource, Funding)
    }


def expected_get(role: str, name: str) -> int:
    if role == "anonymous":
        return 302
    if role == "non_member":
        return 404
    if role == "coordinator" or name in READ_URLS:
        return 200
    return 403


def expected_post(role: str, name: str) -> int:
    if role == "anonymous":
        return 302
    if role == "non_member":
        return 404
    if name in READ_URLS:
        return 405  # nothing to post to: the page and the history only read
    return 302 if role == "coordinator" else 403


def client_for(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", READ_URLS + WRITE_URLS)
def test_get(client, world, role, name):
    response = client_for(client, world, role).get(url_of(world, name))

    assert response.status_code == expected_get(role, name)
    if role == "anonymous":
        assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", READ_URLS + WRITE_URLS)
def test_post(client, world, role, name):
    before = snapshot(world["plan"])

    response = client_for(client, world, role).post(url_of(world, name), post_data(world, name))

    assert response.status_code == expected_post(role, name)
    if expected_post(role, name) != 302 or role == "anonymous":
        assert snapshot(world["plan"]) == before
    else:
        assert snapshot(world["plan"]) != before  # the coordinator's valid post did change the budget


@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_another_plans_objects_are_404_even_for_a_coordinator(client, world, name):
    other_plan = PlanFactory()
    other = {
        "plan": world["plan"],
        "line": BudgetLineFactory(plan=other_plan),
        "source": FundingSourceFactory(plan=other_plan),
    }
    client.force_login(world["users"]["coordinator"])
    before = snapshot(other_plan)

    assert client.get(url_of(other, name)).status_code == 404
    assert client.post(url_of(other, name), post_data(world, name)).status_code == 404
    assert snapshot(other_plan) == before


def test_the_line_form_offers_only_the_plans_sub_agreements(client, world):
    foreign = SubAgreementFactory(plan=PlanFactory())
    client.force_login(world["users"]["coordinator"])
    before = snapshot(world["plan"])

    response = client.post(
        url_of(world, "line_edit"), {**post_data(world, "line_edit"), "sub_agreement": foreign.pk}
    )

    assert response.status_code == 200
    assert "sub_agreement" in response.context["form"].errors
    assert snapshot(world["plan"]) == before
