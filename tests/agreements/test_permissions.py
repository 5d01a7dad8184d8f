"""Who may open and post to the dashboard and the agreement pages: every URL × every kind of visitor.

Readers (reviewer, editors) see every page and may change nothing here; only coordinators edit the strategic
agreement, the delaftaler's texts and their parties. A refused POST leaves the database exactly as it was.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

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


@pytest.fixture
def world(db) -> World:
    return build_world()


VISITORS = ["anonymous", "non_member", "reviewer", "editor", "limited_editor", "coordinator"]

READ = {
    "anonymous": 302,
    "non_member": 404,
    "reviewer": 200,
    "editor": 200,
    "limited_editor": 200,
    "coordinator": 200,
}
MANAGE = {**READ, "reviewer": 403, "editor": 403, "limited_editor": 403}


def url_for(world: World, name: str) -> str:
    slug = world.plan.slug
    education = world.sub_agreements[FocusArea.EDUCATION]
    kwargs = {
        "reports:dashboard": {},
        "agreements:strategic": {},
        "agreements:strategic_update": {},
        "agreements:strategic_goal_update": {"pk": world.strategic_goals[FocusArea.EDUCATION].pk},
        "agreements:sub_agreements": {},
        "agreements:sub_agreement": {"pk": education.pk},
        "agreements:sub_agreement_update": {"pk": education.pk},
        "agreements:party_create": {"sub_agreement": education.pk},
        "agreements:party_update": {"pk": world.party.pk},
        "agreements:party_delete": {"pk": world.party.pk},
    }[name]
    return reverse(name, kwargs={"plan": slug, **kwargs})


PAGES = {
    "reports:dashboard": READ,
    "agreements:strategic": READ,
    "agreements:sub_agreements": READ,
    "agreements:sub_agreement": READ,
    "agreements:strategic_update": MANAGE,
    "agreements:strategic_goal_update": MANAGE,
    "agreements:sub_agreement_update": MANAGE,
    "agreements:party_create": MANAGE,
    "agreements:party_update": MANAGE,
    "agreements:party_delete": MANAGE,
}


def client_for(client, world: World, visitor: str):
    if visitor != "anonymous":
        client.force_login(world.users[visitor])
    return client


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", list(PAGES))
def test_get(client, world, name, visitor):
    url = url_for(world, name)
    response = client_for(client, world, visitor).get(url)

    assert response.status_code == PAGES[name][visitor]
    if response.status_code == 302:
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_another_plans_objects_are_not_found_even_for_its_coordinator(client, world):
    """The URL names this plan; the object belongs to another: 404, not the other plan's data."""
    foreign = SubAgreementFactory(plan=world.other_plan, focus_area=FocusArea.EDUCATION)
    foreign_party = SubAgreementPartyFactory(sub_agreement=foreign, organisation=world.organisations[1])
    foreign_goal = StrategicGoalFactory(plan=world.other_plan)
    client.force_login(world.users["coordinator"])
    slug = world.plan.slug
    for url in [
        reverse("agreements:sub_agreement", kwargs={"plan": slug, "pk": foreign.pk}),
        reverse("agreements:sub_agreement_update", kwargs={"plan": slug, "pk": foreign.pk}),
        reverse("agreements:party_create", kwargs={"plan": slug, "sub_agreement": foreign.pk}),
        reverse("agreements:party_update", kwargs={"plan": slug, "pk": foreign_party.pk}),
        reverse("agreements:party_delete", kwargs={"plan": slug, "pk": foreign_party.pk}),
        reverse("agreements:strategic_goal_update", kwargs={"plan": slug, "pk": foreign_goal.pk}),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


# --- POSTs ----------------------------------------------------------------------------------------------------


def snapshot(world: World) -> dict:
    """Everything the forms below could change."""
    return {
        "agreement": StrategicAgreement.objects.values().get(pk=world.agreement.pk),
        "strategic_goals": list(StrategicGoal.objects.values().order_by("pk")),
        "sub_agreements": list(SubAgreement.objects.values().order_by("pk")),
        "parties": list(SubAgreementParty.objects.values().order_by("pk")),
    }


def post_data(world: World, name: str) -> dict:
    education = world.sub_agreements[FocusArea.EDUCATION]
    return {
        "agreements:strategic_update": {
            "vision": "Ny vision",
            "challenges": "",
            "steering_tools": "",
            "resident_involvement": "",
            "governance": "",
            "lock_version": world.agreement.lock_version,
        },
        "agreements:strategic_goal_update": {
            "text": "Nyt strategisk mål",
            "lock_version": world.strategic_goals[FocusArea.EDUCATION].lock_version,
        },
        "agreements:sub_agreement_update": {
            "purpose": "Nyt formål",
            "problem": "",
            "target_groups": "",
            "anchoring": "",
            "lock_version": education.lock_version,
        },
        "agreements:party_create": {"organisation": world.organisations[1].pk, "commitment": "Jobvejledning"},
        "agreements:party_update": {
            "organisation": world.party.organisation_id,
            "commitment": "Ny forpligtelse",
            "lock_version": world.party.lock_version,
        },
        "agreements:party_delete": {},
    }[name]


WRITES = [name for name, rights in PAGES.items() if rights is MANAGE]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", WRITES)
def test_post(client, world, name, visitor):
    before = snapshot(world)
    response = client_for(client, world, visitor).post(url_for(world, name), post_data(world, name))

    expected = MANAGE[visitor]
    if expected == 200:
        # The coordinator's save succeeds and is sent on to the page it belongs to.
        assert response.status_code == 302
        assert snapshot(world) != before
    else:
        assert response.status_code == expected
        assert snapshot(world) == before


def test_coordinator_posts_change_what_they_say(client, world):
    client.force_login(world.users["coordinator"])
    education = world.sub_agreements[FocusArea.EDUCATION]

    response = client.post(
        url_for(world, "agreements:strategic_update"), post_data(world, "agreements:strategic_update")
    )
    assert response["Location"] == reverse("agreements:strategic", kwargs={"plan": world.plan.slug})
    world.agreement.refresh_from_db()
    assert world.agreement.vision == "Ny vision"
    assert world.agreement.governance == ""

    client.post(url_for(world, "agreements:party_create"), post_data(world, "agreements:party_create"))
    created = SubAgreementParty.objects.get(sub_agreement=education, organisation=world.organisations[1])
    assert created.commitment == "Jobvejledning"

    response = client.post(url_for(world, "agreements:party_delete"))
    assert response["Location"] == education.get_absolute_url() + "#parties"
    assert not SubAgreementParty.objects.filter(pk=world.party.pk).exists()
