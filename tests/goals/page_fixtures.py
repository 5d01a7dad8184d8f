"""A small plan for the goals pages' tests: two delaftaler, a goal with an indicator, a measurement and an
activity, a key figure, and a user of every role (the editors limited to this or the other delaftale)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Model
from django.urls import reverse

from helhedsplan.agreements.models import FocusArea, StrategicGoal, SubAgreement
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Membership, Organisation, Plan
from tests.agreements.factories import StrategicGoalFactory, SubAgreementFactory
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import MembershipFactory, OrganisationFactory, PlanFactory


@dataclass
class World:
    plan: Plan
    other_plan: Plan
    sub_agreement: SubAgreement
    other_sub_agreement: SubAgreement
    strategic_goal: StrategicGoal
    goal: Goal
    indicator: Indicator
    measurement: Measurement
    key_figure: Indicator
    activity: Activity
    organisation: Organisation
    users: dict

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"goals:{name}", kwargs={"plan": self.plan.slug, **kwargs})


ROLES = ["coordinator", "editor", "editor_this", "editor_other", "reviewer", "outsider"]


def build_world() -> World:
    plan = PlanFactory(slug="amager", name="Helhedsplan Amager 2022-2025")
    other_plan = PlanFactory(slug="andet", name="En anden helhedsplan")
    organisation = OrganisationFactory(name="Københavns Kommune, BUF", short_name="BUF")
    plan.organisations.add(organisation)
    sub_agreement = SubAgreementFactory(plan=plan, focus_area=FocusArea.EDUCATION)
    other_sub_agreement = SubAgreementFactory(plan=plan, focus_area=FocusArea.EMPLOYMENT)
    strategic_goal = StrategicGoalFactory(plan=plan, focus_area=FocusArea.EMPLOYMENT)
    goal = GoalFactory(sub_agreement=sub_agreement, title="Flere unge i uddannelse")
    indicator = IndicatorFactory(
        goal=goal,
        name="Unge i uddannelse",
        unit="%",
        baseline_value=Decimal("40"),
        baseline_date=datetime.date(2022, 1, 1),
        target_value=Decimal("60"),
        target_date=datetime.date(2025, 12, 31),
    )
    measurement = MeasurementFactory(
        indicator=indicator, date=datetime.date(2023, 6, 30), value=Decimal("50")
    )
    key_figure = IndicatorFactory(
        goal=None,
        strategic_goal=strategic_goal,
        plan=plan,
        name="18-64-årige i beskæftigelse",
        baseline_value=Decimal("60"),
        target_value=Decimal("65"),
    )
    activity = ActivityFactory(
        sub_agreement=sub_agreement, name="Lektiecafé", responsible_organisation=organisation
    )
    activity.goals.add(goal)

    def member(role, plan=plan, **kwargs):
        # Tests log in with force_login, so no password is hashed (hashing six per test is slow).
        return MembershipFactory(plan=plan, role=role, user__password=None, **kwargs).user

    users = {
        "coordinator": member(Membership.Role.COORDINATOR),
        "editor": member(Membership.Role.EDITOR),
        "editor_this": member(Membership.Role.EDITOR, sub_agreements=[sub_agreement]),
        "editor_other": member(Membership.Role.EDITOR, sub_agreements=[other_sub_agreement]),
        "reviewer": member(Membership.Role.REVIEWER),
        # A coordinator, but of another plan: this plan does not exist for them.
        "outsider": member(Membership.Role.COORDINATOR, plan=other_plan),
    }
    return World(
        plan=plan,
        other_plan=other_plan,
        sub_agreement=sub_agreement,
        other_sub_agreement=other_sub_agreement,
        strategic_goal=strategic_goal,
        goal=goal,
        indicator=indicator,
        measurement=measurement,
        key_figure=key_figure,
        activity=activity,
        organisation=organisation,
        users=users,
    )


GOALS_MODELS: tuple[type[Model], ...] = (Goal, Indicator, Measurement, Activity)


#: A valid indicator as its form is filled in (Danish numbers).
INDICATOR_DATA = {
    "name": "Børn i lektiecafé",
    "unit": "personer",
    "direction": "higher",
    "baseline_value": "1.200,5",
    "baseline_date": "2022-01-01",
    "target_value": "1.500",
    "target_date": "2025-12-31",
    "data_source": "Lektiecaféernes optælling",
    "measurement_interval_months": "6",
}


def snapshot() -> dict:
    """Every row of the goals app, field by field (with the goals of each activity): equal before and after
    means nothing was written."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in GOALS_MODELS}
    state["activity_goals"] = list(Activity.goals.through.objects.order_by("pk").values())
    return state


def errors_of(response) -> dict:
    """The form's errors by field, from a re-rendered form page."""
    form = response.context["form"]
    return {field: list(messages) for field, messages in form.errors.items()}
