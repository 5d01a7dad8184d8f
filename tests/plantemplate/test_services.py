"""A new plan from Landsbyggefonden's template, as a service (no form): what it starts with, what a successor
copies, and the input it refuses with nothing saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.budget.models import FundingSource
from helhedsplan.goals.models import Goal, Indicator
from helhedsplan.periods.models import CatalogueIndicator, FundingPeriod
from helhedsplan.periods.standard import ensure_standard_periods
from helhedsplan.plans.models import Membership, Organisation, Plan
from helhedsplan.plantemplate.services import (
    DRAFT_PREFIX,
    NewPlanData,
    may_create_plans,
    plan_create_from_template,
)
from tests.plans.factories import AffiliationFactory, OrganisationFactory, UserFactory
from tests.world import snapshot

pytestmark = pytest.mark.django_db


def new_plan_data(**changes) -> NewPlanData:
    values = {
        "name": "Boligsocial helhedsplan Amager 2026-2029",
        "slug": "amager-2026-2029",
        "area": "Amager",
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2029, 12, 31),
        "funding_period": "2019-2026",
        "organisation": changes.pop("organisation", None) or OrganisationFactory(short_name="TMF-X"),
    }
    return NewPlanData(**{**values, **changes})


def starter():
    """Someone the new plan's organisation (TMF-X) has confirmed as one of its people: they may start it."""
    user = UserFactory(password=None)
    AffiliationFactory(user=user, organisation=OrganisationFactory(short_name="TMF-X"))
    return user


def test_a_new_plan_starts_from_its_periods_template():
    ensure_standard_periods()
    actor = starter()
    plan = plan_create_from_template(data=new_plan_data(), actor=actor)

    assert plan.funding_period.code == "2019-2026"
    # One delaftale per focus area of the period, in LBF's order, named from the data.
    subs = list(SubAgreement.objects.filter(plan=plan))
    assert [s.focus_area for s in subs] == ["education", "employment", "crime_prevention", "cohesion"]
    assert [str(s) for s in subs] == [
        "Uddannelse og livschancer",
        "Beskæftigelse",
        "Kriminalitetsforebyggelse",
        "Sammenhængskraft og medborgerskab",
    ]
    # The usual funding sources, with no amounts.
    sources = FundingSource.objects.filter(plan=plan)
    assert sorted(s.kind for s in sources) == ["housing_associations", "lbf", "municipality"]
    assert not any(source.fundings.exists() for source in sources)
    # The approval steps of the usual process, the estates' step following the estates' decisions.
    steps = list(ApprovalStep.objects.filter(plan=plan).order_by("order"))
    assert [s.body for s in steps] == [
        "Afdelingsbestyrelserne",
        "Teknik- og Miljøudvalget",
        "Borgerrepræsentationen",
        "Landsbyggefonden",
    ]
    assert steps[0].status == ApprovalStep.Status.FROM_ESTATES
    # The creator is its coordinator; no goals without a predecessor.
    membership = Membership.objects.get(plan=plan)
    assert (membership.user, membership.role) == (actor, "coordinator")
    assert not Goal.objects.filter(sub_agreement__plan=plan).exists()
    # Every row was written through the services: its history names the creator.
    assert {h.history_user for h in plan.history.all()} == {actor}
    assert subs[0].history.get().history_user == actor


def test_an_earlier_period_gives_its_own_focus_areas():
    ensure_standard_periods()
    plan = plan_create_from_template(
        data=new_plan_data(
            slug="gammel-2015",
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2018, 12, 31),
            funding_period="2015-2018",
        ),
        actor=starter(),
    )
    subs = list(SubAgreement.objects.filter(plan=plan))
    assert [s.focus_area for s in subs] == [
        "safety_wellbeing",
        "prevention_parenting",
        "education_employment",
        "community_participation",
    ]
    assert str(subs[0]) == "Eksempel: Tryghed og trivsel"


