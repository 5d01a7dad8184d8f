"""A coordinator adds an editor by e-mail, limited to one delaftale, then makes them a reviewer — axe on every
page visited. The new user is sent the set-password mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.plans.models import Membership
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_adds_a_limited_editor_and_changes_their_role(
    page, login, live_server, amager_plan, assert_no_axe_violations
):
    coordinator = login(page, make_personas(amager_plan).coordinator)
    slug = amager_plan.slug
    party = amager_plan.organisations.order_by("short_name").first()
    limit = SubAgreement.objects.in_plan(amager_plan).order_by("pk").first()

    page.goto(reverse("overview:dashboard", kwargs={"plan": slug}))
    page.get_by_role("link", name="Medlemmer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medlemmer")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Tilføj et medlem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilføj et medlem")
    assert_no_axe_violations(page)
    page.get_by_label("E-mailadresse").fill("Lise.Jensen@Example.org")
    page.locator("#id_organisation").select_option(str(party.pk))
    page.locator("#id_role").select_option("editor")
    page.get_by_label(str(limit), exact=True).check()
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".alert-success, .messages")).to_contain_text("er tilføjet til planen som redaktør.")
    membership = Membership.objects.get(plan=amager_plan, user__email__iexact="lise.jensen@example.org")
    assert (membership.role, list(membership.sub_agreements.all())) == ("editor", [limit])
    row = page.locator(f"#member-{membership.pk}")
    expect(row).to_contain_text("Lise.Jensen@example.org")
    expect(row).to_contain_text(str(limit))
    expect(row).to_contain_text("redaktør")
    assert [message.to for message in mail.outbox] == [["Lise.Jensen@example.org"]]
    assert_no_axe_violations(page)

    # A reviewer cannot keep a delaftale limit: the page says so, and saves once it is cleared.
    row.get_by_role("link", name="Rediger").click()
    assert_no_axe_violations(page)
    page.locator("#id_role").select_option("reviewer")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Kun en redaktør kan begrænses til delaftaler.")
    assert_no_axe_violations(page)
    page.get_by_label(str(limit), exact=True).uncheck()
    page.locator("main form button[type=submit]").click()

    expect(page.locator(f"#member-{membership.pk}")).to_contain_text("læser")
    membership.refresh_from_db()
    assert (membership.role, list(membership.sub_agreements.all())) == ("reviewer", [])
    assert {record.history_user for record in membership.history.all()} == {coordinator}
    assert_no_axe_violations(page)

    # The new member follows the mail's link and chooses a password.
    page.context.clear_cookies()
    link = re.search(r"https?://[^/]+(/konto/ny-adgangskode/\S+)", mail.outbox[0].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vælg din adgangskode")
    assert_no_axe_violations(page)
    page.locator("#id_new_password1").fill("Solsikke-Amager-42")
    page.locator("#id_new_password2").fill("Solsikke-Amager-42")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din adgangskode er gemt")
    assert_no_axe_violations(page)
    membership.user.refresh_from_db()
    assert membership.user.check_password("Solsikke-Amager-42")
    page.goto(reverse("password_reset"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glemt din adgangskode?")
    assert_no_axe_violations(page)
