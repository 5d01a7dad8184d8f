"""The budget page uses the same number of queries with one line as with many."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.agreements.models import FocusArea
from helhedsplan.budget.models import FundingSource
from helhedsplan.plans.models import Membership
from tests.agreements.factories import SubAgreementFactory
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingFactory,
    FundingSourceFactory,
)
from tests.plans.factories import MembershipFactory, OrganisationFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

# 1 the session, 2 its user, 3 the plan through the user's memberships, 4 the membership (for the rules), 5 its
# delaftale limits (prefetched with it), then budget_summary's five: 6 lines with their delaftale, 7 budgeted
# amounts, 8 actual spend, 9 funding sources with their organisation, 10 funding.
OVERVIEW_QUERIES = 10


def fill(plan, lines: int, sources: int, years: list[int]) -> None:
    sub_agreements = [SubAgreementFactory(plan=plan, focus_area=area) for area in FocusArea.values]
    for index in range(lines):
        line = BudgetLineFactory(
            plan=plan, sub_agreement=sub_agreements[index % 5] if index % 5 < 4 else None
        )
        for year in years:
            BudgetAmountFactory(line=line, year=year, amount=Decimal(1000 * (index + 1)))
            ActualSpendFactory(line=line, year=year, amount=Decimal(900 * (index + 1)))
    for index in range(sources):
        source = FundingSourceFactory(
            plan=plan, kind=FundingSource.Kind.values[index % 5], organisation=OrganisationFactory()
        )
        for year in years:
            FundingFactory(source=source, year=year, amount=Decimal(5000))


@pytest.mark.parametrize(("lines", "sources", "years"), [(1, 1, [2022]), (25, 6, [2022, 2023, 2024, 2025])])
@pytest.mark.parametrize("role", [Membership.Role.COORDINATOR, Membership.Role.REVIEWER])
def test_overview_queries_do_not_grow_with_the_data(
    client, django_assert_num_queries, lines, sources, years, role
):
    plan = PlanFactory()
    fill(plan, lines, sources, years)
    user = UserFactory(password=None)
    MembershipFactory(plan=plan, user=user, role=role)
    client.force_login(user)
    url = reverse("budget:overview", kwargs={"plan": plan.slug})

    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["summary"].lines.__len__() == lines


@pytest.mark.parametrize(("lines", "sources"), [(1, 1), (20, 5)])
def test_the_spreadsheet_queries_do_not_grow_with_the_data(client, django_assert_num_queries, lines, sources):
    plan = PlanFactory()
    fill(plan, lines, sources, [2022, 2023])
    user = UserFactory(password=None)
    MembershipFactory(plan=plan, user=user, role=Membership.Role.REVIEWER)
    client.force_login(user)

    # The same ten as the page: the spreadsheet is built from the same summary.
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("budget:export_xlsx", kwargs={"plan": plan.slug}))

    assert response.status_code == 200
