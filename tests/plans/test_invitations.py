"""Adding a member by e-mail is an invitation (issue 19): the role starts only when whoever holds the invited
mailbox follows the mailed link and accepts — by making an account, or signed in to one they choose. The attacks
that found the old way wanting are here, through the views and the admin: the prepared account, the silent
attach of an existing account, the mail that failed, the unthrottled set-password mails."""

from __future__ import annotations

import datetime
import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.mail.backends.base import BaseEmailBackend
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.plans.models import EmailDomain, Invitation, Membership, VerifiedEmail, email_is_verified
from helhedsplan.plans.services import (
    SiteAddress,
    invitation_accept,
    invitation_create,
    invitation_withdraw,
)
from tests.admin.page_fixtures import change_page_data
from tests.plans.factories import AffiliationFactory, InvitationFactory, UserFactory
from tests.world import client_for, commit_pending, sent_mail, snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()
SITE = SiteAddress(domain="testserver", use_https=False)
STRANGER = "Stranger@Example.org"
PASSWORD = "Solsikke-Amager-42"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def members_url(plan) -> str:
    return reverse("members", kwargs={"plan": plan.slug})


def party_of(plan, user):
    return Membership.objects.get(plan=plan, user=user).organisation


def invite(client, plan, email, party, role="coordinator", sub_agreements=()):
    return client.post(
        reverse("member_add", kwargs={"plan": plan.slug}),
        {"email": email, "organisation": party.pk, "role": role, "sub_agreements": list(sub_agreements)},
        follow=True,
    )


def link_in(message) -> str:
    return re.search(r"http://testserver(/konto/invitation/\S+/)", message.body).group(1)


def user_page_data(client, url) -> dict:
    """The user's change page posted back unchanged (its date and time in the widget's two fields)."""
    data = change_page_data(client.get(url))
    joined = timezone.localtime(data.pop("date_joined"))
    return {**data, "date_joined_0": joined.date().isoformat(), "date_joined_1": joined.strftime("%H:%M:%S")}


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The attacks ------------------------------------------------------------------------------------------------


