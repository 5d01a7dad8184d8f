"""Organisation-wide grants: a reviewer of every plan an organisation is a party to, without a membership in each.

The rules (``has_perm``), the querysets (``for_user``) and the access helpers (``plans_of``, ``get_plan_or_404``)
must give such a reviewer exactly what a reviewer member has, in the plans of the organisation only.
"""

import pytest
from django.http import Http404

from helhedsplan.goals.models import Goal, Indicator, Measurement
from helhedsplan.plans import access
from helhedsplan.plans.models import ROLE_PERMISSIONS, Membership, OrganisationGrant, Plan
from helhedsplan.plans.rules import membership_for
from helhedsplan.preparedness.models import Contact
from tests.goals.factories import GoalFactory
from tests.plans.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationGrantFactory,
    PlanFactory,
    UserFactory,
    confirmed_party,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(amager_plan) -> dict:
    """A goal, a measurement and a contact of the Amager plan, which LBF (the organisation-wide reviewer's
    organisation) is a party to."""
    return {
        "plan": amager_plan,
        **{
            name: model.objects.in_plan(amager_plan).order_by("pk").first()
            for name, model in (("goal", Goal), ("measurement", Measurement), ("contact", Contact))
        },
    }


@pytest.mark.parametrize("permission", sorted(ROLE_PERMISSIONS))
def test_the_grant_gives_what_a_reviewer_member_has(personas, objects, permission):
    for name, obj in objects.items():
        assert personas.org_reviewer.has_perm(permission, obj) == personas.reviewer.has_perm(
            permission, obj
        ), f"{permission} on {name}"


def test_contact_details_are_never_for_an_organisation_wide_reviewer(personas, objects):
    assert personas.org_reviewer.has_perm("plan.view", objects["plan"])
    assert not personas.org_reviewer.has_perm("plan.view_contact_details", objects["contact"])
    assert not Contact.objects.for_user(personas.org_reviewer, "plan.view_contact_details").exists()


@pytest.mark.parametrize("permission", sorted(ROLE_PERMISSIONS))
def test_for_user_gives_the_same_rows_as_to_a_reviewer_member(personas, permission):
    for model in (Goal, Indicator, Measurement, Contact):
        as_member = set(model.objects.for_user(personas.reviewer, permission))
        assert set(model.objects.for_user(personas.org_reviewer, permission)) == as_member, (
            model,
            permission,
        )


def test_the_effective_membership_is_an_unsaved_reviewer_of_the_organisation(personas, objects):
    membership = membership_for(personas.org_reviewer, objects["goal"])
    grant = OrganisationGrant.objects.get(users=personas.org_reviewer)
    assert membership.pk is None
    assert membership.role == Membership.Role.REVIEWER
    assert membership.organisation == grant.organisation
    assert membership.via_grant == grant


def test_only_the_plans_the_organisation_is_a_party_to(personas, objects):
    elsewhere = PlanFactory()
    GoalFactory(sub_agreement__plan=elsewhere)
    user = personas.org_reviewer
    assert list(access.plans_of(user)) == [objects["plan"]]
    assert access.get_plan_or_404(user, objects["plan"].slug) == objects["plan"]
    with pytest.raises(Http404):
        access.get_plan_or_404(user, elsewhere.slug)
    assert not user.has_perm("plan.view", elsewhere)
    assert set(Goal.objects.for_user(user)) == set(Goal.objects.in_plan(objects["plan"]))


def test_a_new_party_opens_the_plan_and_a_removed_user_loses_it(personas, objects):
    user = personas.org_reviewer
    grant = OrganisationGrant.objects.get(users=user)
    another = PlanFactory()
    another.organisations.add(grant.organisation)
    # Named as a party, the organisation is only invited: its grant covers the plan once it confirms its part.
    assert set(access.plans_of(user)) == {objects["plan"]}
    assert not user.has_perm("plan.view", another)
    confirmed_party(another, grant.organisation)
    user = type(user).objects.get(pk=user.pk)  # a fresh user: no cached membership
    assert set(access.plans_of(user)) == {objects["plan"], another}
    grant.users.remove(user)
    assert not access.plans_of(user).exists()
    assert not Goal.objects.for_user(user).exists()
    assert not UserFactory(password=None).has_perm("plan.view", objects["plan"])