def test_a_delaftale_takes_only_a_focus_area_of_its_plans_period():
    ensure_standard_periods()
    plan = plan_create_from_template(
        data=new_plan_data(
            slug="gammel-2015",
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2018, 12, 31),
            funding_period="2015-2018",
        ),
        actor=starter(),
    )
    with pytest.raises(ValidationError) as refusal:
        SubAgreement(plan=plan, focus_area="education").full_clean()
    assert "education er ikke et indsatsområde i planens bevillingsperiode" in str(refusal.value)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "amager-2022-2025"}, "slug", "Der findes allerede en plan med denne korte adresse."),
        ({"end_date": datetime.date(2025, 1, 1)}, "end_date", "Planen skal slutte, efter den er startet."),
        ({"funding_period": "1999-2002"}, "funding_period", "Der findes ingen bevillingsperiode 1999-2002."),
    ],
)
def test_bad_input_is_refused_in_danish_and_nothing_is_saved(amager_plan, personas, changes, field, message):
    before = snapshot()
    periods = FundingPeriod.objects.count()
    with pytest.raises(ValidationError) as refusal:
        plan_create_from_template(
            data=new_plan_data(start_date=datetime.date(2026, 1, 1), **changes), actor=personas.coordinator
        )
    assert message in refusal.value.message_dict[field]
    assert snapshot() == before
    assert FundingPeriod.objects.count() == periods


def test_a_successor_copies_the_goals_and_indicators_as_drafts_without_measurements(amager_plan, personas):
    old_goals = list(Goal.objects.filter(sub_agreement__plan=amager_plan).order_by("pk"))
    old_indicators = Indicator.objects.filter(goal__sub_agreement__plan=amager_plan)
    plan = plan_create_from_template(
        data=new_plan_data(organisation=Organisation.objects.get(short_name="TMF")),
        predecessor=amager_plan,
        actor=personas.coordinator,
    )
    goals = list(Goal.objects.filter(sub_agreement__plan=plan).select_related("sub_agreement"))
    assert len(goals) == len(old_goals) > 0
    assert all(goal.title.startswith(DRAFT_PREFIX) for goal in goals)
    assert {(g.sub_agreement.focus_area, g.title.removeprefix(DRAFT_PREFIX)) for g in goals} == {
        (g.sub_agreement.focus_area, g.title) for g in old_goals
    }
    indicators = Indicator.objects.filter(goal__sub_agreement__plan=plan)
    assert indicators.count() == old_indicators.count() > 0
    assert all(i.name.startswith(DRAFT_PREFIX) and i.plan_id == plan.pk for i in indicators)
    old = old_indicators.order_by("pk").first()
    copy = indicators.get(name=DRAFT_PREFIX + old.name, goal__title=DRAFT_PREFIX + old.goal.title)
    # Every field the model declares copyable, the name (as a draft) aside.
    for name in Indicator.COPYABLE_FIELDS:
        if name != "name":
            assert getattr(copy, name) == getattr(old, name), name
    assert not copy.measurements.exists()
    # The predecessor's parties become the successor's; nothing of the predecessor changed.
    assert set(plan.organisations.all()) == set(amager_plan.organisations.all())
    assert Goal.objects.filter(sub_agreement__plan=amager_plan).count() == len(old_goals)


def test_copying_from_a_plan_the_actor_may_not_read_is_a_404(amager_plan, personas):
    before = snapshot()
    with pytest.raises(Http404):
        plan_create_from_template(
            data=new_plan_data(), predecessor=amager_plan, actor=personas.other_plan_coordinator
        )
    assert snapshot() == before
    assert not Plan.objects.filter(slug="amager-2026-2029").exists()


def test_who_may_create_plans(amager_plan, personas):
    assert may_create_plans(personas.coordinator)
    assert may_create_plans(personas.other_plan_coordinator)
    assert may_create_plans(UserFactory(password=None, is_staff=True))
    for user in (personas.editor, personas.reviewer, personas.outsider):
        assert not may_create_plans(user)


def test_a_successor_keeps_its_predecessors_catalogue_links(amager_plan, personas):
    # One of the predecessor's goal indicators is picked from the catalogue, another is free-form.
    picked, free = Indicator.objects.filter(goal__sub_agreement__plan=amager_plan).order_by("pk")[:2]
    entry = CatalogueIndicator.objects.get(period__code="2019-2026", code="uddannelse")
    Indicator.objects.filter(pk=picked.pk).update(catalogue_entry=entry)

    plan = plan_create_from_template(
        data=new_plan_data(organisation=Organisation.objects.get(short_name="TMF")),
        predecessor=amager_plan,
        actor=personas.coordinator,
    )

    copies = Indicator.objects.filter(goal__sub_agreement__plan=plan)
    assert copies.get(name=DRAFT_PREFIX + picked.name).catalogue_entry == entry
    assert copies.get(name=DRAFT_PREFIX + free.name).catalogue_entry is None
