"""Members kept in the app (issue 10): a coordinator sets the role and the delaftale limit, changes or removes
the membership; the plan always keeps a coordinator; every change is in the membership's history. Adding someone
by e-mail is an invitation (tests/plans/test_invitations.py). Who may open the pages is walked in
tests/test_every_url.py."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.plans.models import Invitation, Membership, Organisation
from helhedsplan.plans.services import (
    membership_delete,
    membership_update,
)
from tests.plans.factories import (
    AffiliationFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.world import sent_mail

pytestmark = pytest.mark.django_db

User = get_user_model()
LAST_COORDINATOR = "Planen skal have en koordinator: gør først en anden til koordinator."


def members_url(plan) -> str:
    return reverse("members", kwargs={"plan": plan.slug})


def add_url(plan) -> str:
    return reverse("member_add", kwargs={"plan": plan.slug})


def messages_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def party_of(plan, user) -> Organisation:
    """The party ``user`` is a member of ``plan`` for: the Amager personas' is TMF."""
    return Membership.objects.get(plan=plan, user=user).organisation


def data(party, role=Membership.Role.EDITOR, sub_agreements=()) -> dict:
    return {"organisation": party, "role": role, "sub_agreements": list(sub_agreements)}


# --- Services ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Membership.Role.COORDINATOR, Membership.Role.REVIEWER])
def test_only_an_editor_is_limited_to_sub_agreements(amager_plan, personas, role):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    limit = SubAgreement.objects.in_plan(plan).first()
    editor = Membership.objects.get(plan=plan, user=personas.editor)  # of the whole plan
    AffiliationFactory(user=personas.editor, organisation=party)  # a reviewer speaks for it: confirmed by it

    with pytest.raises(ValidationError) as refusal:
        membership_update(
            membership=editor,
            data=data(party, role, [limit]),
            expected_lock_version=editor.lock_version,
            actor=coordinator,
        )

    assert refusal.value.message_dict == {"sub_agreements": ["Kun en redaktør kan begrænses til delaftaler."]}
    editor.refresh_from_db()
    assert editor.role == Membership.Role.EDITOR
    assert not editor.sub_agreements.exists()


def test_the_last_coordinator_is_neither_demoted_nor_removed(amager_plan, personas):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    membership = Membership.objects.get(plan=plan, user=coordinator)

    with pytest.raises(ValidationError) as demoted:
        membership_update(
            membership=membership,
            data=data(party, Membership.Role.EDITOR),
            expected_lock_version=membership.lock_version,
            actor=coordinator,
        )
    membership.refresh_from_db()
    with pytest.raises(ValidationError) as removed:
        membership_delete(membership=membership, actor=coordinator)

    assert demoted.value.message_dict == {"role": [LAST_COORDINATOR]}
    assert messages_of(removed.value) == [LAST_COORDINATOR]
    membership.refresh_from_db()
    assert membership.role == Membership.Role.COORDINATOR
    assert membership.history.count() == 1  # only its creation


def test_with_a_second_coordinator_the_first_may_step_down_and_every_change_is_in_history(
    amager_plan, personas
):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    membership = Membership.objects.get(plan=plan, user=coordinator)
    second = MembershipFactory(plan=plan, organisation=party, role=Membership.Role.COORDINATOR)
    limit = SubAgreement.objects.in_plan(plan).order_by("pk").first()
    pk = membership.pk

    membership_update(
        membership=membership,
        data=data(party, Membership.Role.EDITOR, [limit]),
        expected_lock_version=membership.lock_version,
        actor=second.user,
    )
    membership_delete(membership=membership, actor=second.user)

    records = Membership.history.filter(id=pk).order_by("history_date", "history_id")
    first, *changes, deletion = records
    assert (first.history_type, first.role, first.history_user) == ("+", "coordinator", None)
    # The update is recorded (the row, then its delaftale limit), then the delete: each naming who did it.
    assert [(r.history_type, r.role, r.history_user) for r in changes] == [
        ("~", "editor", second.user)
    ] * len(changes)
    assert [link.subagreement for link in changes[-1].sub_agreements.all()] == [limit]
    assert (deletion.history_type, deletion.history_user) == ("-", second.user)
    assert not Membership.objects.filter(pk=pk).exists()


# --- Pages ------------------------------------------------------------------------------------------------------


