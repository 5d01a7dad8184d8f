"""Organisations vouch for their people (issue 19, points 2 and 3): the attacks that found the holes, end to end
through the pages, and the organisation pages where an administrator confirms people and parties."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from helhedsplan.periods.standard import ensure_standard_periods
from helhedsplan.plans import access
from helhedsplan.plans.models import (
    Affiliation,
    Invitation,
    Membership,
    Organisation,
    OrganisationGrant,
    PartyConfirmation,
    Plan,
    VerifiedEmail,
)
from helhedsplan.plans.services import (
    affiliation_confirm,
    affiliation_revoke,
    affiliations_from_verified_email,
    email_domain_add,
)
from helhedsplan.reports.models import Submission
from tests.plans.factories import AffiliationFactory, MembershipFactory, UserFactory
from tests.reports.factories import SubmissionFactory
from tests.world import client_for, sent_mail, snapshot

pytestmark = pytest.mark.django_db

NEW_PLAN = reverse("plantemplate:new_plan")


@pytest.fixture
def lbf(amager_plan) -> Organisation:
    return amager_plan.organisations.get(short_name="LBF")


@pytest.fixture
def lbf_admin(lbf):
    """Landsbyggefonden's administrator (a superuser named them first, in the admin)."""
    user = UserFactory(username="lbf-admin", first_name="Lene", last_name="Bak", password=None)
    AffiliationFactory(user=user, organisation=lbf, is_administrator=True)
    return user


@pytest.fixture
def submission(amager_plan, personas) -> Submission:
    return SubmissionFactory(report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator)


def answer_url(plan: Plan, submission: Submission) -> str:
    return reverse("reports:answer_create", kwargs={"plan": plan.slug, "pk": submission.pk})


# --- The attack: a coordinator approves his own report as Landsbyggefonden ------------------------------------


