"""A coordinator invites a new editor by e-mail, limited to one delaftale; the invitation waits on the members
page; the invited person (an address in the party's e-mail domain, which vouches for her) follows the link in the
mail, chooses a password and lands in the plan with the limit given; the coordinator then makes them a reviewer — axe on every page visited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.plans.models import EmailDomain, Invitation, Membership
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_invites_an_editor_who_accepts_and_lands_in_the_plan(
    page, login, live_server, amager_plan, assert_no_axe_violations
):
    coordinator = login(page, make_personas(amager_plan).coordinator)
    slug = amager_plan.slug
    party = amager_plan.organisations.order_by("short_name").first()
    # The party vouches for the addresses of its e-mail domain: the role starts as soon as Lise has proved hers.
    EmailDomain.objects.create(organisation=party, domain="example.org")
    limit = SubAgreement.objects.in_plan(amager_plan).order_by("pk").first()

    page.goto(reverse("overview:dashboard", kwargs={"plan": slug}))
    page.get_by_role("link", name="Medlemmer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medlemmer")
    expect(page.locator("#no-invitations")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Tilføj et medlem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilføj et medlem")
    assert_no_axe_violations(page)
    page.get_by_label("E-mailadresse").fill("Lise.Jensen@example.org")
    page.locator("#id_organisation").select_option(str(party.pk))
    page.locator("#id_role").select_option("editor")
    page.get_by_label(str(limit), exact=True).check()
    page.locator("main form button[type=submit]").click()

    # Pending: no one has the role yet.
    expect(page.locator(".alert-success, .messages")).to_contain_text(
        "Der er sendt en invitation til Lise.Jensen@example.org."
    )
    invitation = Invitation.objects.get(plan=amager_plan)
    row = page.locator(f"#invitation-{invitation.pk}")
    expect(row).to_contain_text("Lise.Jensen@example.org")
    expect(row).to_contain_text("Afventer")
    expect(row).to_contain_text(str(limit))
    expect(row.get_by_role("button", name="Send igen")).to_be_visible()
    assert not Membership.objects.filter(
        plan=amager_plan, user__email__iexact="lise.jensen@example.org"
    ).exists()
    assert_no_axe_violations(page)

    # The invited person follows the link from the mail, signed in as no one, and chooses a password.
    page.context.clear_cookies()
    [message] = mail.outbox
    assert message.to == ["Lise.Jensen@example.org"]
    link = re.search(r"https?://[^/]+(/konto/invitation/\S+/)", message.body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invitation til {amager_plan.name}")
    expect(page.locator("#invitation-offer")).to_contain_text("som redaktør")
    assert_no_axe_violations(page)
    page.locator("#id_new_password1").fill("Solsikke-Amager-42")
    page.locator("#id_new_password2").fill("Solsikke-Amager-42")
    page.get_by_role("button", name="Opret kontoen og accepter").click()

    expect(page).to_have_url(
        re.compile(re.escape(reverse("overview:dashboard", kwargs={"plan": slug})) + "$")
    )
    expect(page.locator(".messages, .alert-success").first).to_contain_text(
        f"Velkommen til {amager_plan.name}"
    )
    assert_no_axe_violations(page)
    membership = Membership.objects.get(plan=amager_plan, user__email__iexact="lise.jensen@example.org")
    assert (membership.role, list(membership.sub_agreements.all())) == ("editor", [limit])
    assert membership.user.check_password("Solsikke-Amager-42")
    invitation.refresh_from_db()
    assert invitation.state == "accepted"

    # The coordinator sees the new member; a coordinator cannot keep a delaftale limit: the page says so.
    page.context.clear_cookies()
    login(page, coordinator)
    page.goto(reverse("members", kwargs={"plan": slug}))
    expect(page.locator("#no-invitations")).to_be_visible()
    member_row = page.locator(f"#member-{membership.pk}")
    expect(member_row).to_contain_text("redaktør")
    member_row.get_by_role("link", name="Rediger").click()
    page.locator("#id_role").select_option("coordinator")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Kun en redaktør kan begrænses til delaftaler.")
    assert_no_axe_violations(page)
    page.get_by_label(str(limit), exact=True).uncheck()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(f"#member-{membership.pk}")).to_contain_text("koordinator")
    membership.refresh_from_db()
    assert (membership.role, list(membership.sub_agreements.all())) == ("coordinator", [])