def test_the_add_page_refuses_bad_input_with_danish_messages(amager_plan, personas, client_for, other_plan):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    client = client_for(coordinator)
    foreign = SubAgreement.objects.in_plan(other_plan).first()
    users, memberships = User.objects.count(), Membership.objects.count()

    twice = client.post(
        add_url(plan), {"email": coordinator.email, "organisation": party.pk, "role": "reviewer"}
    )
    invalid = client.post(add_url(plan), {"email": "lise@", "organisation": party.pk, "role": "reviewer"})
    foreign_limit = client.post(
        add_url(plan),
        {
            "email": "lise@example.org",
            "organisation": party.pk,
            "role": "editor",
            "sub_agreements": [foreign.pk],
        },
    )
    limited_reviewer = client.post(
        add_url(plan),
        {
            "email": "lise@example.org",
            "organisation": party.pk,
            "role": "coordinator",
            "sub_agreements": [SubAgreement.objects.in_plan(plan).first().pk],
        },
    )
    not_a_party = client.post(
        add_url(plan),
        {"email": "lise@example.org", "organisation": OrganisationFactory().pk, "role": "editor"},
    )

    assert twice.status_code == 200
    assert twice.context["form"].errors == {
        "email": ["Et medlem af planen har allerede denne e-mailadresse."]
    }
    assert invalid.context["form"].errors == {"email": ["Indtast en gyldig e-mail-adresse."]}
    assert foreign_limit.context["form"].errors == {
        "sub_agreements": ["En begrænsning kan kun nævne delaftaler i denne plan."]
    }
    assert limited_reviewer.context["form"].errors == {
        "sub_agreements": ["Kun en redaktør kan begrænses til delaftaler."]
    }
    assert not_a_party.context["form"].errors == {"organisation": ["Vælg en af planens parter."]}
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert not Invitation.objects.exists()
    assert sent_mail() == []


def test_the_edit_page_changes_the_role_and_refuses_to_demote_the_last_coordinator(
    amager_plan, personas, client_for
):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    client = client_for(coordinator)
    editor = Membership.objects.get(plan=plan, user=personas.editor)
    own = Membership.objects.get(plan=plan, user=coordinator)

    def edit(membership, role):
        url = reverse("member_update", kwargs={"plan": plan.slug, "pk": membership.pk})
        return client.post(
            url, {"organisation": party.pk, "role": role, "lock_version": membership.lock_version}
        )

    promoted = edit(editor, "coordinator")
    demoted = edit(own, "reviewer")

    assert promoted.status_code == 302
    assert promoted["Location"] == members_url(plan)
    editor.refresh_from_db()
    assert editor.role == "coordinator"
    assert demoted.status_code == 302  # there are two coordinators now
    # … and back to the plan, whose members' pages the former coordinator may no longer open.
    assert demoted["Location"] == plan.get_absolute_url()
    own.refresh_from_db()
    assert own.role == "reviewer"
    # The former coordinator is now a reviewer, and so refused the members' pages.
    assert client.get(members_url(plan)).status_code == 403
    refused = client_for(editor.user).post(
        reverse("member_update", kwargs={"plan": plan.slug, "pk": editor.pk}),
        {"organisation": party.pk, "role": "editor", "lock_version": editor.lock_version},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"role": [LAST_COORDINATOR]}
    editor.refresh_from_db()
    assert editor.role == "coordinator"


def test_removing_the_last_coordinator_is_refused_on_the_page(amager_plan, personas, client_for):
    plan, coordinator = amager_plan, personas.coordinator
    own = Membership.objects.get(plan=plan, user=coordinator)
    url = reverse("member_delete", kwargs={"plan": plan.slug, "pk": own.pk})

    response = client_for(coordinator).post(url, follow=True)

    assert response.redirect_chain[-1][0] == members_url(plan)
    assert LAST_COORDINATOR in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_removing_a_member_links_to_its_history(amager_plan, personas, client_for):
    plan, coordinator = amager_plan, personas.coordinator
    reviewer = Membership.objects.get(plan=plan, user=personas.reviewer)
    url = reverse("member_delete", kwargs={"plan": plan.slug, "pk": reviewer.pk})
    client = client_for(coordinator)

    page = client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert f"Vil du fjerne {reviewer.user.username} (læser) fra planen?" in page
    assert f"Medlemskabet for {reviewer.user.username} er slettet." in response.content.decode()
    assert not Membership.objects.filter(pk=reviewer.pk).exists()
    history = reverse(
        "history",
        kwargs={"plan": plan.slug, "app_label": "plans", "model_name": "membership", "pk": reviewer.pk},
    )
    assert client.get(history).status_code == 200


