"""The budget's writes: a line or source with its yearly rows saved together, in the plan's years, or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.budget import services
from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingSourceFactory,
)
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory()  # 2022-2025


def test_a_new_line_is_saved_with_its_amounts(plan):
    line = services.save_budget_line(
        plan,
        BudgetLine(category="salaries"),
        {2022: Decimal(100), 2023: None, 2024: Decimal(0), 2025: Decimal(7)},
    )

    assert line.plan == plan
    assert dict(line.amounts.values_list("year", "amount")) == {2022: Decimal(100), 2025: Decimal(7)}


def test_changing_only_an_amount_raises_the_lines_version(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100))
    version = line.lock_version

    services.save_budget_line(plan, line, {2022: Decimal(150)})

    line.refresh_from_db()
    assert line.lock_version == version + 1
    assert line.amounts.get(year=2022).amount == Decimal(150)


@pytest.mark.parametrize("year", [2021, 2026, 1999])
def test_a_year_outside_the_period_is_refused_and_nothing_is_saved(plan, year):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100))
    version = line.lock_version

    with pytest.raises(ValidationError) as error:
        services.save_budget_line(plan, line, {2022: Decimal(999), year: Decimal(5)})

    assert str(year) in str(error.value.messages) and "2022" in str(error.value.messages)
    line.refresh_from_db()
    assert line.lock_version == version
    assert list(BudgetAmount.objects.values_list("year", "amount")) == [(2022, Decimal(100))]


def test_a_new_line_with_a_bad_year_is_not_created(plan):
    with pytest.raises(ValidationError):
        services.save_budget_line(plan, BudgetLine(category="audit"), {2022: Decimal(1), 2030: Decimal(1)})

    assert not BudgetLine.objects.exists()
    assert not BudgetAmount.objects.exists()


def test_a_negative_amount_is_refused(plan):
    with pytest.raises(ValidationError):
        services.save_budget_line(plan, BudgetLine(category="audit"), {2022: Decimal(-1)})
    with pytest.raises(ValidationError):
        services.save_funding_source(plan, FundingSource(name="X", kind="lbf"), {2022: Decimal(-1)})

    assert not BudgetLine.objects.exists()
    assert not FundingSource.objects.exists()


def test_a_line_of_another_plan_is_refused(plan):
    line = BudgetLineFactory(plan=PlanFactory())

    with pytest.raises(ValidationError):
        services.save_budget_line(plan, line, {2022: Decimal(1)})
    with pytest.raises(ValidationError):
        services.save_actual_spend(plan, line, {2022: Decimal(1)})

    assert not BudgetAmount.objects.exists()
    assert not ActualSpend.objects.exists()


def test_actual_spend_is_set_changed_and_cleared(plan):
    line = BudgetLineFactory(plan=plan)
    ActualSpendFactory(line=line, year=2022, amount=Decimal(90))
    ActualSpendFactory(line=line, year=2023, amount=Decimal(80))
    version = line.lock_version

    changed = services.save_actual_spend(plan, line, {2022: Decimal(95), 2023: None, 2024: Decimal(0)})

    assert changed
    # 0 kr. spent is a known fact, unlike an empty field.
    assert dict(line.actuals.values_list("year", "amount")) == {2022: Decimal(95), 2024: Decimal(0)}
    line.refresh_from_db()
    assert line.lock_version == version + 1


def test_unchanged_actual_spend_leaves_the_line_alone(plan):
    line = BudgetLineFactory(plan=plan)
    ActualSpendFactory(line=line, year=2022, amount=Decimal(90))
    version = line.lock_version

    assert not services.save_actual_spend(plan, line, {2022: Decimal(90), 2023: None})

    line.refresh_from_db()
    assert line.lock_version == version


def test_actual_spend_outside_the_period_is_refused(plan):
    line = BudgetLineFactory(plan=plan)

    with pytest.raises(ValidationError):
        services.save_actual_spend(plan, line, {2022: Decimal(1), 2026: Decimal(1)})

    assert not ActualSpend.objects.exists()


def test_a_funding_source_with_its_funding(plan):
    source = services.save_funding_source(
        plan, FundingSource(name="Landsbyggefonden", kind="lbf"), {2022: Decimal(4_762_500), 2023: None}
    )
    assert dict(source.fundings.values_list("year", "amount")) == {2022: Decimal(4_762_500)}
    version = source.lock_version

    services.save_funding_source(plan, source, {2022: None, 2023: Decimal(1)})

    source.refresh_from_db()
    assert source.lock_version == version + 1
    assert dict(source.fundings.values_list("year", "amount")) == {2023: Decimal(1)}


def test_funding_outside_the_period_is_refused(plan):
    source = FundingSourceFactory(plan=plan)

    with pytest.raises(ValidationError):
        services.save_funding_source(plan, source, {2021: Decimal(1)})

    assert not Funding.objects.exists()


def test_a_source_of_another_plan_is_refused(plan):
    source = FundingSourceFactory(plan=PlanFactory())

    with pytest.raises(ValidationError):
        services.save_funding_source(plan, source, {2022: Decimal(1)})

    assert not Funding.objects.exists()
