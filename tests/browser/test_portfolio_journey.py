"""Landsbyggefonden's portfolio in Chromium: an administrator grants LBF's reviewers every plan LBF is a party to,
in the admin; a reviewer of LBF who is a member of no plan opens the portfolio from the home page, filters it to
the ended plans and opens one. axe-core on every page of the portfolio."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from helhedsplan.plans.models import Organisation, OrganisationGrant
from tests.plans.factories import AffiliationFactory, PlanFactory, UserFactory, confirmed_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_grants_lbf_and_its_reviewer_finds_the_ended_plan(
    page, login, amager_plan, assert_no_axe_violations
):
    lbf = Organisation.objects.get(short_name="LBF")
    today = datetime.date.today()
    running = PlanFactory(
        name="Helhedsplan Nordvest",
        area="Nordvest",
        municipality="Københavns Kommune",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(year=today.year + 3, month=12, day=31),
    )
    confirmed_party(running, lbf)  # LBF has confirmed its part in the plan
    administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True, password=None)
    reader = UserFactory(username="lbf-anmelder", first_name="Lise", last_name="Berg", password=None)
    AffiliationFactory(user=reader, organisation=lbf)  # LBF has confirmed her as one of its people

    # The administrator gives LBF's reviewers every plan LBF is a party to.
    login(page, administrator)
    page.goto("/admin/plans/organisationgrant/add/")
    page.locator("#id_organisation + .select2 .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("LBF")
    page.get_by_role("option", name="Landsbyggefonden (LBF)").click()
    page.locator("#id_users + .select2 .select2-search__field").fill("lbf-anm")
    page.get_by_role("option", name="lbf-anmelder").click()
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    grant = OrganisationGrant.objects.get(organisation=lbf)
    assert list(grant.users.all()) == [reader]

    # The reviewer opens the portfolio from the home page: both of LBF's plans.
    page.context.clear_cookies()
    login(page, reader)
    page.goto("/")
    page.get_by_role("link", name="Portefølje: alle planer i én tabel").click()
    expect(page.get_by_role("heading", name="Portefølje")).to_be_visible()
    table = page.locator("#portfolio")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("Nordvest")
    expect(table).to_contain_text("Amager")
    assert_no_axe_violations(page)

    # Filtered to the ended plans: Amager 2022–2025 alone.
    page.get_by_label("Fase").select_option(label="afsluttet")
    page.get_by_role("button", name="Filtrér").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Københavns Kommune")
    expect(table).to_contain_text("2022–2025")
    expect(page.locator("#portfolio-totals")).to_contain_text("31.200.000 kr.")
    assert_no_axe_violations(page)

    # A bad year is answered with the form's error, and no rows.
    page.get_by_label("Løber i året").fill("99999")
    page.get_by_role("button", name="Filtrér").click()
    expect(page.locator("#portfolio-filter")).to_contain_text("mindre end eller lig 2100")
    assert_no_axe_violations(page)

    # The plan opens: its dashboard, read as a reviewer.
    page.get_by_label("Løber i året").fill("")
    page.get_by_role("button", name="Filtrér").click()
    table.get_by_role("link", name="Amager").click()
    expect(page).to_have_url(re.compile(re.escape(amager_plan.get_absolute_url()) + "$"))
    expect(page.locator("header")).to_contain_text("Lise Berg · læser")
    assert_no_axe_violations(page)
