"""Budget totals, funding, shares and the LBF and municipal checks, with the Amager plan's own figures.

The seed states the totals: 31,2 mio. kr. in all; Københavns Kommune 4,62, Sikker By 2,91 and the housing
associations 4,62 mio. kr. (local 12,15 mio. kr. = 39 %), Landsbyggefonden 19,05 mio. kr. (61 %). How the
budget splits over delaftaler and categories is not public: the lines below are example figures that add up
to the stated total, spread evenly over the four years.
"""

from decimal import Decimal

import pytest

from helhedsplan.agreements.models import FocusArea
from helhedsplan.budget.models import BudgetCategory, FundingSource
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.budget.summary import (
    LBF_MINIMUM_LOCAL_SHARE,
    MUNICIPAL_COMMITMENT_SHARE,
    share,
)
from tests.agreements.factories import SubAgreementFactory
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingFactory,
    FundingSourceFactory,
)
from tests.plans.factories import PlanFactory

MIO = Decimal(1_000_000)
YEARS = [2022, 2023, 2024, 2025]

#: (focus area or None for the secretariat, category, amount per year) — example split of 7,8 mio. kr. a year.
LINES = [
    (FocusArea.EDUCATION, BudgetCategory.SALARIES, Decimal("2000000")),
    (FocusArea.EDUCATION, BudgetCategory.ACTIVITIES, Decimal("300000")),
    (FocusArea.EMPLOYMENT, BudgetCategory.SALARIES, Decimal("1500000")),
    (FocusArea.CRIME_PREVENTION, BudgetCategory.SALARIES, Decimal("1200000")),
    (FocusArea.COHESION, BudgetCategory.SALARIES, Decimal("1300000")),
    (None, BudgetCategory.ADMINISTRATION, Decimal("1500000")),
]

#: (name, kind, total over the four years) — the seed's figures.
SOURCES = [
    ("Københavns Kommune", FundingSource.Kind.MUNICIPALITY, Decimal("4620000")),
    ("Sikker By – Tryghedspartnerskabet Amager", FundingSource.Kind.OTHER_PUBLIC, Decimal("2910000")),
    ("Boligorganisationerne", FundingSource.Kind.HOUSING_ASSOCIATIONS, Decimal("4620000")),
    ("Landsbyggefonden", FundingSource.Kind.LBF, Decimal("19050000")),
]


def add_funding(plan, name: str, kind: str, total: Decimal, years=YEARS) -> FundingSource:
    source = FundingSourceFactory(plan=plan, name=name, kind=kind)
    for year in years:
        FundingFactory(source=source, year=year, amount=total / len(years))
    return source


@pytest.fixture
def amager(db):
    plan = PlanFactory(name="Boligsocial helhedsplan Amager 2022-2025")
    sub_agreements = {area: SubAgreementFactory(plan=plan, focus_area=area) for area in FocusArea.values}
    for area, category, per_year in LINES:
        line = BudgetLineFactory(plan=plan, sub_agreement=sub_agreements.get(area), category=category)
        for year in YEARS:
            BudgetAmountFactory(line=line, year=year, amount=per_year)
    for name, kind, total in SOURCES:
        add_funding(plan, name, kind, total)
    return plan


def test_the_plan_has_31_2_million_in_all(amager):
    summary = budget_summary(amager)
    assert summary.years == YEARS
    assert summary.total_budget == Decimal("31.2") * MIO
    assert summary.total_funding == Decimal("31.2") * MIO


def test_budget_by_year(amager):
    assert budget_summary(amager).budget_by_year == dict.fromkeys(YEARS, Decimal("7800000"))