def test_a_coordinator_cannot_make_himself_lbfs_reviewer(amager_plan, personas, lbf):
    """He invites an address he controls as reviewer for LBF and accepts from its mailbox with a new account:
    the account is his, but the role waits for LBF, which has not confirmed its owner — no membership and no
    answer come of it; LBF's administrators see his request, and refusing it leaves him with nothing."""
    import re

    client_for(personas.coordinator).post(
        reverse("member_add", kwargs={"plan": amager_plan.slug}),
        {"email": "min.anden.adresse@example.org", "organisation": lbf.pk, "role": "reviewer"},
    )
    [message] = sent_mail()
    link = re.search(r"http://testserver(/konto/invitation/\S+/)", message.body).group(1)
    visitor = client_for(None)
    response = visitor.post(
        link, {"new_password1": "Solsikke-Amager-42", "new_password2": "Solsikke-Amager-42"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("organisations")
    assert "rollen begynder, når dens administrator har bekræftet dig" in response.content.decode()
    assert not Membership.objects.filter(
        plan=amager_plan, user__email="min.anden.adresse@example.org"
    ).exists()
    request = Affiliation.objects.get(user__email="min.anden.adresse@example.org", organisation=lbf)
    assert request.state == Affiliation.State.REQUESTED
    invitation = Invitation.objects.get(plan=amager_plan, email="min.anden.adresse@example.org")
    assert invitation.state == Invitation.State.AWAITING_ORGANISATION
    # The same link again: accepted already, nothing more.
    assert visitor.get(link).status_code == 410


@pytest.mark.parametrize("role", ["coordinator", "editor", "reviewer"])
def test_every_role_waits_for_its_organisation_and_starts_when_it_confirms(amager_plan, personas, role):
    """Whatever the role, it is held for the invitation's organisation: accepted by someone it has not confirmed,
    the invitation waits (shown so on the members page, withdrawable); its administrator's confirmation starts
    the role with the invitation's limits, recorded as given by that administrator."""
    import re

    housing = amager_plan.organisations.get(short_name="3B")
    administrator = AffiliationFactory(organisation=housing, is_administrator=True).user
    coordinator = client_for(personas.coordinator)
    coordinator.post(
        reverse("member_add", kwargs={"plan": amager_plan.slug}),
        {"email": "ny@example.org", "organisation": housing.pk, "role": role},
    )
    [message] = sent_mail()
    link = re.search(r"http://testserver(/konto/invitation/\S+/)", message.body).group(1)
    client_for(None).post(
        link, {"new_password1": "Solsikke-Amager-42", "new_password2": "Solsikke-Amager-42"}
    )

    newcomer = get_user_model().objects.get(email="ny@example.org")
    assert not Membership.objects.filter(plan=amager_plan, user=newcomer).exists()
    members_page = coordinator.get(reverse("members", kwargs={"plan": amager_plan.slug})).content.decode()
    assert f"Accepteret; rollen begynder, når {housing} har bekræftet personen." in members_page

    request = Affiliation.objects.get(user=newcomer, organisation=housing)
    affiliation_confirm(affiliation=request, actor=administrator)

    membership = Membership.objects.get(plan=amager_plan, user=newcomer)
    assert (membership.role, membership.organisation) == (role, housing)
    assert membership.history.latest().history_user == administrator
    assert Invitation.objects.get(email="ny@example.org").state == Invitation.State.ACCEPTED


def test_an_address_in_the_organisations_domain_starts_the_role_at_once(amager_plan, personas):
    """The organisation vouches for the verified addresses of its e-mail domains: following the link proves
    the address, so the role starts when the invitation is accepted."""
    import re

    housing = amager_plan.organisations.get(short_name="3B")
    email_domain_add(
        organisation=housing,
        domain="3b.example.dk",
        actor=AffiliationFactory(organisation=housing, is_administrator=True).user,
    )
    client_for(personas.coordinator).post(
        reverse("member_add", kwargs={"plan": amager_plan.slug}),
        {"email": "ny@3b.example.dk", "organisation": housing.pk, "role": "editor"},
    )
    [message] = sent_mail()
    link = re.search(r"http://testserver(/konto/invitation/\S+/)", message.body).group(1)
    response = client_for(None).post(
        link, {"new_password1": "Solsikke-Amager-42", "new_password2": "Solsikke-Amager-42"}
    )
    assert response.status_code == 302 and response["Location"] == amager_plan.get_absolute_url()
    assert Membership.objects.filter(plan=amager_plan, user__email="ny@3b.example.dk", role="editor").exists()


def test_a_reviewer_lbf_has_not_confirmed_cannot_answer_in_its_name(amager_plan, personas, lbf, submission):
    """Even with a reviewer's membership for LBF (made before the rule, or past the pages), the answer is refused:
    the answer is Landsbyggefonden's, and LBF has not confirmed him."""
    accomplice = UserFactory(password=None)
    MembershipFactory(
        user=accomplice, plan=amager_plan, organisation=lbf, role=Membership.Role.REVIEWER, affiliated=False
    )
    before = snapshot()
    response = client_for(accomplice).post(answer_url(amager_plan, submission), {"outcome": "approved"})
    assert response.status_code == 403
    assert "Kun en person, som Landsbyggefonden har bekræftet" in response.content.decode()
    assert snapshot() == before
    submission.refresh_from_db()
    assert submission.outcome == Submission.Outcome.AWAITING


def test_the_answer_service_refuses_without_lbfs_confirmation(amager_plan, submission):
    from helhedsplan.reports.services import submission_answer

    stranger = UserFactory(password=None)
    with pytest.raises(ValidationError) as refusal:
        submission_answer(submission=submission, outcome="approved", comment="", actor=stranger)
    assert "Kun en person, som Landsbyggefonden har bekræftet" in refusal.value.messages[0]


def test_a_revoked_reviewer_no_longer_answers_nor_reads_through_the_grant(
    amager_plan, personas, lbf, lbf_admin, submission
):
    reviewer = personas.org_reviewer
    affiliation = Affiliation.objects.get(user=reviewer, organisation=lbf)
    affiliation_revoke(affiliation=affiliation, actor=lbf_admin)
    assert not access.plans_of(reviewer).filter(pk=amager_plan.pk).exists()
    response = client_for(reviewer).post(answer_url(amager_plan, submission), {"outcome": "approved"})
    assert response.status_code == 404


# --- The attack: a plan started in Landsbyggefonden's name ------------------------------------------------------


def new_plan_form(organisation: Organisation, **changes) -> dict[str, str]:
    return {
        "name": "Helhedsplan Nordhavn 2026-2029",
        "slug": "nordhavn-2026-2029",
        "area": "Nordhavn",
        "start_date": "2026-01-01",
        "end_date": "2029-12-31",
        "funding_period": "2019-2026",
        "organisation": str(organisation.pk),
        "predecessor": "",
        **changes,
    }


def test_a_coordinator_cannot_start_a_plan_in_lbfs_name(amager_plan, personas, lbf):
    ensure_standard_periods()
    before = snapshot()
    response = client_for(personas.coordinator).post(NEW_PLAN, new_plan_form(lbf))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "organisation": [
            "Du kan kun starte en plan for en organisation, der har bekræftet dig som en af sine folk."
        ]
    }
    assert snapshot() == before
    assert not Plan.objects.filter(slug="nordhavn-2026-2029").exists()


def test_lbf_is_an_invited_party_until_its_administrator_confirms(amager_plan, personas, lbf, lbf_admin):
    """A plan started for the coordinator's own organisation names LBF as an invited party: LBF's reviewers do not
    read it through their grant; LBF's administrator sees it apart in the portfolio and confirms it there."""
    ensure_standard_periods()
    own = personas.coordinator.memberships.get().organisation
    response = client_for(personas.coordinator).post(NEW_PLAN, new_plan_form(own))
    assert response.status_code == 302
    plan = Plan.objects.get(slug="nordhavn-2026-2029")
    assert set(plan.organisations.all()) == {own, lbf}
    assert set(PartyConfirmation.objects.filter(plan=plan).values_list("organisation", flat=True)) == {own.pk}

    reviewer = client_for(personas.org_reviewer)
    assert reviewer.get(plan.get_absolute_url()).status_code == 404
    assert plan.slug not in {
        row.plan.slug for row in reviewer.get(reverse("portfolio:list")).context["table"].data
    }
    # Nobody else is shown the invitation: only the administrators of the invited organisation.
    for user in (personas.org_reviewer, personas.coordinator, personas.outsider):
        assert client_for(user).get(reverse("portfolio:list")).context["invited"] == []

    admin = client_for(lbf_admin)
    portfolio = admin.get(reverse("portfolio:list"))
    assert [(p.plan.slug, p.organisation.short_name) for p in portfolio.context["invited"]] == [
        (plan.slug, "LBF")
    ]
    assert "Planer, der venter på din organisations bekræftelse" in portfolio.content.decode()
    confirm = reverse("party_confirm", kwargs={"short_name": "LBF", "slug": plan.slug})
    response = admin.post(confirm, {"next": reverse("portfolio:list")})
    assert (response.status_code, response["Location"]) == (302, reverse("portfolio:list"))
    assert admin.get(reverse("portfolio:list")).context["invited"] == []

    assert client_for(personas.org_reviewer).get(plan.get_absolute_url()).status_code == 200


def test_only_lbfs_administrator_confirms_lbfs_part(amager_plan, personas, lbf):
    ensure_standard_periods()
    own = personas.coordinator.memberships.get().organisation
    client_for(personas.coordinator).post(NEW_PLAN, new_plan_form(own))
    confirm = reverse("party_confirm", kwargs={"short_name": "LBF", "slug": "nordhavn-2026-2029"})
    before = snapshot()
    for user in (personas.coordinator, personas.org_reviewer, personas.reviewer, personas.outsider):
        assert client_for(user).post(confirm).status_code == 403
    assert snapshot() == before


# --- Confirming people -----------------------------------------------------------------------------------------


def test_a_person_asks_and_the_administrator_confirms(amager_plan, personas, lbf, lbf_admin):
    newcomer = UserFactory(username="ny-anmelder", password=None)
    client = client_for(newcomer)
    response = client.post(reverse("organisations"), {"organisation": lbf.pk})
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(user=newcomer, organisation=lbf)
    assert affiliation.state == Affiliation.State.REQUESTED
    # Asking twice is refused with a Danish message, and changes nothing.
    before = snapshot()
    again = client.post(reverse("organisations"), {"organisation": lbf.pk})
    assert again.status_code == 400
    assert again.context["form"].errors == {
        "organisation": ["Du har allerede spurgt; organisationens administratorer svarer."]
    }
    assert snapshot() == before

    page = client_for(lbf_admin).get(reverse("organisation", kwargs={"short_name": "LBF"}))
    assert [row.affiliation for row in page.context["page"].requested] == [affiliation]
    response = client_for(lbf_admin).post(
        reverse("affiliation_confirm", kwargs={"short_name": "LBF", "pk": affiliation.pk})
    )
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert (affiliation.state, affiliation.confirmed_by) == (Affiliation.State.CONFIRMED, lbf_admin)

    # Now a coordinator may invite him as LBF's reviewer in the plan, and his acceptance makes him one.
    import re

    response = client_for(personas.coordinator).post(
        reverse("member_add", kwargs={"plan": amager_plan.slug}),
        {"email": newcomer.email, "organisation": lbf.pk, "role": "reviewer"},
    )
    assert response.status_code == 302
    link = re.search(r"http://testserver(/konto/invitation/\S+/)", sent_mail()[-1].body).group(1)
    accepted = client.post(link, {"account": newcomer.pk})
    assert accepted.status_code == 302
    assert Membership.objects.get(plan=amager_plan, user=newcomer).role == Membership.Role.REVIEWER


def test_the_organisation_page_is_its_administrators_only(amager_plan, personas, lbf_admin):
    url = reverse("organisation", kwargs={"short_name": "LBF"})
    for user in (personas.coordinator, personas.reviewer, personas.org_reviewer, personas.outsider):
        assert client_for(user).get(url).status_code == 403
    assert client_for(lbf_admin).get(url).status_code == 200
    assert (
        client_for(lbf_admin).get(reverse("organisation", kwargs={"short_name": "NOPE"})).status_code == 404
    )


def test_the_last_administrator_stays_and_a_stranger_is_not_an_administrator(lbf, lbf_admin, personas):
    own = Affiliation.objects.get(user=lbf_admin, organisation=lbf)
    with pytest.raises(ValidationError) as refusal:
        affiliation_revoke(affiliation=own, actor=lbf_admin)
    assert refusal.value.messages == [
        "Organisationen skal beholde en administrator: udnævn en anden administrator først."
    ]
    with pytest.raises(PermissionDenied):
        affiliation_confirm(
            affiliation=AffiliationFactory(organisation=lbf, state=Affiliation.State.REQUESTED),
            actor=personas.coordinator,
        )


def test_the_administrator_gives_and_takes_the_reviewer_role_in_every_plan(amager_plan, lbf, lbf_admin):
    person = UserFactory(password=None)
    affiliation = AffiliationFactory(user=person, organisation=lbf)
    url = reverse("affiliation_grant", kwargs={"short_name": "LBF", "pk": affiliation.pk})
    assert client_for(lbf_admin).post(url, {"holds": "1"}).status_code == 302
    assert OrganisationGrant.objects.filter(organisation=lbf, users=person).exists()
    assert access.plans_of(person).filter(pk=amager_plan.pk).exists()
    assert client_for(lbf_admin).post(url, {"holds": "0"}).status_code == 302
    assert not access.plans_of(person).exists()


def test_a_grant_names_only_confirmed_people(lbf):
    grant, _made = OrganisationGrant.objects.get_or_create(
        organisation=lbf, role=OrganisationGrant.Role.REVIEWER
    )
    with pytest.raises(ValidationError) as refusal:
        grant.clean_many_to_many({"users": [UserFactory(username="fremmed", password=None)]})
    assert refusal.value.message_dict == {
        "users": ["Kun personer med en bekræftet tilknytning til LBF kan have dens rolle: fremmed."]
    }


def test_a_verified_address_in_a_declared_domain_is_affiliated(lbf, lbf_admin):
    """Only a verified address counts (``email_is_verified``: its owner followed a link sent to it)."""
    unverified = UserFactory(email="karin@lbf.dk", password=None)
    verified = UserFactory(email="boss@lbf.dk", password=None)
    VerifiedEmail.objects.create(user=verified, email="boss@lbf.dk")
    email_domain_add(organisation=lbf, domain="LBF.dk", actor=lbf_admin)
    assert not Affiliation.objects.filter(user=unverified).exists()
    assert Affiliation.objects.get(user=verified, organisation=lbf).state == Affiliation.State.CONFIRMED
    assert affiliations_from_verified_email(user=unverified, actor=None) == []


def test_a_bad_domain_is_refused_in_danish(lbf, lbf_admin):
    before = snapshot()
    response = client_for(lbf_admin).post(
        reverse("organisation", kwargs={"short_name": "LBF"}), {"domain": "@lbf"}
    )
    assert response.status_code == 400
    assert response.context["domain_form"].errors == {
        "domain": ["Angiv et domæne som lbf.dk, med små bogstaver og uden @."]
    }
    assert snapshot() == before


def test_the_organisation_page_reads_in_a_fixed_number_of_queries(
    amager_plan, lbf, lbf_admin, django_assert_num_queries
):
    client = client_for(lbf_admin)
    url = reverse("organisation", kwargs={"short_name": "LBF"})
    # 1 the session, 2 the user, 3 the organisation, 4 the administrator check, 5 its people with their users,
    # 6 who holds its reviewer role, 7 the plans awaiting its confirmation, 8 the plans it has confirmed, 9 its
    # e-mail domains.
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    AffiliationFactory.create_batch(5, organisation=lbf, state=Affiliation.State.REQUESTED)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["page"].requested) == 5


def test_my_organisations_reads_in_a_fixed_number_of_queries(lbf, lbf_admin, django_assert_num_queries):
    client = client_for(lbf_admin)
    # 1 the session, 2 the user, 3 the user's affiliations with their organisations, 4-5 the organisations to ask
    # (counted, then read, by the choice field).
    with django_assert_num_queries(5):
        assert client.get(reverse("organisations")).status_code == 200
    AffiliationFactory(user=lbf_admin, state=Affiliation.State.REQUESTED)
    with django_assert_num_queries(5):
        assert client.get(reverse("organisations")).status_code == 200