def test_a_membership_decides_over_the_grant(personas, objects):
    """An editor of the plan who is also named in the grant is an editor there (no reviewer's answer), in the
    rules and in the querysets alike."""
    user = personas.org_reviewer
    MembershipFactory(user=user, plan=objects["plan"], role=Membership.Role.EDITOR)
    user = type(user).objects.get(pk=user.pk)  # a fresh user: no cached membership
    assert membership_for(user, objects["plan"]).role == Membership.Role.EDITOR
    assert user.has_perm("plan.edit_goals", objects["goal"])
    assert not user.has_perm("plan.review_reports", objects["plan"])
    assert not Plan.objects.filter(pk__in=access.plans_of(user)).count() > 1
    assert not Goal.objects.for_user(user, "plan.review_reports").exists()


def test_another_organisations_grant_gives_nothing(objects):
    stranger = UserFactory(password=None)
    OrganisationGrantFactory(organisation=OrganisationFactory()).users.add(stranger)
    assert not stranger.has_perm("plan.view", objects["plan"])
    assert not access.plans_of(stranger).exists()


def test_one_grant_per_organisation_and_role(personas):
    from django.core.exceptions import ValidationError

    grant = OrganisationGrant.objects.get(users=personas.org_reviewer)
    with pytest.raises(ValidationError) as error:
        OrganisationGrant(organisation=grant.organisation, role=grant.role).full_clean()
    assert "Organisationen har allerede denne rolle i sine planer" in str(error.value)


def test_memberships_read_for_many_plans_at_once_are_those_read_one_by_one(django_assert_num_queries):
    """``access.memberships_of`` (the portfolio's) gives, for every plan, the membership ``membership_for`` gives
    one plan at a time: a membership over a grant, a grant only where its organisation has confirmed its part,
    a revoked affiliation ending the grant, the first organisation's grant where two are parties — in four
    queries for any number of plans, after which the rules ask nothing."""
    from helhedsplan.plans.models import Affiliation
    from helhedsplan.plans.rules import memberships_for

    user = UserFactory(password=None)
    first = OrganisationFactory(short_name="A-org")
    second = OrganisationFactory(short_name="B-org")
    first_grant = OrganisationGrantFactory(organisation=first, users=[user])
    OrganisationGrantFactory(organisation=second, users=[user])
    granted, both, invited, member, elsewhere, revoked = (PlanFactory() for _ in range(6))
    confirmed_party(granted, second)
    confirmed_party(both, second)
    confirmed_party(both, first)
    invited.organisations.add(first)  # named, not confirmed: the grant does not cover it
    confirmed_party(member, first)
    MembershipFactory(user=user, plan=member, role=Membership.Role.EDITOR)
    plans = [granted, both, invited, member, elsewhere]
    one_by_one = {plan.pk: membership_for(type(user).objects.get(pk=user.pk), plan) for plan in plans}

    fresh = type(user).objects.get(pk=user.pk)
    # 1 the memberships, 2 their delaftale limits, 3 the grants, 4 the parties confirmed among their organisations.
    with django_assert_num_queries(4):
        at_once = memberships_for(fresh, plans)
    described = {
        pk: None if m is None else (m.role, m.organisation_id, getattr(m, "via_grant", None))
        for pk, m in at_once.items()
    }
    assert described == {
        pk: None if m is None else (m.role, m.organisation_id, getattr(m, "via_grant", None))
        for pk, m in one_by_one.items()
    }
    assert described[both.pk][1] == first.pk and described[both.pk][2] == first_grant
    assert described[invited.pk] is None and described[elsewhere.pk] is None
    assert described[member.pk][0] == Membership.Role.EDITOR
    with django_assert_num_queries(0):
        assert [fresh.has_perm("plan.view", plan) for plan in plans] == [True, True, False, True, False]
        assert not fresh.has_perm("plan.review_reports", granted)  # no affiliation with Landsbyggefonden

    # A revoked affiliation ends the grant, read at once as one by one.
    affiliation = Affiliation.objects.get(user=user, organisation=second)
    affiliation.state = Affiliation.State.REVOKED
    affiliation.save()
    again = memberships_for(type(user).objects.get(pk=user.pk), [granted, revoked])
    assert again == {granted.pk: None, revoked.pk: None}
    assert membership_for(type(user).objects.get(pk=user.pk), granted) is None