def test_an_account_prepared_with_a_strangers_address_never_catches_the_role(amager_plan, personas):
    """A staff coordinator of another plan prepares an account with a stranger's address and his own password;
    Amager's coordinator then adds that address as coordinator. The preparer must not get the role."""
    plan = amager_plan
    preparer = personas.other_plan_coordinator
    preparer.is_staff = True
    preparer.save(update_fields=["is_staff"])
    admin = client_for(preparer)
    users = User.objects.count()

    # He may no longer make a user (and so set its password) in the admin …
    made = admin.post(
        reverse("admin:auth_user_add"),
        {"username": "fanget", "password1": "Preparer-Secret-77", "password2": "Preparer-Secret-77"},
    )
    assert made.status_code == 403
    assert User.objects.count() == users
    # … so he gives his own account the stranger's address, which he may: it is unverified.
    change = reverse("admin:auth_user_change", args=[preparer.pk])
    own = admin.post(change, {**user_page_data(admin, change), "email": STRANGER})
    assert own.status_code == 302, own.context["adminform"].form.errors if own.context else own
    preparer.refresh_from_db()
    assert preparer.email.lower() == STRANGER.lower() and not email_is_verified(preparer)

    response = invite(
        client_for(personas.coordinator), plan, STRANGER.lower(), party_of(plan, personas.coordinator)
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(plan=plan, user=preparer).exists()
    assert client_for(preparer).get(plan.get_absolute_url()).status_code == 404
    [message] = sent_mail()
    assert message.to == ["stranger@example.org"]  # the link goes to the mailbox, not to his account
    # Signed in as himself, a link without the token is refused and changes nothing.
    before = snapshot()
    guess = client_for(preparer).post(
        reverse("invitation_accept", kwargs={"token": "gaet"}), {"account": preparer.pk}
    )
    assert guess.status_code == 404
    assert "Invitationslinket er ikke gyldigt." in guess.content.decode()
    assert snapshot() == before


def test_a_staff_coordinator_sets_neither_another_users_password_nor_email(amager_plan, personas):
    coordinator = personas.coordinator
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    member = personas.editor  # a member of his plan only
    admin = client_for(coordinator)

    page = admin.get(reverse("admin:auth_user_change", args=[member.pk]))
    password = admin.get(reverse("admin:auth_user_password_change", args=[member.pk]))
    posted = admin.post(
        reverse("admin:auth_user_password_change", args=[member.pk]),
        {"password1": "Preparer-Secret-77", "password2": "Preparer-Secret-77"},
    )

    assert page.status_code == 200
    assert "email" not in page.context["adminform"].form.fields
    assert (password.status_code, posted.status_code) == (403, 403)
    member.refresh_from_db()
    assert not member.check_password("Preparer-Secret-77")
    # His own password he still changes.
    assert admin.get(reverse("admin:auth_user_password_change", args=[coordinator.pk])).status_code == 200


def test_a_superuser_who_sets_an_address_vouches_for_it(personas):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, password=None)
    user = UserFactory(username="ny-bruger", email="", password=None)

    root_client = client_for(root)
    change = reverse("admin:auth_user_change", args=[user.pk])
    response = root_client.post(
        change, {**user_page_data(root_client, change), "email": "Ny.Bruger@Example.org"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert email_is_verified(user)
    # Changed by anyone afterwards, it is no longer the address proved.
    user.email = "andet@example.org"
    user.save()
    assert not email_is_verified(user)


@pytest.mark.parametrize("who", ["member_of_nothing", "superuser"])
def test_inviting_an_existing_accounts_address_attaches_nothing_and_reveals_nothing(
    amager_plan, personas, who
):
    plan, coordinator = amager_plan, personas.coordinator
    existing = UserFactory(
        username="hemmelig-konto", email="kendt@example.org", is_superuser=who == "superuser", password=None
    )
    VerifiedEmail.objects.create(user=existing, email=existing.email)
    client = client_for(coordinator)
    party = party_of(plan, coordinator)

    known = invite(client, plan, "Kendt@Example.org", party, role="editor")
    unknown = invite(client, plan, "ukendt@example.org", party, role="editor")

    assert not Membership.objects.filter(user=existing).exists()
    html = known.content.decode()
    assert "hemmelig-konto" not in html
    # The same words for an address with an account as for one without.
    assert texts(known) == [
        "Der er sendt en invitation til Kendt@Example.org. Rollen begynder, når den er accepteret."
    ]
    assert texts(unknown) == [
        "Der er sendt en invitation til ukendt@example.org. Rollen begynder, når den er accepteret."
    ]
    assert [row.email for row in known.context["invitations"]] == ["Kendt@Example.org"]
    assert [m.to for m in sent_mail()] == [["Kendt@Example.org"], ["ukendt@example.org"]]


def test_a_failed_mail_is_shown_with_send_again_and_sent_again(amager_plan, personas, settings):
    """The mail goes after the commit (a background task): with the mail server down it is retried a bounded
    number of times, then shown failed on the members page with "Send igen"; sending again with the server back
    mails a new link once."""
    plan, coordinator = amager_plan, personas.coordinator
    client = client_for(coordinator)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    invite(client, plan, "ny@example.org", party_of(plan, coordinator), role="editor")
    assert sent_mail() == []  # the task ran after the commit, and every attempt failed

    invitation = Invitation.objects.select_related("mail").get(plan=plan, email="ny@example.org")
    assert invitation.state == "pending" and invitation.last_sent_at
    assert invitation.mail_failed and invitation.mail.attempts == settings.MAIL_MAX_ATTEMPTS
    # The record of a mail with a secret link forgets the link once given up.
    assert invitation.mail.text == "" and invitation.mail.html == ""
    page = client.get(members_url(plan))
    row = re.search(rf'<tr id="invitation-{invitation.pk}">.*?</tr>', page.content.decode(), re.S).group(0)
    assert "E-mailen kunne ikke sendes" in row and "Send igen" in row
    assert not Membership.objects.filter(plan=plan, user__email__iexact="ny@example.org").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resend = reverse("invitation_resend", kwargs={"plan": plan.slug, "pk": invitation.pk})
    again = client.post(resend, follow=True)
    assert texts(again) == [
        "Der er sendt en invitation til ny@example.org. Rollen begynder, når den er accepteret."
    ]
    [message] = sent_mail()
    assert message.to == ["ny@example.org"]

    invitation.refresh_from_db()
    assert not invitation.mail_failed and invitation.mail.status == "sent"
    assert "E-mailen kunne ikke sendes" not in client.get(members_url(plan)).content.decode()


def test_a_mail_the_server_already_refused_is_said_at_once(amager_plan, personas, settings):
    """Where the mail is tried before the answer (no background worker: development's immediate backend, run
    in the request after the commit), a failure is said on the spot, not only on the members page."""
    from helhedsplan.plans import views

    plan, coordinator = amager_plan, personas.coordinator
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    # The service as the request runs it, with its after-commit work done before the message is chosen.
    invitation = invitation_create(
        plan=plan,
        data={"email": "ny@example.org", "organisation": party_of(plan, coordinator), "role": "editor"},
        site=SITE,
        actor=coordinator,
    )
    commit_pending()
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    views.invitation_sent_message(request, invitation)
    [said] = list(request._messages)
    assert said.level_tag == "error" and "kunne ikke sendes" in str(said)


def test_set_password_mails_are_throttled_per_address(db, settings):
    UserFactory(username="karen", email="karen@example.org")
    visitor = client_for(None)
    answers = [visitor.post(reverse("password_reset"), {"email": "Karen@example.org"}) for _ in range(20)]

    allowed = settings.MAIL_THROTTLE_PER_ADDRESS
    assert [a.status_code for a in answers] == [302] * allowed + [200] * (20 - allowed)
    assert answers[-1].context["form"].non_field_errors() == [
        "Der er bedt om for mange e-mails til denne adresse eller af dig inden for den seneste time. Intet er "
        "sendt; prøv igen om en time."
    ]
    assert len(sent_mail()) == allowed
    # An address without an account is counted and refused alike: the refusal tells nothing about accounts.
    nobody = [
        visitor.post(reverse("password_reset"), {"email": "ingen@example.org"}) for _ in range(allowed + 1)
    ]
    assert [a.status_code for a in nobody][-1] == 200


def test_invitation_mails_are_throttled_per_sender(amager_plan, personas, settings):
    plan, coordinator = amager_plan, personas.coordinator
    settings.MAIL_THROTTLE_PER_SENDER = 3
    client = client_for(coordinator)
    party = party_of(plan, coordinator)

    for number in range(3):
        invite(client, plan, f"person{number}@example.org", party, role="reviewer")
    before = snapshot()
    refused = client.post(
        reverse("member_add", kwargs={"plan": plan.slug}),
        {"email": "person9@example.org", "organisation": party.pk, "role": "reviewer"},
    )

    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()[0].startswith("Der er bedt om for mange e-mails")
    assert snapshot() == before
    assert len(sent_mail()) == 3


# --- Accepting --------------------------------------------------------------------------------------------------


def test_the_invited_person_makes_an_account_and_lands_in_the_plan_with_the_limits(amager_plan, personas):
    plan, coordinator = amager_plan, personas.coordinator
    limit = SubAgreement.objects.in_plan(plan).order_by("pk").first()
    # The party vouches for the verified addresses of its domain: following the link proves Lise's.
    EmailDomain.objects.create(organisation=party_of(plan, coordinator), domain="example.org")
    invite(
        client_for(coordinator), plan, "Lise@Example.org", party_of(plan, coordinator), "editor", [limit.pk]
    )
    [message] = sent_mail()
    assert message.subject == f"Du er inviteret til {plan.name} i Helhedsplan"
    assert "som redaktør for" in message.body
    link = link_in(message)
    visitor = client_for(None)

    page = visitor.get(link)
    weak = visitor.post(link, {"new_password1": "abc", "new_password2": "abc"})
    done = visitor.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True)

    assert page.status_code == 200 and "Ny her: vælg en adgangskode" in page.content.decode()
    assert weak.status_code == 200 and weak.context["form"].errors
    assert done.redirect_chain[-1][0] == plan.get_absolute_url()
    user = User.objects.get(email__iexact="lise@example.org")
    assert user.check_password(PASSWORD) and email_is_verified(user)
    membership = Membership.objects.get(plan=plan, user=user)
    assert (membership.role, list(membership.sub_agreements.all())) == ("editor", [limit])
    assert Invitation.objects.get(plan=plan).state == "accepted"
    # The link works once.
    again = client_for(None).get(link)
    assert again.status_code == 410
    assert "Invitationen er allerede accepteret." in again.content.decode()


def test_the_holder_of_a_verified_account_logs_in_and_accepts(amager_plan, personas):
    plan = amager_plan
    owner = UserFactory(username="ejer", email="ejer@example.org", password=None)
    VerifiedEmail.objects.create(user=owner, email="EJER@example.org")
    invitation = InvitationFactory(plan=plan, email="ejer@example.org", role="editor")
    AffiliationFactory(user=owner, organisation=invitation.organisation)
    link = reverse("invitation_accept", kwargs={"token": invitation.token})
    client = client_for(owner)

    page = client.get(link)
    assert "another-account" not in page.content.decode()
    assert not Membership.objects.filter(user=owner).exists()  # nothing on GET
    response = client.post(link, {"account": owner.pk})

    assert response["Location"] == plan.get_absolute_url()
    assert Membership.objects.get(plan=plan, user=owner).role == "editor"


def test_signed_in_as_another_account_the_page_asks_and_never_attaches_silently(amager_plan, personas):
    plan = amager_plan
    other = UserFactory(username="anden", email="anden@example.org", password=None)
    invitation = InvitationFactory(plan=plan, email="inviteret@example.org", role="editor")
    AffiliationFactory(user=other, organisation=invitation.organisation)
    link = reverse("invitation_accept", kwargs={"token": invitation.token})
    client = client_for(other)
    before = snapshot()

    page = client.get(link).content.decode()
    unanswered = client.post(link, {})
    asked_of_another = client.post(link, {"account": personas.coordinator.pk})

    assert (
        "Du er logget ind som anden, en konto hvis bekræftede e-mailadresse ikke er den inviterede." in page
    )
    assert "Log ud og brug en anden konto" in page
    assert unanswered.status_code == asked_of_another.status_code == 302
    assert unanswered["Location"] == link
    assert snapshot() == before
    # Chosen on purpose, it is this account's.
    client.post(link, {"account": other.pk})
    assert Membership.objects.get(plan=plan, user=other).role == "editor"


@pytest.mark.parametrize("case", ["expired", "withdrawn", "accepted", "tampered"])
def test_a_link_that_no_longer_works_is_refused_in_danish_and_changes_nothing(amager_plan, personas, case):
    plan = amager_plan
    invitation = InvitationFactory(plan=plan, email="inviteret@example.org")
    token = invitation.token
    if case == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(days=1)
        )
    elif case == "withdrawn":
        invitation_withdraw(invitation=invitation, actor=personas.coordinator)
    elif case == "accepted":
        accepting = AffiliationFactory(organisation=invitation.organisation).user
        invitation_accept(invitation=invitation, user=accepting, actor=None)
    else:
        token = token[:-1] + ("x" if token[-1] != "x" else "y")
    link = reverse("invitation_accept", kwargs={"token": token})
    before, users = snapshot(), User.objects.count()

    answers = [
        client_for(None).get(link),
        client_for(None).post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}),
        client_for(personas.outsider).post(link, {"account": personas.outsider.pk}),
    ]

    expected = {
        "expired": "Invitationen er udløbet. Bed planens koordinator om at sende den igen.",
        "withdrawn": "Invitationen er trukket tilbage. Bed planens koordinator om en ny.",
        "accepted": "Invitationen er allerede accepteret. Log ind for at komme til planen.",
        "tampered": "Invitationslinket er ikke gyldigt. Tjek, at hele linket fra e-mailen er brugt.",
    }[case]
    for answer in answers:
        assert answer.status_code == (404 if case == "tampered" else 410)
        assert expected in answer.content.decode()
    assert (snapshot(), User.objects.count()) == (before, users)


