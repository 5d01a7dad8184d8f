"""What the database refuses, and what the models' clean() refuses before it gets that far."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from helhedsplan.agreements.models import FocusArea
from helhedsplan.approvals.models import EstateDecision
from helhedsplan.goals.models import Indicator
from helhedsplan.plans.models import Membership
from helhedsplan.preparedness.models import Incident
from tests.agreements.factories import StrategicGoalFactory, SubAgreementFactory
from tests.approvals.factories import EstateDecisionFactory
from tests.budget.factories import (
    ActualSpendFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    FundingFactory,
    FundingSourceFactory,
)
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import EstateFactory, MembershipFactory, PlanFactory
from tests.preparedness.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def refused(factory, **kwargs) -> None:
    """The database refuses to store the row (and the transaction goes on afterwards)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


# --- Database constraints -----------------------------------------------------------------------------------


def test_one_delaftale_per_focus_area_per_plan():
    plan = PlanFactory()
    SubAgreementFactory(plan=plan, focus_area=FocusArea.EMPLOYMENT)
    refused(SubAgreementFactory, plan=plan, focus_area=FocusArea.EMPLOYMENT)
    SubAgreementFactory(plan=plan, focus_area=FocusArea.COHESION)
    SubAgreementFactory(plan=PlanFactory(), focus_area=FocusArea.EMPLOYMENT)


def test_one_strategic_goal_per_focus_area_per_plan():
    plan = PlanFactory()
    StrategicGoalFactory(plan=plan, focus_area=FocusArea.CRIME_PREVENTION)
    refused(StrategicGoalFactory, plan=plan, focus_area=FocusArea.CRIME_PREVENTION)
    StrategicGoalFactory(plan=PlanFactory(), focus_area=FocusArea.CRIME_PREVENTION)


@pytest.mark.parametrize("factory", [BudgetAmountFactory, ActualSpendFactory, FundingFactory])
def test_amounts_are_never_negative(factory):
    refused(factory, amount=Decimal("-0.01"))
    assert factory(amount=Decimal(0)).amount == 0


@pytest.mark.parametrize("factory", [BudgetAmountFactory, ActualSpendFactory, FundingFactory])
def test_years_are_sensible(factory):
    refused(factory, year=22)


def test_one_amount_per_budget_line_and_year():
    line = BudgetLineFactory()
    BudgetAmountFactory(line=line, year=2022)
    refused(BudgetAmountFactory, line=line, year=2022)
    BudgetAmountFactory(line=line, year=2023)


def test_one_funding_per_source_and_year():
    source = FundingSourceFactory()
    FundingFactory(source=source, year=2022)
    refused(FundingFactory, source=source, year=2022)


def test_one_decision_per_estate_and_body():
    estate = EstateFactory()
    EstateDecisionFactory(estate=estate, body=EstateDecision.Body.DEPARTMENT_MEETING)
    refused(EstateDecisionFactory, estate=estate, body=EstateDecision.Body.DEPARTMENT_MEETING)
    EstateDecisionFactory(estate=estate, body=EstateDecision.Body.DEPARTMENT_BOARD)


@pytest.mark.parametrize("result", [EstateDecision.Result.APPROVED, EstateDecision.Result.REJECTED])
def test_a_decided_decision_has_a_date(result):
    refused(EstateDecisionFactory, result=result, date=None)


def test_a_pending_decision_may_lack_a_date():
    decision = EstateDecisionFactory(result=EstateDecision.Result.PENDING, date=None)
    assert decision.pk is not None


def test_indicator_target_must_differ_from_baseline():
    refused(IndicatorFactory, baseline_value=Decimal(50), target_value=Decimal(50))


@pytest.mark.parametrize(
    ("direction", "baseline", "target"),
    [
        (Indicator.Direction.HIGHER_IS_BETTER, Decimal(50), Decimal(40)),
        (Indicator.Direction.LOWER_IS_BETTER, Decimal(375), Decimal(400)),
    ],
)
def test_indicator_target_lies_in_its_direction(direction, baseline, target):
    refused(IndicatorFactory, direction=direction, baseline_value=baseline, target_value=target)
    IndicatorFactory(direction=direction, baseline_value=target, target_value=baseline)


def test_indicator_target_date_after_baseline_date():
    refused(IndicatorFactory, baseline_date=datetime.date(2025, 1, 1), target_date=datetime.date(2025, 1, 1))


