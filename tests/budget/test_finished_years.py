"""A finished year without actual spend says so, and an empty budget is not 'in balance' at 0 kr."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.budget.summary import summarise
from tests.budget.factories import ActualSpendFactory, BudgetAmountFactory, BudgetLineFactory
from tests.plans.factories import MembershipFactory, PlanFactory

pytestmark = pytest.mark.django_db

YEARS = [2022, 2023, 2024, 2025]


def overview(plan) -> str:
    return reverse("budget:overview", kwargs={"plan": plan.slug})


def pin_today(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


def test_a_year_counts_as_finished_without_actual_only_after_its_last_day():
    line = BudgetLineFactory.build(pk=1)
    amounts = [BudgetAmountFactory.build(line=line, year=y, amount=Decimal(100)) for y in YEARS]
    actuals = [ActualSpendFactory.build(line=line, year=y, amount=Decimal(90)) for y in (2022, 2023, 2024)]
    summary = summarise(YEARS, [line], amounts, actuals, [], [])

    assert summary.finished_years_without_actual(datetime.date(2025, 12, 31)) == []  # 2025 is not over yet
    assert summary.finished_years_without_actual(datetime.date(2026, 12, 1)) == [2025]
    assert summarise(YEARS, [line], amounts, [], [], []).finished_years_without_actual(
        datetime.date(2024, 2, 1)
    ) == [2022, 2023]


def test_a_year_without_budget_needs_no_actual_spend():
    line = BudgetLineFactory.build(pk=1)
    amounts = [BudgetAmountFactory.build(line=line, year=2022, amount=Decimal(100))]
    actuals = [ActualSpendFactory.build(line=line, year=2022, amount=Decimal(100))]
    assert (
        summarise(YEARS, [line], amounts, actuals, [], []).finished_years_without_actual(
            datetime.date(2026, 12, 1)
        )
        == []
    )


def test_an_empty_budget_is_empty_not_balanced():
    summary = summarise(YEARS, [], [], [], [], [])
    assert summary.is_empty and not summary.is_balanced


def test_the_amager_budget_warns_that_2025_has_ended_without_actual_spend(
    client, amager_plan, personas, monkeypatch
):
    pin_today(monkeypatch, datetime.date(2026, 12, 1))
    client.force_login(personas.reviewer)

    html = client.get(overview(amager_plan)).content.decode()

    assert "Året 2025 er slut, men forbruget er ikke registreret." in html
    assert "Året 2024 er slut" not in html  # its spend is recorded
    assert "ikke registreret</span>" in html  # the year's row says so too


def test_no_warning_while_the_year_runs(client, amager_plan, personas, monkeypatch):
    pin_today(monkeypatch, datetime.date(2025, 6, 1))
    client.force_login(personas.reviewer)

    html = client.get(overview(amager_plan)).content.decode()

    assert "er slut, men forbruget er ikke registreret" not in html
    assert "endnu ikke kendt" in html


def test_the_warning_goes_once_the_spend_is_recorded(client, personas, monkeypatch):
    pin_today(monkeypatch, datetime.date(2026, 12, 1))
    plan = PlanFactory(slug="lille")
    MembershipFactory(plan=plan, user=personas.reviewer, role="reviewer")
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2025, amount=Decimal(1000))
    client.force_login(personas.reviewer)
    assert "Året 2025 er slut" in client.get(overview(plan)).content.decode()

    ActualSpendFactory(line=line, year=2025, amount=Decimal(950))

    assert "Året 2025 er slut" not in client.get(overview(plan)).content.decode()


def test_an_empty_plan_is_not_shown_in_balance(client, personas):
    plan = PlanFactory(slug="tom")
    MembershipFactory(plan=plan, user=personas.reviewer, role="reviewer")
    client.force_login(personas.reviewer)

    html = client.get(overview(plan)).content.decode()

    assert "Der er endnu ikke indtastet budget eller finansiering" in html
    assert "✓</span> I balance" not in html