def test_resend_gives_a_new_link_and_the_old_one_stops_working(amager_plan, personas):
    plan, coordinator = amager_plan, personas.coordinator
    invite(client_for(coordinator), plan, "ny@example.org", party_of(plan, coordinator), role="editor")
    first = link_in(sent_mail()[0])
    invitation = Invitation.objects.get(plan=plan)

    client_for(coordinator).post(
        reverse("invitation_resend", kwargs={"plan": plan.slug, "pk": invitation.pk})
    )

    second = link_in(sent_mail()[1])
    assert first != second
    assert client_for(None).get(first).status_code == 404
    assert client_for(None).get(second).status_code == 200


def test_a_coordinator_withdraws_a_pending_invitation(amager_plan, personas):
    plan, coordinator = amager_plan, personas.coordinator
    invitation = InvitationFactory(plan=plan, email="ny@example.org")
    url = reverse("invitation_withdraw", kwargs={"plan": plan.slug, "pk": invitation.pk})

    page = client_for(coordinator).get(url)
    response = client_for(coordinator).post(url, follow=True)

    assert "Vil du trække invitationen til ny@example.org tilbage?" in page.content.decode()
    assert texts(response) == ["Invitationen til ny@example.org er trukket tilbage."]
    invitation.refresh_from_db()
    assert invitation.state == "withdrawn"
    assert "no-invitations" in response.content.decode()
    # Withdrawn twice: refused with a message, nothing changed.
    before = snapshot()
    again = client_for(coordinator).post(url, follow=True)
    assert texts(again) == ["Kun en ventende invitation kan trækkes tilbage."]
    assert snapshot() == before


