"""The budget page uses the same number of queries with one line as with many."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.agreements.models import FocusArea
from helhedsplan.budget.models import FundingSource
from helhedsplan.budget.selectors import budget_summaries, budget_summary
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

# 1 the session, 2 its user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is
# limited to, then selectors.budget_summary's five: 5 lines with their delaftale, 6 budgeted amounts, 7 actual
# spend, 8 funding sources with their organisation, 9 funding.
SPREADSHEET_QUERIES = 9
# The page: those nine, and 10 the sources of the funding amounts with their documents (shown beside the amounts,
# documents.selectors.sources_by_fact).
OVERVIEW_QUERIES = SPREADSHEET_QUERIES + 1


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

    # The page's nine without the sources: the spreadsheet is built from the same summary.
    with django_assert_num_queries(SPREADSHEET_QUERIES):
        response = client.get(reverse("budget:export_xlsx", kwargs={"plan": plan.slug}))

    assert response.status_code == 200


# The history page of a line: 1 the session, 2 its user, 3 the user's membership with its plan and
# organisation, 4 the delaftaler it is limited to, 5 the line with its plan and delaftale; the line's own log:
# 6 its records with their users, 7 the plans and 8 the delaftaler those records name; 9 the records of every
# yearly budget row at once and 10 of every yearly actual-spend row (with their users; the line they name is the
# page's own). Before, each year's row cost two queries of its own: 14 queries with one year, 26 with four.
LINE_HISTORY_QUERIES = 10
# A funding source's: 1–4 as above, 5 the source with its plan and organisation; its own log: 6 its records,
# 7 the plans and 8 the organisations they name; 9 the records of every yearly funding row at once.
SOURCE_HISTORY_QUERIES = 9


@pytest.mark.parametrize("years", [[2022], [2022, 2023, 2024, 2025]])
def test_the_history_pages_do_not_grow_with_the_years(client, django_assert_num_queries, years):
    plan = PlanFactory()
    line = BudgetLineFactory(plan=plan, sub_agreement=SubAgreementFactory(plan=plan))
    source = FundingSourceFactory(plan=plan, organisation=OrganisationFactory())
    for year in years:
        amount = BudgetAmountFactory(line=line, year=year, amount=Decimal(1000))
        amount.amount = Decimal(2000)
        amount.save()  # a second record per row: a change, not only a creation
        ActualSpendFactory(line=line, year=year, amount=Decimal(900))
        FundingFactory(source=source, year=year, amount=Decimal(5000))
    user = UserFactory(password=None)
    MembershipFactory(plan=plan, user=user, role=Membership.Role.REVIEWER)
    client.force_login(user)

    with django_assert_num_queries(LINE_HISTORY_QUERIES):
        response = client.get(reverse("budget:line_history", kwargs={"plan": plan.slug, "pk": line.pk}))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 1 + 3 * len(years)

    with django_assert_num_queries(SOURCE_HISTORY_QUERIES):
        response = client.get(reverse("budget:source_history", kwargs={"plan": plan.slug, "pk": source.pk}))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 1 + len(years)


@pytest.mark.parametrize("plans", [1, 3])
def test_the_summaries_of_several_plans_take_five_queries(django_assert_num_queries, plans):
    all_plans = [PlanFactory() for _ in range(plans)]
    for index, plan in enumerate(all_plans):
        fill(plan, lines=index + 2, sources=2, years=[2022, 2023])

    # 1 lines with their plan and delaftale (and its plan), 2 budgeted amounts, 3 actual spend, 4 funding sources
    # with their plan and organisation, 5 funding.
    with django_assert_num_queries(5):
        summaries = budget_summaries(all_plans)
        for summary in summaries.values():
            for group in summary.groups:  # links and names of every row cost nothing more
                _ = [group.sub_agreement and group.sub_agreement.get_absolute_url()]
                _ = [row.line.get_absolute_url() for row in group.rows]
            _ = [row.source.get_absolute_url() + str(row.source.organisation) for row in summary.source_rows]

    assert set(summaries) == {plan.pk for plan in all_plans}
    for index, plan in enumerate(all_plans):
        assert len(summaries[plan.pk].lines) == index + 2
        assert summaries[plan.pk].total_budget == budget_summary(plan).total_budget
