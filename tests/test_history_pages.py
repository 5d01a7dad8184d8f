"""Every history page uses a fixed number of SQL queries, however many changes an object has had."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.plans.models import Invitation
from helhedsplan.plans.selectors import deleted_lookups
from tests.plans.factories import InvitationFactory, UserFactory
from tests.world import client_for

pytestmark = pytest.mark.django_db


# Every page inside a plan starts with the same four queries: 1 the session, 2 the user, 3 the user's membership
# with its plan and organisation, 4 the delaftaler it is limited to. The history page then reads 5 the object,
# joined with everything its breadcrumbs and name read (``PlanContent.trail_related``), and 6 all its history
# records with the users who saved them, in one.
REQUEST_AND_PAGE = 6
# On top of those, one query per other model the records refer to: the names of the related objects a change
# shows ("Delaftale: Beskæftigelse"), fetched in bulk for all records at once; and one per kind of row deleted
# with the object (a goal's indicators), to list those deleted from under it (``plans.selectors.deleted_lookups``).
HISTORY_PAGE = {
    "agreements.StrategicAgreement": REQUEST_AND_PAGE,  # nothing else looked up
    "agreements.StrategicGoal": REQUEST_AND_PAGE + 1,  # names: plan
    "agreements.SubAgreement": REQUEST_AND_PAGE + 1,  # names: plan
    "agreements.Narrative": REQUEST_AND_PAGE + 1,  # names: delaftale
    "agreements.SubAgreementParty": REQUEST_AND_PAGE + 2,  # names: delaftale, organisation
    "approvals.ApprovalStep": REQUEST_AND_PAGE + 1,  # names: plan
    "approvals.EstateDecision": REQUEST_AND_PAGE + 1,  # names: estate
    "budget.ActualSpend": REQUEST_AND_PAGE + 2,  # names: line, its delaftale (the line's name)
    "budget.BudgetAmount": REQUEST_AND_PAGE + 2,  # names: line, its delaftale (the line's name)
    "budget.BudgetLine": REQUEST_AND_PAGE + 2,  # names: plan, delaftale
    "budget.Funding": REQUEST_AND_PAGE + 1,  # names: source
    "budget.FundingSource": REQUEST_AND_PAGE + 1,  # names: plan
    "goals.Activity": REQUEST_AND_PAGE + 1,  # names: delaftale
    "goals.Goal": REQUEST_AND_PAGE + 1,  # names: delaftale
    "goals.Indicator": REQUEST_AND_PAGE + 2,  # names: plan, goal
    "goals.Measurement": REQUEST_AND_PAGE + 1,  # names: indicator
    "goals.Milestone": REQUEST_AND_PAGE + 1,  # names: activity
    "reports.Report": REQUEST_AND_PAGE + 1,  # names: plan
    "plans.Estate": REQUEST_AND_PAGE + 2,  # names: plan, housing association
    "plans.Membership": REQUEST_AND_PAGE + 3,  # names: user, plan, organisation
    "plans.Invitation": REQUEST_AND_PAGE + 3,  # names: plan, organisation, who invited
    "preparedness.ActionCard": REQUEST_AND_PAGE + 2,  # names: emergency plan, its plan (its name)
    "preparedness.Contact": REQUEST_AND_PAGE + 3,  # names: emergency plan, organisation, plan
    "preparedness.EscalationLevel": REQUEST_AND_PAGE + 2,  # names: emergency plan, its plan (its name)
    "preparedness.Incident": REQUEST_AND_PAGE + 3,  # names: plan, estate, level
    "preparedness.IncidentLogEntry": REQUEST_AND_PAGE + 1,  # names: incident
    "preparedness.PreparednessPlan": REQUEST_AND_PAGE,  # nothing else looked up
    "documents.PlanDocument": REQUEST_AND_PAGE + 1,  # names: plan
    "documents.DocumentVersion": REQUEST_AND_PAGE + 1,  # names: document
    "documents.FactSource": REQUEST_AND_PAGE + 1,  # names: plan
    "governance.Body": REQUEST_AND_PAGE + 1,  # names: plan
    "governance.BodyMember": REQUEST_AND_PAGE + 2,  # names: body, organisation
    "governance.Meeting": REQUEST_AND_PAGE + 1,  # names: body
    "governance.MeetingDecision": REQUEST_AND_PAGE + 2,  # names: meeting, its body (the meeting's name)
}


def _models_with_history() -> list:
    """Every model whose history the generic page shows: it keeps history and lives in a plan."""
    return sorted(
        (m for m in apps.get_models() if hasattr(m, "history") and hasattr(m._default_manager, "in_plan")),
        key=lambda m: m._meta.label,
    )


MODELS = _models_with_history()


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


def _change(obj, times: int) -> None:
    """Save ``obj`` ``times`` more times, each by another user: as many more history records."""
    for number in range(times):
        obj._history_user = UserFactory(username=f"redaktoer-{number}", password=None)
        obj.save()


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_history_page_queries_do_not_grow(other_plan, personas, model):
    if model is Invitation:  # the world has none: invitations come and go
        InvitationFactory(plan=other_plan, invited_by=personas.other_plan_coordinator)
    obj = model._default_manager.in_plan(other_plan).order_by("pk").first()
    assert obj is not None, f"the other plan has no {model.__name__}"
    url = reverse(
        "history",
        kwargs={
            "plan": other_plan.slug,
            "app_label": obj._meta.app_label,
            "model_name": obj._meta.model_name,
            "pk": obj.pk,
        },
    )
    client = client_for(personas.other_plan_coordinator)
    one = _queries(client, url)
    _change(obj, 4)
    many = _queries(client, url)
    assert len(one) == HISTORY_PAGE[model._meta.label] + deleted_lookups(model), "\n".join(one)
    assert len(many) == len(one), "\n".join(many)


def test_every_model_with_history_has_its_count():
    """A new model with history must be added to HISTORY_PAGE, with its queries explained."""
    assert {m._meta.label for m in MODELS} == set(HISTORY_PAGE)


def _budget_object(plan, name: str):
    """The other plan's budget line (with its yearly rows) or funding source (with its yearly funding)."""
    from helhedsplan.budget.models import BudgetLine, FundingSource

    if name == "budget:line_history":
        line = BudgetLine.objects.in_plan(plan).get()
        return line, [*line.amounts.all(), *line.actuals.all()]
    source = FundingSource.objects.in_plan(plan).get()
    return source, list(source.fundings.all())


