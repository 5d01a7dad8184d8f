"""The figures the budget page adds to the summary: groups by delaftale, balance rows, variances, source rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helhedsplan.agreements.models import FocusArea
from helhedsplan.budget.models import BudgetCategory, FundingSource
from helhedsplan.budget.selectors import budget_summary
from tests.agreements.factories import SubAgreementFactory
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingFactory,
    FundingSourceFactory,
)
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory()


def test_groups_follow_the_focus_areas_with_shared_costs_last(plan):
    cohesion = SubAgreementFactory(plan=plan, focus_area=FocusArea.COHESION)
    education = SubAgreementFactory(plan=plan, focus_area=FocusArea.EDUCATION)
    shared = BudgetLineFactory(plan=plan, sub_agreement=None, category=BudgetCategory.AUDIT)
    activities = BudgetLineFactory(plan=plan, sub_agreement=education, category=BudgetCategory.ACTIVITIES)
    salaries = BudgetLineFactory(plan=plan, sub_agreement=education, category=BudgetCategory.SALARIES)
    BudgetLineFactory(plan=plan, sub_agreement=cohesion)
    BudgetAmountFactory(line=salaries, year=2022, amount=Decimal(300))
    BudgetAmountFactory(line=activities, year=2023, amount=Decimal(50))
    BudgetAmountFactory(line=shared, year=2022, amount=Decimal(7))

    groups = budget_summary(plan).groups

    assert [g.sub_agreement for g in groups] == [education, cohesion, None]
    assert groups[-1].is_shared
    # Salaries first, as in LBF's budget template.
    assert [r.line for r in groups[0].rows] == [salaries, activities]
    assert groups[0].budget_by_year == {2022: 300, 2023: 50, 2024: 0, 2025: 0}
    assert groups[0].total == 350
    assert groups[2].total == 7


def test_balance_rows_name_what_is_missing_or_left_over(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(1000))
    BudgetAmountFactory(line=line, year=2023, amount=Decimal(1000))
    source = FundingSourceFactory(plan=plan)
    FundingFactory(source=source, year=2022, amount=Decimal(1000))
    FundingFactory(source=source, year=2023, amount=Decimal(800))
    FundingFactory(source=source, year=2024, amount=Decimal(5))

    rows = {row.year: row for row in budget_summary(plan).balance_rows}

    assert rows[2022].is_balanced and rows[2022].missing == 0
    assert rows[2023].is_short and rows[2023].missing == 200 and rows[2023].difference == -200
    assert not rows[2024].is_short and not rows[2024].is_balanced and rows[2024].surplus == 5
    assert rows[2025].is_balanced


def test_variances_per_line_and_over_the_years_whose_spend_is_known(plan):
    line = BudgetLineFactory(plan=plan)
    for year in (2022, 2023, 2024):
        BudgetAmountFactory(line=line, year=year, amount=Decimal(1000))
    ActualSpendFactory(line=line, year=2022, amount=Decimal(1100))
    ActualSpendFactory(line=line, year=2023, amount=Decimal(950))
    summary = budget_summary(plan)
    row = summary.lines[0]

    assert row.variance(2022).amount == 100 and row.variance(2022).fraction == Decimal("0.1")
    assert row.variance(2023).amount == -50
    assert row.variance(2024).amount is None  # not yet known, so no variance
    assert [year for year, _ in row.variances] == [2022, 2023, 2024, 2025]
    # 2024's budget is not an underspend while its spend is unknown.
    assert row.total_variance.budget == 2000 and row.total_variance.actual == 2050
    assert summary.total_variance.amount == 50
    assert summary.lines_with_actuals == [row]


def test_nothing_spent_yet_has_no_total_variance(plan):
    BudgetAmountFactory(line=BudgetLineFactory(plan=plan), year=2022, amount=Decimal(10))
    summary = budget_summary(plan)

    assert summary.total_variance.actual is None
    assert summary.total_variance.amount is None
    assert summary.lines_with_actuals == []


def test_source_rows_and_shares_of_the_budget(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(2000))
    municipality = FundingSourceFactory(plan=plan, kind=FundingSource.Kind.MUNICIPALITY)
    lbf = FundingSourceFactory(plan=plan, kind=FundingSource.Kind.LBF)
    FundingFactory(source=municipality, year=2022, amount=Decimal(250))
    FundingFactory(source=lbf, year=2022, amount=Decimal(750))

    summary = budget_summary(plan)
    rows = {row.source: row for row in summary.source_rows}

    assert rows[municipality].total == 250 and rows[municipality].share == Decimal("0.25")
    assert rows[lbf].share_of_budget == Decimal("0.375")
    # Shares of the funding stay; shares of the budget shrink while half of it is unfunded.
    assert summary.local_share == Decimal("0.25")
    assert summary.local_share_of_budget == Decimal("0.125")
    assert summary.municipality_share_of_budget == Decimal("0.125")
    assert summary.lbf_share_of_budget == Decimal("0.375")
    assert summary.housing_associations_share == 0


def test_the_summary_hands_the_plan_to_its_rows(plan, django_assert_num_queries):
    sub_agreement = SubAgreementFactory(plan=plan)
    BudgetLineFactory(plan=plan, sub_agreement=sub_agreement)
    FundingSourceFactory(plan=plan)
    summary = budget_summary(plan)

    with django_assert_num_queries(0):
        assert summary.lines[0].line.sub_agreement.get_absolute_url()
        assert summary.lines[0].line.get_absolute_url()
        assert summary.sources[0][0].plan == plan
