"""A coordinator starts Amager's successor plan from Landsbyggefonden's template, copying its goals as drafts, lands
on the new plan's dashboard and adds an editor limited to one of its delaftaler — axe on every page."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.goals.models import Goal
from helhedsplan.plans.models import Invitation, Membership, Plan
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_creates_a_successor_plan_from_the_template(
    page, login, live_server, amager_plan, assert_no_axe_violations
):
    coordinator = login(page, make_personas(amager_plan).coordinator)
    page.goto(amager_plan.get_absolute_url())
    page.get_by_role("link", name="Ny helhedsplan, der afløser denne").click()
    expect(page.locator("h1")).to_have_text("Ny helhedsplan")
    # Amager is already chosen to copy from, the 2019-2026 period and the coordinator's organisation too.
    expect(page.locator("#id_predecessor")).to_have_value(amager_plan.slug)
    expect(page.locator("#id_funding_period")).to_have_value("2019-2026")
    assert_no_axe_violations(page)

    # A slug that is taken: the Danish message, the form kept.
    page.locator("#id_name").fill("Boligsocial helhedsplan Amager 2026-2029")
    page.locator("#id_slug").fill(amager_plan.slug)
    page.locator("#id_area").fill("Amager")
    page.locator("#id_start_date").fill("2026-01-01")
    page.locator("#id_end_date").fill("2029-12-31")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Der findes allerede en plan med denne korte adresse."
    )
    assert_no_axe_violations(page)

    page.locator("#id_slug").fill("amager-2026-2029")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/plan/amager-2026-2029/")
    expect(page.locator("h1")).to_have_text("Boligsocial helhedsplan Amager 2026-2029")
    expect(page.locator(".alert-success")).to_contain_text(
        "Planen er oprettet fra Landsbyggefondens skabelon."
    )
    expect(page.locator("main")).to_contain_text("Kladde: ")
    assert_no_axe_violations(page)

    plan = Plan.objects.get(slug="amager-2026-2029")
    assert plan.funding_period.code == "2019-2026"
    assert SubAgreement.objects.filter(plan=plan).count() == 4
    assert (
        Goal.objects.filter(sub_agreement__plan=plan).count()
        == Goal.objects.filter(sub_agreement__plan=amager_plan).count()
    )
    assert Membership.objects.get(plan=plan).user == coordinator

    # The new plan's first editor, limited to its employment delaftale, added by e-mail.
    limit = SubAgreement.objects.get(plan=plan, focus_area="employment")
    page.get_by_role("link", name="Medlemmer", exact=True).click()
    page.get_by_role("link", name="Tilføj et medlem").click()
    page.get_by_label("E-mailadresse").fill("ny.redaktoer@example.org")
    page.locator("#id_organisation").select_option(label="Københavns Kommune (KK)")
    page.locator("#id_role").select_option("editor")
    page.get_by_label(str(limit), exact=True).check()
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    # Adding a member invites them: the role starts when the holder of the address accepts.
    expect(page.locator(".alert-success, .messages")).to_contain_text(
        "Der er sendt en invitation til ny.redaktoer@example.org."
    )
    invitation = Invitation.objects.get(plan=plan, email="ny.redaktoer@example.org")
    assert (invitation.role, list(invitation.sub_agreements.all())) == ("editor", [limit])
    assert not Membership.objects.filter(plan=plan, user__email="ny.redaktoer@example.org").exists()
    expect(page.locator(f"#invitation-{invitation.pk}")).to_contain_text(str(limit))
    assert [message.to for message in mail.outbox] == [["ny.redaktoer@example.org"]]
    assert_no_axe_violations(page)