def _add_years(obj, name: str, have: set[int]) -> None:
    from tests.budget.factories import ActualSpendFactory, BudgetAmountFactory, FundingFactory

    for year in sorted({2022, 2023, 2024, 2025} - have):
        if name == "budget:line_history":
            BudgetAmountFactory(line=obj, year=year)
            ActualSpendFactory(line=obj, year=year)
        else:
            FundingFactory(source=obj, year=year)


BUDGET_HISTORY_PAGES = ["budget:line_history", "budget:source_history"]


# The budget's own history pages show a line with its yearly amounts and actual spend, or a source with its
# yearly funding, as one log.
@pytest.mark.parametrize("name", BUDGET_HISTORY_PAGES)
def test_budget_history_page_queries_do_not_grow_with_changes(other_plan, personas, name):
    obj, rows = _budget_object(other_plan, name)
    url = reverse(name, kwargs={"plan": other_plan.slug, "pk": obj.pk})
    client = client_for(personas.other_plan_coordinator)
    one = _queries(client, url)

    _change(obj, 3)
    for row in rows:
        _change(row, 2)
    many = _queries(client, url)

    assert len(many) == len(one), "\n".join(many)


@pytest.mark.parametrize("name", BUDGET_HISTORY_PAGES)
def test_budget_history_page_queries_do_not_grow_with_years(other_plan, personas, name):
    obj, rows = _budget_object(other_plan, name)
    url = reverse(name, kwargs={"plan": other_plan.slug, "pk": obj.pk})
    client = client_for(personas.other_plan_coordinator)
    one = _queries(client, url)

    _add_years(obj, name, {row.year for row in rows})
    many = _queries(client, url)

    assert len(many) == len(one), "\n".join(many)