def test_indicator_belongs_to_a_goal_or_a_strategic_goal_not_both():
    plan = PlanFactory()
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=plan))
    strategic_goal = StrategicGoalFactory(plan=plan)
    refused(IndicatorFactory, plan=plan, goal=goal, strategic_goal=strategic_goal)


def test_indicator_belongs_to_a_goal_or_a_strategic_goal_not_neither():
    refused(IndicatorFactory, plan=PlanFactory(), goal=None, strategic_goal=None)


def test_plan_ends_after_it_starts():
    refused(PlanFactory, start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2021, 12, 31))
    refused(PlanFactory, start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2022, 1, 1))


def test_closed_incident_has_a_closing_time():
    refused(IncidentFactory, status=Incident.Status.CLOSED, closed_at=None)


def test_open_incident_has_no_closing_time():
    refused(IncidentFactory, status=Incident.Status.OPEN, closed_at=timezone.now())


def test_incident_closes_after_it_occurs():
    occurred = timezone.now()
    refused(
        IncidentFactory,
        occurred_at=occurred,
        status=Incident.Status.CLOSED,
        closed_at=occurred - datetime.timedelta(minutes=1),
    )
    closed = IncidentFactory(
        occurred_at=occurred, status=Incident.Status.CLOSED, closed_at=occurred + datetime.timedelta(hours=3)
    )
    assert not closed.is_open


def test_one_membership_per_user_and_plan():
    membership = MembershipFactory(role=Membership.Role.EDITOR)
    refused(MembershipFactory, user=membership.user, plan=membership.plan, role=Membership.Role.REVIEWER)
    MembershipFactory(user=membership.user, plan=PlanFactory())


def test_one_measurement_per_indicator_and_date():
    measurement = MeasurementFactory()
    refused(MeasurementFactory, indicator=measurement.indicator, date=measurement.date)
    MeasurementFactory(indicator=measurement.indicator, date=measurement.date + datetime.timedelta(days=1))


def test_activity_ends_after_it_starts():
    refused(ActivityFactory, start_date=datetime.date(2023, 6, 1), end_date=datetime.date(2023, 5, 31))


# --- What the plan's own constraints say, and where (full_clean, as forms, services and plan files see it) -----


def said(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_a_plan_ending_before_it_starts_is_told_at_its_end_date():
    plan = PlanFactory.build(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2021, 12, 31))
    assert said(plan) == {"end_date": ["Planen skal slutte, efter den er startet."]}


def test_a_second_estate_of_the_same_name_is_told_at_its_name():
    estate = EstateFactory()
    twin = EstateFactory.build(
        plan=estate.plan, name=estate.name, housing_association=estate.housing_association
    )
    assert said(twin) == {"name": ["Planen har allerede en afdeling med dette navn."]}


def test_a_second_membership_of_the_same_user_is_told_at_the_user():
    membership = MembershipFactory(role=Membership.Role.EDITOR)
    twin = Membership(
        user=membership.user, plan=membership.plan, organisation=membership.organisation, role="coordinator"
    )
    assert said(twin) == {"user": ["Brugeren er allerede medlem af planen."]}


# --- clean() ------------------------------------------------------------------------------------------------


