"""A small plan for the agreement and dashboard page tests: its four focus areas, a strategic agreement, a
party, a goal tree, and one user per role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from helhedsplan.agreements.models import (
    FocusArea,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.plans.models import Membership, Organisation, Plan
from tests.agreements.factories import (
    StrategicAgreementFactory,
    StrategicGoalFactory,
    SubAgreementFactory,
    SubAgreementPartyFactory,
)
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import MembershipFactory, OrganisationFactory, PlanFactory, UserFactory


@dataclass
class World:
    plan: Plan
    other_plan: Plan
    agreement: StrategicAgreement
    strategic_goals: dict[str, StrategicGoal]
    sub_agreements: dict[str, SubAgreement]
    party: SubAgreementParty
    organisations: list[Organisation]
    users: dict[str, object]


def build_world() -> World:
    """A plan with its four focus areas, a strategic agreement, a party, a goal tree, and one user per role."""
    plan = PlanFactory(slug="amager", name="Boligsocial helhedsplan Amager 2022-2025", area="Amager")
    other_plan = PlanFactory(slug="andet")
    organisations = [
        OrganisationFactory(name="Børne- og Ungdomsforvaltningen", short_name="BUF"),
        OrganisationFactory(name="Beskæftigelses- og Integrationsforvaltningen", short_name="BIF"),
        OrganisationFactory(name="Landsbyggefonden", short_name="LBF", kind=Organisation.Kind.FUNDER),
    ]
    plan.organisations.set(organisations)
    agreement = StrategicAgreementFactory(plan=plan, governance="Bestyrelsen mødes fire gange om året.")
    strategic_goals = {area: StrategicGoalFactory(plan=plan, focus_area=area) for area in FocusArea.values}
    sub_agreements = {area: SubAgreementFactory(plan=plan, focus_area=area) for area in FocusArea.values}
    education = sub_agreements[FocusArea.EDUCATION]
    party = SubAgreementPartyFactory(sub_agreement=education, organisation=organisations[0])
    goal = GoalFactory(sub_agreement=education, title="Flere unge i uddannelse")
    indicator = IndicatorFactory(
        goal=goal,
        name="Unge uden uddannelse og job",
        unit="personer",
        direction="lower",
        baseline_value=Decimal(375),
        target_value=Decimal(300),
    )
    MeasurementFactory(indicator=indicator, date=datetime.date(2023, 12, 31), value=Decimal(340))
    IndicatorFactory(
        goal=None, strategic_goal=strategic_goals[FocusArea.EMPLOYMENT], name="Andel i beskæftigelse"
    )
    ActivityFactory(sub_agreement=education, name="Lektiecafé")

    org = organisations[0]

    def member(**kwargs):
        # No password: tests log in with force_login, and hashing five passwords per test costs seconds.
        return MembershipFactory(
            plan=kwargs.pop("plan", plan),
            organisation=kwargs.pop("organisation", org),
            user=UserFactory(password=None),
            **kwargs,
        ).user

    users = {
        "coordinator": member(role=Membership.Role.COORDINATOR),
        "editor": member(role=Membership.Role.EDITOR),
        "limited_editor": member(
            role=Membership.Role.EDITOR, sub_agreements=[sub_agreements[FocusArea.EMPLOYMENT]]
        ),
        "reviewer": member(organisation=organisations[2], role=Membership.Role.REVIEWER),
        # A coordinator, but of another plan: this plan does not exist for them.
        "non_member": member(plan=other_plan, role=Membership.Role.COORDINATOR),
    }
    return World(plan, other_plan, agreement, strategic_goals, sub_agreements, party, organisations, users)
