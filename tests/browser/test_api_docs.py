"""The API's docs page in Chromium: Swagger UI comes from our own static files and works under the CSP (the
``page`` fixture fails the test on any CSP breach or JavaScript error), and a signed-in user can try the API."""

import re

import pytest
from playwright.sync_api import expect

from tests.plans.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_tries_the_api_with_the_session(page, login):
    user = UserFactory(username="kommune")
    membership = MembershipFactory(user=user)
    login(page, user)

    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="Helhedsplan API")).to_be_visible()
    operation = page.locator("#operations-plans-helhedsplan_api_api_plan_list")
    operation.locator("button.opblock-summary-control").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    body = operation.locator(".responses-wrapper .live-responses-table .response-col_description pre").first
    expect(body).to_contain_text(membership.plan.slug)


def test_a_user_makes_a_token_sees_it_once_and_revokes_it(page, login, assert_no_axe_violations):
    login(page, UserFactory(username="kommune"))
    page.goto("/")
    page.get_by_role("link", name="API-nøgler").click()
    expect(page.get_by_role("heading", name="API-nøgler", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Navn").fill("Regneark")
    page.get_by_role("button", name="Opret nøgle").click()
    new_token = page.locator("#new-token code")
    expect(new_token).to_have_text(re.compile(r"^hp_[A-Za-z0-9_-]{43}$"))
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Tilbagekald Regneark").click()
    expect(page.get_by_text("Nøglen “Regneark” er tilbagekaldt")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^Tilbagekaldt "))).to_be_visible()
    expect(page.locator("#new-token")).to_have_count(0)
