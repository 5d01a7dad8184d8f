import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.plans.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_renders_in_danish_and_passes_axe(page, assert_no_axe_violations):
    page.goto(reverse("login"))

    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The field labels come from Django's own Danish translation of the login form.
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    expect(page.get_by_label("Adgangskode")).to_have_attribute("type", "password")
    assert_no_axe_violations(page)


def test_logging_in_with_the_form_leads_to_the_front_page(page, live_server):
    UserFactory(username="kommune", password="amager2022")

    page.goto(reverse("login"))
    page.get_by_label("Brugernavn").fill("kommune")
    page.get_by_label("Adgangskode").fill("amager2022")
    page.locator("form button[type=submit]").click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("home")) + "$"))


def test_a_wrong_password_keeps_the_visitor_on_the_login_page_with_an_error(page, assert_no_axe_violations):
    UserFactory(username="kommune", password="amager2022")

    page.goto(reverse("login"))
    page.get_by_label("Brugernavn").fill("kommune")
    page.get_by_label("Adgangskode").fill("wrong-password")
    page.locator("form button[type=submit]").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + "$"))
    # Django's own Danish message for a failed login.
    expect(page.get_by_text(re.compile("korrekt brugernavn og adgangskode"))).to_be_visible()
    assert_no_axe_violations(page)


def test_a_logged_in_user_is_sent_on_from_the_login_page(page, live_server, login):
    login(page, UserFactory(username="boligorg"))

    page.goto(reverse("login"))

    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("home")) + "$"))