def test_the_plan_menu_links_to_the_members_for_coordinators_only(amager_plan, personas, client_for):
    link = f'href="{members_url(amager_plan)}"'
    dashboard = reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})

    assert link in client_for(personas.coordinator).get(dashboard).content.decode()
    for role in ("editor", "limited_editor", "reviewer"):
        assert link not in client_for(personas[role]).get(dashboard).content.decode()


def _members_page_queries(client, plan) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(members_url(plan)).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_members_page_reads_as_much_for_few_members_as_for_many(amager_plan, personas, client_for):
    """The Amager plan's four members and one invitation, and twelve more of each."""
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    client = client_for(coordinator)
    limits = list(SubAgreement.objects.in_plan(plan))

    InvitationFactory(plan=plan, organisation=party)
    one = _members_page_queries(client, plan)
    for number in range(12):
        InvitationFactory(plan=plan, organisation=party, sub_agreements=limits[: number % 3])
        MembershipFactory(
            plan=plan,
            organisation=party,
            role=Membership.Role.EDITOR,
            sub_agreements=limits[: number % 3],
            user=UserFactory(first_name=f"Navn {number}", password=None),
        )
    many = _members_page_queries(client, plan)

    # 1 the session, 2 the user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is
    # limited to (the permission, cached for the request), 5 the members with their users, organisations and
    # plan, 6 the members' delaftale limits, 7 the pending invitations with their organisations and inviters,
    # 8 their delaftale limits.
    assert len(one) == len(many) == 8, "\n".join(many)
    assert "Navn 11" in client.get(members_url(plan)).content.decode()


def test_the_admin_keeps_the_last_coordinator_too(amager_plan, personas, client_for):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    own = Membership.objects.get(plan=plan, user=coordinator)
    admin = client_for(UserFactory(username="root", is_staff=True, is_superuser=True, password=None))
    change = reverse("admin:plans_membership_change", args=[own.pk])

    demoted = admin.post(
        change,
        {
            "user": coordinator.pk,
            "plan": plan.pk,
            "organisation": party.pk,
            "role": "reviewer",
            "lock_version": own.lock_version,
        },
    )

    assert demoted.status_code == 200
    assert LAST_COORDINATOR in demoted.content.decode()
    assert admin.get(reverse("admin:plans_membership_delete", args=[own.pk])).status_code == 403
    own.refresh_from_db()
    assert own.role == "coordinator"


def test_forgot_password_sends_the_danish_reset_mail(client_for):
    UserFactory(username="karen", email="karen@example.org")
    visitor = client_for(None)

    assert "Glemt din adgangskode?" in visitor.get(reverse("login")).content.decode()
    response = visitor.post(reverse("password_reset"), {"email": "Karen@example.org"}, follow=True)

    assert "Se i din e-mail" in response.content.decode()
    [message] = sent_mail()
    assert message.subject == "Vælg en ny adgangskode til Helhedsplan"
    assert "Dit brugernavn er: karen" in message.body
    assert "/konto/ny-adgangskode/" in message.body


def test_an_admin_inline_row_cannot_delete_the_last_coordinator(amager_plan, personas):
    from django.forms.models import inlineformset_factory

    from helhedsplan.plans.admin import KeepsACoordinator

    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    own = Membership.objects.get(plan=plan, user=coordinator)
    rows = inlineformset_factory(
        User, Membership, formset=KeepsACoordinator, fields=["role"], fk_name="user", extra=0
    )
    post = {
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(own.pk),
        "memberships-0-user": str(coordinator.pk),
        "memberships-0-role": "coordinator",
        "memberships-0-DELETE": "on",
    }

    formset = rows(post, instance=coordinator, prefix="memberships")

    assert not formset.is_valid()
    assert formset.non_form_errors() == [LAST_COORDINATOR]
    # With a second coordinator the row may go.
    MembershipFactory(plan=plan, organisation=party, role=Membership.Role.COORDINATOR)
    assert rows(post, instance=coordinator, prefix="memberships").is_valid()


def test_a_coordinator_who_removes_themselves_is_sent_to_their_plans(amager_plan, personas, client_for):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    MembershipFactory(plan=plan, organisation=party, role=Membership.Role.COORDINATOR)
    own = Membership.objects.get(plan=plan, user=coordinator)
    client = client_for(coordinator)

    response = client.post(reverse("member_delete", kwargs={"plan": plan.slug, "pk": own.pk}))

    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert client.get(members_url(plan)).status_code == 404
