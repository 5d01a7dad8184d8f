"""One order of the focus areas: LBF's (education, employment, crime prevention, cohesion), everywhere —
plain queries, related orderings and every form's menu — not the alphabetical order of their codes."""

from __future__ import annotations

import pytest
from django.forms import modelform_factory

from helhedsplan.agreements.models import FocusArea, StrategicGoal, SubAgreement
from helhedsplan.budget.models import BudgetLine
from helhedsplan.goals.models import Goal
from tests.agreements.factories import StrategicGoalFactory, SubAgreementFactory
from tests.budget.factories import BudgetLineFactory
from tests.goals.factories import GoalFactory
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db

LBF_ORDER = [
    FocusArea.EDUCATION,
    FocusArea.EMPLOYMENT,
    FocusArea.CRIME_PREVENTION,
    FocusArea.COHESION,
]


@pytest.fixture
def plan():
    plan = PlanFactory()
    # Created in the alphabetical order of the codes, which is not LBF's.
    for focus_area in sorted(FocusArea.values):
        SubAgreementFactory(plan=plan, focus_area=focus_area)
        StrategicGoalFactory(plan=plan, focus_area=focus_area)
    return plan


def test_lbf_order_is_not_the_alphabetical_one():
    assert sorted(FocusArea.values) != [str(f) for f in LBF_ORDER]


def test_plain_queries_come_in_lbfs_order(plan):
    assert [s.focus_area for s in plan.sub_agreements.all()] == LBF_ORDER
    assert [s.focus_area for s in SubAgreement.objects.in_plan(plan)] == LBF_ORDER
    assert [g.focus_area for g in plan.strategic_goals.all()] == LBF_ORDER
    assert [g.focus_area for g in StrategicGoal.objects.in_plan(plan)] == LBF_ORDER


def test_ordering_a_related_model_by_its_delaftale_follows_lbfs_order(plan):
    for sub_agreement in reversed(list(plan.sub_agreements.all())):
        BudgetLineFactory(plan=plan, sub_agreement=sub_agreement)
        GoalFactory(sub_agreement=sub_agreement)

    lines = BudgetLine.objects.filter(plan=plan).order_by("sub_agreement")
    assert [line.sub_agreement.focus_area for line in lines] == LBF_ORDER
    goals = Goal.objects.in_plan(plan)  # Goal's default ordering starts with its delaftale
    assert [goal.sub_agreement.focus_area for goal in goals] == LBF_ORDER


def test_a_forms_menu_of_delaftaler_is_in_lbfs_order(plan):
    form = modelform_factory(BudgetLine, fields=["sub_agreement"])()
    form.fields["sub_agreement"].queryset = SubAgreement.objects.in_plan(plan)

    labels = [label for value, label in form.fields["sub_agreement"].choices if value]

    assert labels == [FocusArea(f).label for f in LBF_ORDER]