def test_a_second_pending_invitation_to_the_same_address_is_refused(amager_plan, personas):
    plan, coordinator = amager_plan, personas.coordinator
    party = party_of(plan, coordinator)
    invitation_create(
        plan=plan,
        data={"email": "ny@example.org", "organisation": party, "role": "editor"},
        site=SITE,
        actor=coordinator,
    )
    before = snapshot()

    response = client_for(coordinator).post(
        reverse("member_add", kwargs={"plan": plan.slug}),
        {"email": "NY@example.org", "organisation": party.pk, "role": "reviewer"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [
            "Der venter allerede en invitation til planen til denne adresse. Send den igen fra siden Medlemmer, "
            "eller træk den tilbage først."
        ]
    }
    assert snapshot() == before


def test_following_a_set_password_link_verifies_the_address(db):
    user = UserFactory(username="karen", email="karen@example.org", password=None)
    visitor = client_for(None)
    visitor.post(reverse("password_reset"), {"email": "karen@example.org"})
    link = re.search(r"http://testserver(/konto/ny-adgangskode/\S+)", sent_mail()[0].body).group(1)
    form = visitor.get(link, follow=True)

    assert not email_is_verified(user)
    visitor.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})

    user.refresh_from_db()
    assert email_is_verified(user)


def test_an_accepting_member_already_in_the_plan_is_refused_and_nothing_changes(amager_plan, personas):
    plan = amager_plan
    invitation = InvitationFactory(plan=plan, email="inviteret@example.org")
    member = personas.editor
    link = reverse("invitation_accept", kwargs={"token": invitation.token})
    before = snapshot()

    response = client_for(member).post(link, {"account": member.pk})

    assert response.status_code == 200
    assert "Brugeren er allerede medlem af planen." in response.content.decode()
    assert snapshot() == before