def test_budget_by_delaftale_with_shared_costs_under_none(amager):
    by_sub_agreement = {
        (sub.focus_area if sub else None): amount
        for sub, amount in budget_summary(amager).budget_by_sub_agreement.items()
    }
    assert by_sub_agreement == {
        FocusArea.EDUCATION: Decimal("9200000"),
        FocusArea.EMPLOYMENT: Decimal("6000000"),
        FocusArea.CRIME_PREVENTION: Decimal("4800000"),
        FocusArea.COHESION: Decimal("5200000"),
        None: Decimal("6000000"),
    }
    assert sum(by_sub_agreement.values()) == Decimal("31200000")


def test_budget_by_category(amager):
    assert budget_summary(amager).budget_by_category == {
        BudgetCategory.SALARIES: Decimal("24000000"),
        BudgetCategory.ACTIVITIES: Decimal("1200000"),
        BudgetCategory.ADMINISTRATION: Decimal("6000000"),
    }


def test_funding_by_source_and_year(amager):
    summary = budget_summary(amager)
    by_source = {source.name: by_year for source, by_year in summary.sources}
    assert by_source["Københavns Kommune"] == dict.fromkeys(YEARS, Decimal("1155000"))
    assert by_source["Sikker By – Tryghedspartnerskabet Amager"] == dict.fromkeys(YEARS, Decimal("727500"))
    assert by_source["Landsbyggefonden"] == dict.fromkeys(YEARS, Decimal("4762500"))
    assert summary.funding_by_year == dict.fromkeys(YEARS, Decimal("7800000"))


def test_amounts_by_kind_of_source(amager):
    summary = budget_summary(amager)
    assert summary.municipality_amount == Decimal("4.62") * MIO
    assert summary.housing_associations_amount == Decimal("4.62") * MIO
    assert summary.funding_of_kinds(FundingSource.Kind.OTHER_PUBLIC) == Decimal("2.91") * MIO
    assert summary.local_amount == Decimal("12.15") * MIO
    assert summary.lbf_amount == Decimal("19.05") * MIO


def test_local_co_financing_is_39_and_lbf_61_per_cent(amager):
    summary = budget_summary(amager)
    assert round(summary.local_share * 100) == 39
    assert round(summary.lbf_share * 100) == 61
    assert summary.local_share + summary.lbf_share == 1
    assert summary.local_share == Decimal("12.15") / Decimal("31.2")


def test_lbf_floor_of_25_per_cent_local_money_is_met(amager):
    summary = budget_summary(amager)
    assert summary.local_share > LBF_MINIMUM_LOCAL_SHARE == Decimal("0.25")
    assert summary.meets_lbf_local_minimum


def test_municipality_meets_its_12_5_per_cent(amager):
    summary = budget_summary(amager)
    assert round(summary.municipality_share * 1000) == 148  # 4,62 / 31,2 = 14,8 %
    assert summary.municipality_share > MUNICIPAL_COMMITMENT_SHARE == Decimal("0.125")
    assert summary.meets_municipal_commitment


def test_funding_matches_the_budget_every_year(amager):
    summary = budget_summary(amager)
    assert summary.balance_by_year == dict.fromkeys(YEARS, Decimal(0))
    assert summary.is_balanced


def test_a_year_short_of_funding_shows_a_negative_balance(amager):
    line = BudgetLineFactory(plan=amager, category=BudgetCategory.EVALUATION)
    BudgetAmountFactory(line=line, year=2025, amount=Decimal("250000"))
    summary = budget_summary(amager)
    assert summary.balance(2025) == Decimal("-250000")
    assert summary.balance(2022) == 0
    assert not summary.is_balanced


def test_a_year_with_more_funding_than_budget_is_not_balanced(amager):
    add_funding(amager, "Fond (eksempel)", FundingSource.Kind.OTHER, Decimal("100000"), years=[2023])
    summary = budget_summary(amager)
    assert summary.balance_by_year[2023] == Decimal("100000")
    assert not summary.is_balanced