def assert_invalid(obj, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert field in caught.value.message_dict


@pytest.mark.parametrize("factory", [BudgetAmountFactory, ActualSpendFactory, FundingFactory])
@pytest.mark.parametrize("year", [2021, 2026])
def test_year_outside_the_plans_period_is_refused(factory, year):
    assert_invalid(factory.build(year=year, **{_parent(factory): _parent_factory(factory)()}), "year")


@pytest.mark.parametrize("factory", [BudgetAmountFactory, ActualSpendFactory, FundingFactory])
@pytest.mark.parametrize("year", [2022, 2025])
def test_year_inside_the_plans_period_is_accepted(factory, year):
    factory.build(year=year, **{_parent(factory): _parent_factory(factory)()}).full_clean()


def _parent(factory) -> str:
    return "source" if factory is FundingFactory else "line"


def _parent_factory(factory):
    return FundingSourceFactory if factory is FundingFactory else BudgetLineFactory


@pytest.mark.parametrize(
    ("field", "day"),
    [
        ("start_date", datetime.date(2021, 12, 31)),
        ("end_date", datetime.date(2026, 1, 1)),
    ],
)
def test_activity_dates_outside_the_plans_period_are_refused(field, day):
    activity = ActivityFactory.build(sub_agreement=SubAgreementFactory(), **{field: day})
    assert_invalid(activity, field)


def test_activity_ending_before_it_starts_is_refused_by_clean():
    activity = ActivityFactory.build(
        sub_agreement=SubAgreementFactory(),
        start_date=datetime.date(2023, 6, 1),
        end_date=datetime.date(2023, 5, 31),
    )
    assert_invalid(activity, "end_date")


def test_activity_without_dates_is_valid():
    ActivityFactory.build(sub_agreement=SubAgreementFactory(), start_date=None, end_date=None).full_clean()


@pytest.mark.parametrize("day", [datetime.date(2021, 6, 30), datetime.date(2026, 1, 1)])
def test_measurement_date_outside_the_plans_period_is_refused(day):
    indicator = IndicatorFactory(
        baseline_date=datetime.date(2022, 1, 1), target_date=datetime.date(2025, 12, 31)
    )
    assert_invalid(MeasurementFactory.build(indicator=indicator, date=day), "date")


def test_measurement_at_a_baseline_before_the_plan_starts_is_accepted():
    # The baseline of 375 young people was counted before the plan began; its measurement may sit there.
    indicator = IndicatorFactory(
        direction=Indicator.Direction.LOWER_IS_BETTER,
        baseline_value=Decimal(375),
        target_value=Decimal(300),
        baseline_date=datetime.date(2021, 6, 30),
    )
    MeasurementFactory.build(
        indicator=indicator, date=datetime.date(2021, 6, 30), value=Decimal(375)
    ).full_clean()
    assert_invalid(MeasurementFactory.build(indicator=indicator, date=datetime.date(2021, 6, 29)), "date")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target_value": Decimal(40)}, "target_value"),
        ({"target_value": Decimal(30)}, "target_value"),
        ({"direction": Indicator.Direction.LOWER_IS_BETTER, "target_value": Decimal(50)}, "target_value"),
        ({"target_date": datetime.date(2022, 1, 1)}, "target_date"),
    ],
)
def test_indicator_clean_explains_what_is_wrong(changes, field):
    indicator = IndicatorFactory.build(goal=GoalFactory(), baseline_value=Decimal(40), **changes)
    assert_invalid(indicator, field)


def test_indicator_clean_wants_exactly_one_parent():
    goal = GoalFactory()
    strategic_goal = StrategicGoalFactory(plan=goal.sub_agreement.plan)
    both = IndicatorFactory.build(goal=goal, strategic_goal=strategic_goal)
    assert_invalid(both, "goal")
    neither = IndicatorFactory.build(goal=None, strategic_goal=None, plan=goal.sub_agreement.plan)
    assert_invalid(neither, "goal")


@pytest.mark.django_db
def test_a_whole_plan_can_be_deleted_but_a_delaftale_with_budget_lines_cannot(amager_plan):
    from django.db.models import RestrictedError

    from helhedsplan.agreements.models import SubAgreement
    from helhedsplan.budget.models import BudgetLine
    from tests.versions.factories import forget_versions

    sub_agreement = SubAgreement.objects.in_plan(amager_plan).filter(budget_lines__isnull=False).first()
    with pytest.raises(RestrictedError), transaction.atomic():
        sub_agreement.delete()
    forget_versions(amager_plan)  # a plan with a stored version is never deleted (tests/versions)
    amager_plan.delete()
    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
def test_an_indicator_or_incident_cannot_point_into_another_plan():
    from tests.goals.factories import GoalFactory, IndicatorFactory
    from tests.plans.factories import EstateFactory, PlanFactory
    from tests.preparedness.factories import IncidentFactory

    other_plan = PlanFactory()
    indicator = IndicatorFactory()
    indicator.goal = GoalFactory(sub_agreement__plan=other_plan)
    with pytest.raises(ValidationError) as raised:
        indicator.full_clean()
    assert "goal" in raised.value.message_dict

    incident = IncidentFactory()
    incident.estate = EstateFactory(plan=other_plan)
    with pytest.raises(ValidationError) as raised:
        incident.full_clean()
    assert "estate" in raised.value.message_dict
