"""The budget's writes: a line or source with its yearly rows saved together, in the plan's years, or not at all;
a stale edit refused; who acted recorded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.budget import services
from helhedsplan.budget.models import (
    NEGATIVE_MESSAGE,
    ActualSpend,
    BudgetAmount,
    BudgetLine,
    Funding,
    FundingSource,
)
from helhedsplan.core.services import EditConflict
from tests.agreements.factories import SubAgreementFactory
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingSourceFactory,
)
from tests.plans.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory()  # 2022-2025


@pytest.fixture
def actor():
    return UserFactory()


def update_line(line, amounts, actor=None, **data):
    return services.budget_line_update(
        line=line, data=data, amounts=amounts, expected_lock_version=line.lock_version, actor=actor
    )


def test_a_new_line_is_saved_with_its_amounts(plan, actor):
    line = services.budget_line_create(
        plan=plan,
        data={"category": "salaries"},
        amounts={2022: Decimal(100), 2023: None, 2024: Decimal(0), 2025: Decimal(7)},
        actor=actor,
    )

    assert line.plan == plan
    assert dict(line.amounts.values_list("year", "amount")) == {2022: Decimal(100), 2025: Decimal(7)}
    assert line.history.get().history_user == actor
    assert {a.history.get().history_user for a in line.amounts.all()} == {actor}


def test_changing_only_an_amount_raises_the_lines_version(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100))
    version = line.lock_version

    update_line(line, {2022: Decimal(150)})

    line.refresh_from_db()
    assert line.lock_version == version + 1
    assert line.amounts.get(year=2022).amount == Decimal(150)


def test_a_stale_edit_is_refused_and_saves_nothing(plan):
    line = BudgetLineFactory(plan=plan, description="Før")
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100))
    opened = line.lock_version
    update_line(line, {2022: Decimal(150)})

    with pytest.raises(EditConflict):
        services.budget_line_update(
            line=BudgetLine.objects.get(pk=line.pk),
            data={"description": "Efter"},
            amounts={2022: Decimal(999)},
            expected_lock_version=opened,
            actor=None,
        )

    line.refresh_from_db()
    assert line.description == "Før"
    assert line.amounts.get(year=2022).amount == Decimal(150)


@pytest.mark.parametrize("year", [2021, 2026, 1999])
def test_a_year_outside_the_period_is_refused_and_nothing_is_saved(plan, year):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(100))
    version = line.lock_version

    with pytest.raises(ValidationError) as error:
        update_line(line, {2022: Decimal(999), year: Decimal(5)})

    assert str(year) in str(error.value.messages) and "2022" in str(error.value.messages)
    # The refusal names its year, so a form can show it at that year's field.
    assert list(error.value.error_dict) == [year]
    line.refresh_from_db()
    assert line.lock_version == version
    assert list(BudgetAmount.objects.values_list("year", "amount")) == [(2022, Decimal(100))]


def test_a_new_line_with_a_bad_year_is_not_created(plan):
    with pytest.raises(ValidationError):
        services.budget_line_create(
            plan=plan, data={"category": "audit"}, amounts={2022: Decimal(1), 2030: Decimal(1)}, actor=None
        )

    assert not BudgetLine.objects.exists()
    assert not BudgetAmount.objects.exists()


def test_a_negative_amount_is_refused(plan):
    with pytest.raises(ValidationError) as error:
        services.budget_line_create(
            plan=plan, data={"category": "audit"}, amounts={2022: Decimal(-1)}, actor=None
        )
    assert error.value.message_dict == {2022: [str(NEGATIVE_MESSAGE)]}
    with pytest.raises(ValidationError):
        services.funding_source_create(
            plan=plan, data={"name": "X", "kind": "lbf"}, amounts={2022: Decimal(-1)}, actor=None
        )

    assert not BudgetLine.objects.exists()
    assert not FundingSource.objects.exists()


def test_a_sub_agreement_of_another_plan_is_refused(plan):
    elsewhere = SubAgreementFactory(plan=PlanFactory())

    with pytest.raises(ValidationError) as error:
        services.budget_line_create(
            plan=plan,
            data={"category": "audit", "sub_agreement": elsewhere},
            amounts={2022: Decimal(1)},
            actor=None,
        )

    assert "sub_agreement" in error.value.message_dict
    assert not BudgetLine.objects.exists()
    assert not BudgetAmount.objects.exists()


def test_actual_spend_is_set_changed_and_cleared(plan, actor):
    line = BudgetLineFactory(plan=plan)
    ActualSpendFactory(line=line, year=2022, amount=Decimal(90))
    ActualSpendFactory(line=line, year=2023, amount=Decimal(80))
    version = line.lock_version

    changed = services.actual_spend_update(
        line=line,
        amounts={2022: Decimal(95), 2023: None, 2024: Decimal(0)},
        expected_lock_version=version,
        actor=actor,
    )

    assert changed
    # 0 kr. spent is a known fact, unlike an empty field.
    assert dict(line.actuals.values_list("year", "amount")) == {2022: Decimal(95), 2024: Decimal(0)}
    line.refresh_from_db()
    assert line.lock_version == version + 1
    assert line.history.latest().history_user == actor


def test_unchanged_actual_spend_leaves_the_line_alone(plan):
    line = BudgetLineFactory(plan=plan)
    ActualSpendFactory(line=line, year=2022, amount=Decimal(90))
    version = line.lock_version

    assert not services.actual_spend_update(
        line=line, amounts={2022: Decimal(90), 2023: None}, expected_lock_version=version, actor=None
    )

    line.refresh_from_db()
    assert line.lock_version == version


def test_stale_actual_spend_is_refused(plan):
    line = BudgetLineFactory(plan=plan)
    opened = line.lock_version
    services.actual_spend_update(
        line=line, amounts={2022: Decimal(1)}, expected_lock_version=opened, actor=None
    )

    with pytest.raises(EditConflict):
        services.actual_spend_update(
            line=BudgetLine.objects.get(pk=line.pk),
            amounts={2022: Decimal(2)},
            expected_lock_version=opened,
            actor=None,
        )

    assert line.actuals.get().amount == Decimal(1)


def test_actual_spend_outside_the_period_is_refused(plan):
    line = BudgetLineFactory(plan=plan)

    with pytest.raises(ValidationError):
        services.actual_spend_update(
            line=line,
            amounts={2022: Decimal(1), 2026: Decimal(1)},
            expected_lock_version=line.lock_version,
            actor=None,
        )

    assert not ActualSpend.objects.exists()


def test_a_funding_source_with_its_funding(plan):
    source = services.funding_source_create(
        plan=plan,
        data={"name": "Landsbyggefonden", "kind": "lbf"},
        amounts={2022: Decimal(4_762_500), 2023: None},
        actor=None,
    )
    assert dict(source.fundings.values_list("year", "amount")) == {2022: Decimal(4_762_500)}
    version = source.lock_version

    services.funding_source_update(
        funding_source=source,
        data={},
        amounts={2022: None, 2023: Decimal(1)},
        expected_lock_version=version,
        actor=None,
    )

    source.refresh_from_db()
    assert source.lock_version == version + 1
    assert dict(source.fundings.values_list("year", "amount")) == {2023: Decimal(1)}


def test_funding_outside_the_period_is_refused(plan):
    source = FundingSourceFactory(plan=plan)

    with pytest.raises(ValidationError):
        services.funding_source_update(
            funding_source=source,
            data={},
            amounts={2021: Decimal(1)},
            expected_lock_version=source.lock_version,
            actor=None,
        )

    assert not Funding.objects.exists()


def test_a_funding_source_name_is_unique_in_the_plan_whatever_its_capitals(plan):
    FundingSourceFactory(plan=plan, name="Landsbyggefonden")

    with pytest.raises(ValidationError) as error:
        services.funding_source_create(
            plan=plan, data={"name": "LANDSBYGGEFONDEN", "kind": "lbf"}, amounts={}, actor=None
        )

    assert list(error.value.message_dict) == ["name"]
    assert not FundingSource.objects.filter(name="LANDSBYGGEFONDEN").exists()


def test_deleting_a_line_or_source_deletes_its_yearly_rows(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022)
    ActualSpendFactory(line=line, year=2022)
    source = FundingSourceFactory(plan=plan)

    services.budget_line_delete(line=line, actor=None)
    services.funding_source_delete(funding_source=source, actor=None)

    assert not BudgetAmount.objects.exists() and not ActualSpend.objects.exists()
    assert not FundingSource.objects.exists()