@pytest.mark.parametrize(
    ("municipal", "meets"),
    [(Decimal("3.9"), True), (Decimal("3.89"), False), (Decimal("0"), False)],
)
def test_municipal_commitment_boundary(db, municipal, meets):
    plan = PlanFactory()
    add_funding(plan, "Kommunen", FundingSource.Kind.MUNICIPALITY, municipal * MIO)
    add_funding(plan, "LBF", FundingSource.Kind.LBF, (Decimal("31.2") - municipal) * MIO)
    assert budget_summary(plan).meets_municipal_commitment is meets  # 3,9 of 31,2 is exactly 12,5 %


@pytest.mark.parametrize(
    ("local", "meets"),
    [(Decimal("25"), True), (Decimal("24.99"), False), (Decimal("0"), False), (Decimal("100"), True)],
)
def test_lbf_local_minimum_boundary(db, local, meets):
    plan = PlanFactory()
    add_funding(plan, "Boligorganisationer", FundingSource.Kind.HOUSING_ASSOCIATIONS, local * 10_000)
    add_funding(plan, "LBF", FundingSource.Kind.LBF, (100 - local) * 10_000)
    summary = budget_summary(plan)
    assert summary.meets_lbf_local_minimum is meets
    assert summary.total_funding == MIO


def test_without_funding_there_are_no_shares_and_no_check_is_met(db):
    plan = PlanFactory()
    BudgetAmountFactory(line=BudgetLineFactory(plan=plan), year=2022, amount=Decimal("100000"))
    summary = budget_summary(plan)
    assert summary.total_funding == 0
    assert summary.local_share is None
    assert summary.lbf_share is None
    assert summary.municipality_share is None
    assert not summary.meets_lbf_local_minimum
    assert not summary.meets_municipal_commitment
    assert summary.balance(2022) == Decimal("-100000")


def test_actual_spend_is_unknown_until_entered(amager):
    summary = budget_summary(amager)
    assert summary.total_actual is None
    assert summary.actual_by_year == dict.fromkeys(YEARS)
    assert summary.variance(2022).amount is None
    assert summary.variance(2022).fraction is None
    assert all(row.actual_total is None for row in summary.lines)


def test_actual_spend_and_variance(amager):
    lines = {row.line.category: row.line for row in budget_summary(amager).lines}
    ActualSpendFactory(line=lines[BudgetCategory.ADMINISTRATION], year=2022, amount=Decimal("1650000"))
    ActualSpendFactory(line=lines[BudgetCategory.ACTIVITIES], year=2022, amount=Decimal("150000"))
    summary = budget_summary(amager)
    assert summary.actual_by_year == {2022: Decimal("1800000"), 2023: None, 2024: None, 2025: None}
    assert summary.total_actual == Decimal("1800000")
    variance = summary.variance(2022)
    assert variance.budget == Decimal("7800000")
    assert variance.amount == Decimal("-6000000")
    assert variance.fraction == Decimal("-6000000") / Decimal("7800000")
    row = next(r for r in summary.lines if r.line.category == BudgetCategory.ADMINISTRATION)
    assert row.total == Decimal("6000000")
    assert row.actual_total == Decimal("1650000")
    assert row.actual_by_year[2023] is None


def test_amounts_of_other_plans_are_left_out(amager):
    other = PlanFactory()
    BudgetAmountFactory(line=BudgetLineFactory(plan=other), year=2022, amount=Decimal("999"))
    add_funding(other, "LBF", FundingSource.Kind.LBF, Decimal("999"))
    summary = budget_summary(amager)
    assert summary.total_budget == Decimal("31200000")
    assert summary.total_funding == Decimal("31200000")


def test_the_summary_takes_five_queries_whatever_the_size(amager, django_assert_num_queries):
    with django_assert_num_queries(5):
        summary = budget_summary(amager)
        assert summary.total_budget
        assert {str(row.line) for row in summary.lines}


def test_share():
    assert share(Decimal(1), Decimal(4)) == Decimal("0.25")
    assert share(Decimal(1), Decimal(0)) is None
