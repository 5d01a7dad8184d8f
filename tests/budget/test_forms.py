"""Danish amounts in the budget forms: what is accepted, what is refused (with the message next to the field),
and that a refused form saves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from helhedsplan.budget import services
from helhedsplan.budget.forms import ActualSpendForm, BudgetLineForm, FundingSourceForm
from helhedsplan.budget.models import (
    NEGATIVE_MESSAGE,
    ActualSpend,
    BudgetAmount,
    BudgetLine,
    Funding,
    FundingSource,
)
from helhedsplan.core.forms import DanishAmountField
from helhedsplan.plans.models import Membership
from tests.budget.factories import BudgetAmountFactory, BudgetLineFactory, FundingSourceFactory
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

YEARS = ["amount_2022", "amount_2023", "amount_2024", "amount_2025"]


@pytest.fixture
def plan():
    return PlanFactory()


@pytest.fixture
def coordinator_client(client, plan):
    user = UserFactory(password=None)
    MembershipFactory(plan=plan, user=user, role=Membership.Role.COORDINATOR)
    client.force_login(user)
    return client


def line_data(**amounts) -> dict:
    return {
        "sub_agreement": "",
        "category": "salaries",
        "description": "Sekretariat",
        **dict.fromkeys(YEARS, ""),
        **amounts,
    }


def new_line_form(plan, data) -> BudgetLineForm:
    """The form as the page builds it: for a new line of ``plan``."""
    return BudgetLineForm(data=data, instance=BudgetLine(plan=plan), plan=plan)


def create_line(form: BudgetLineForm) -> BudgetLine:
    """What the page does with a valid form: the service writes, the form does not."""
    return services.budget_line_create(
        plan=form.plan, data=form.model_data(), amounts=form.year_amounts(), actor=None
    )


def snapshot(plan) -> dict:
    return {
        model.__name__: sorted(model.objects.in_plan(plan).values_list())
        for model in (BudgetLine, BudgetAmount, ActualSpend, FundingSource, Funding)
    }


@pytest.mark.parametrize(
    ("written", "kroner"),
    [
        ("31.200.000", Decimal("31200000")),
        ("31.200.000,00", Decimal("31200000")),
        ("4,62 mio.", Decimal("4620000")),
        ("1.155.000 kr.", Decimal("1155000")),
        ("727500", Decimal("727500")),
        ("0,5 mio", Decimal("500000")),
        ("12.345,67", Decimal("12345.67")),
    ],
)
def test_danish_amounts_are_accepted_and_saved(plan, written, kroner):
    form = new_line_form(plan, line_data(amount_2023=written))

    assert form.is_valid(), form.errors
    line = create_line(form)

    assert list(line.amounts.values_list("year", "amount")) == [(2023, kroner)]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("-5.000", "negative"),
        ("−4,62 mio.", "negative"),
        ("abc", "invalid"),
        ("12,3,4", "invalid"),
        ("1.00.000", "invalid"),
        ("4,62 mia.", "invalid"),
        ("100,005", "too_precise"),
    ],
)
def test_bad_amounts_are_refused_next_to_the_field(plan, written, code):
    with translation.override("da"):
        form = new_line_form(plan, line_data(amount_2022="100.000", amount_2024=written))

        assert not form.is_valid()
        assert list(form.errors) == ["amount_2024"]
        # Not negative is the model's rule (its constraint's message); the rest are how an amount is written.
        expected = NEGATIVE_MESSAGE if code == "negative" else DanishAmountField.default_error_messages[code]
        assert form.errors["amount_2024"] == [str(expected)]
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize("written", ["-1", "tusind kroner"])
def test_a_refused_post_saves_nothing_and_shows_the_message_at_the_field(coordinator_client, plan, written):
    line = BudgetLineFactory(plan=plan, description="Lokaler")
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(400_000))
    before = snapshot(plan)

    response = coordinator_client.post(
        reverse("budget:line_edit", kwargs={"plan": plan.slug, "pk": line.pk}),
        {
            **line_data(amount_2022="500.000", amount_2023=written),
            "lock_version": line.lock_version,
            "description": "Nyt",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["amount_2023"]
    html = response.content.decode()
    # Crispy puts the message right under the field it is about, and marks the field invalid.
    field_at = html.index('id="id_amount_2023"')
    error_at = html.index('id="error_1_id_amount_2023"')
    assert 0 < error_at - field_at < 600
    input_tag = html[html.rindex("<input", 0, field_at) : html.index(">", field_at)]
    assert "is-invalid" in input_tag
    assert snapshot(plan) == before


def test_empty_years_mean_nothing_budgeted(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2022, amount=Decimal(1))
    form = BudgetLineForm(
        data={**line_data(amount_2023="0"), "lock_version": line.lock_version}, instance=line, plan=plan
    )

    assert form.is_valid(), form.errors
    services.budget_line_update(
        line=line,
        data=form.model_data(),
        amounts=form.year_amounts(),
        expected_lock_version=form.cleaned_data["lock_version"],
        actor=None,
    )

    assert not line.amounts.exists()


def test_the_form_offers_only_the_plans_years(plan):
    short_plan = PlanFactory(
        start_date=plan.start_date, end_date=plan.start_date.replace(year=2023, month=12, day=31)
    )
    form = BudgetLineForm(plan=short_plan)

    assert [name for name in form.fields if name.startswith("amount_")] == ["amount_2022", "amount_2023"]
    # A year smuggled into the post is not a field, so it is never read.
    form = new_line_form(short_plan, {**line_data(amount_2022="1"), "amount_2026": "5"})
    assert form.is_valid()
    assert list(create_line(form).amounts.values_list("year", flat=True)) == [2022]


def test_the_edit_form_shows_the_amounts_the_danish_way(plan):
    line = BudgetLineFactory(plan=plan)
    BudgetAmountFactory(line=line, year=2024, amount=Decimal("1155000.00"))

    html = str(BudgetLineForm(instance=line, plan=plan)["amount_2024"])

    assert 'value="1.155.000"' in html
    assert 'inputmode="decimal"' in html


def test_actual_spend_left_empty_is_not_yet_known(plan):
    line = BudgetLineFactory(plan=plan)
    form = ActualSpendForm(
        data={"lock_version": line.lock_version, "amount_2022": "98.000,50", "amount_2023": ""},
        instance=line,
        plan=plan,
    )

    assert form.is_valid(), form.errors
    services.actual_spend_update(
        line=line,
        amounts=form.year_amounts(),
        expected_lock_version=form.cleaned_data["lock_version"],
        actor=None,
    )

    assert list(line.actuals.values_list("year", "amount")) == [(2022, Decimal("98000.50"))]


def test_actual_spend_refuses_negative_amounts(plan):
    line = BudgetLineFactory(plan=plan)
    form = ActualSpendForm(
        data={"lock_version": line.lock_version, "amount_2022": "-1"}, instance=line, plan=plan
    )

    assert not form.is_valid()
    assert list(form.errors) == ["amount_2022"]
    assert not ActualSpend.objects.exists()


def test_a_funding_source_needs_a_name_and_a_kind(plan):
    form = FundingSourceForm(
        data={"name": "", "kind": "", "amount_2022": "4,62 mio."},
        instance=FundingSource(plan=plan),
        plan=plan,
    )

    assert not form.is_valid()
    assert set(form.errors) == {"name", "kind"}
    assert not FundingSource.objects.exists()


def test_a_funding_source_takes_danish_amounts(plan):
    form = FundingSourceForm(
        data={
            "name": "Københavns Kommune",
            "kind": "municipality",
            "amount_2022": "1.155.000",
            "amount_2025": "1,155 mio.",
        },
        instance=FundingSource(plan=plan),
        plan=plan,
    )

    assert form.is_valid(), form.errors
    source = services.funding_source_create(
        plan=plan, data=form.model_data(), amounts=form.year_amounts(), actor=None
    )

    assert dict(source.fundings.values_list("year", "amount")) == {
        2022: Decimal(1_155_000),
        2025: Decimal(1_155_000),
    }


def test_a_funding_source_name_may_repeat_in_another_plan(plan):
    FundingSourceFactory(plan=PlanFactory(), name="Landsbyggefonden")
    form = FundingSourceForm(
        data={"name": "Landsbyggefonden", "kind": "lbf"}, instance=FundingSource(plan=plan), plan=plan
    )

    assert form.is_valid(), form.errors


def test_a_funding_source_name_is_refused_by_the_models_rule_whatever_its_capitals(plan):
    FundingSourceFactory(plan=plan, name="Landsbyggefonden")
    form = FundingSourceForm(
        data={"name": "landsbyggefonden", "kind": "lbf"}, instance=FundingSource(plan=plan), plan=plan
    )

    assert not form.is_valid()
    assert list(form.errors) == ["name"]


def test_a_year_the_model_refuses_is_shown_at_that_years_field(plan):
    """The rule "a year inside the plan's period" is the model's; the form shows it where the year is typed."""
    line = BudgetLineFactory(plan=plan)
    # A refusal from the service (e.g. the plan's period shortened meanwhile) lands at its year's field.
    form = BudgetLineForm(
        data={**line_data(amount_2025="1"), "lock_version": line.lock_version}, instance=line, plan=plan
    )
    assert form.is_valid()
    amounts = form.year_amounts()
    plan.end_date = plan.end_date.replace(year=2024)
    with pytest.raises(ValidationError) as error:
        services.budget_line_update(
            line=line,
            data=form.model_data(),
            amounts=amounts,
            expected_lock_version=line.lock_version,
            actor=None,
        )
    form.add_write_errors(error.value)

    assert list(form.errors) == ["amount_2025"]
    assert "2025" in form.errors["amount_2025"][0]
