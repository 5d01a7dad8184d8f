"""Logging in and out, the lockout after repeated failures, and the start page.

These tests use the real login form (it is what is tested); every other test logs in with force_login.
"""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helhedsplan.plans.models import Membership
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "amager-2022-2025"


@pytest.fixture
def user():
    return UserFactory(username="sagsbehandler", password=PASSWORD)


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_login_page_renders_in_danish(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert 'name="username"' in html and 'name="password"' in html
    # Django's own Danish labels for the login form.
    assert "Brugernavn" in html and "Adgangskode" in html


def test_the_right_password_logs_in_and_leads_to_the_start_page(client, user):
    response = log_in(client, "sagsbehandler", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session[SESSION_KEY]) == user.pk


def test_the_login_returns_to_the_page_asked_for(client, user):
    plan = PlanFactory(slug="amager")
    MembershipFactory(user=user, plan=plan, role=Membership.Role.REVIEWER)
    wanted = reverse("agreements:strategic", kwargs={"plan": "amager"})

    response = client.post(
        reverse("login"), {"username": "sagsbehandler", "password": PASSWORD, "next": wanted}
    )

    assert response["Location"] == wanted


def test_a_wrong_password_is_refused_with_a_message(client, user):
    response = log_in(client, "sagsbehandler", "forkert")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].non_field_errors()
    assert "korrekt brugernavn og adgangskode" in response.content.decode()


def test_five_failures_lock_the_user_out_even_with_the_right_password(client, user):
    for _attempt in range(5):
        log_in(client, "sagsbehandler", "forkert")

    response = log_in(client, "sagsbehandler", PASSWORD)

    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    # The attempt made while locked out counts as a failure too.
    assert AccessAttempt.objects.get(username="sagsbehandler").failures_since_start == 6


def test_four_failures_do_not_lock_out(client, user):
    for _attempt in range(4):
        log_in(client, "sagsbehandler", "forkert")

    response = log_in(client, "sagsbehandler", PASSWORD)

    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == user.pk


def test_logout_is_a_post_and_leads_to_the_login_page(client, user):
    client.force_login(user)

    assert client.get(reverse("logout")).status_code == 405  # a link cannot log anyone out
    assert SESSION_KEY in client.session

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("overview:dashboard", kwargs={"plan": "amager"}),
        reverse("agreements:strategic", kwargs={"plan": "amager"}),
        reverse("agreements:sub_agreements", kwargs={"plan": "amager"}),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    PlanFactory(slug="amager")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_the_start_page_goes_straight_to_the_only_plan(client):
    membership = MembershipFactory(user=UserFactory(password=None), plan=PlanFactory(slug="amager"))
    client.force_login(membership.user)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("overview:dashboard", kwargs={"plan": "amager"})


def test_the_start_page_lists_the_users_plans_and_no_others(client):
    user = UserFactory(password=None)
    first = MembershipFactory(user=user, plan=PlanFactory(name="Helhedsplan Amager 2022-2025")).plan
    second = MembershipFactory(user=user, plan=PlanFactory(name="Helhedsplan Tingbjerg 2023-2026")).plan
    PlanFactory(name="Helhedsplan uden adgang")
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert first.get_absolute_url() in html and second.get_absolute_url() in html
    assert "Helhedsplan uden adgang" not in html


def test_the_start_page_tells_a_user_without_plans_whom_to_ask(client):
    client.force_login(UserFactory(password=None))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert list(response.context["plans"]) == []
    assert "alert alert-info" in response.content.decode()


# --- Lockout that cannot be turned against users (helhedsplan.core.login_safety) ------------------------------


def log_in_from(client, address: str, username: str, password: str, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(client, user):
    for _attempt in range(6):
        log_in_from(client, "203.0.113.9", "sagsbehandler", "forkert")
    assert log_in_from(client, "203.0.113.9", "sagsbehandler", PASSWORD).status_code == 429

    response = log_in_from(Client(), "198.51.100.7", "sagsbehandler", PASSWORD)

    assert response.status_code == 302


def test_a_lock_ends_by_itself_after_an_hour(client, user):
    for _attempt in range(5):
        log_in(client, "sagsbehandler", "forkert")
    assert log_in(client, "sagsbehandler", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=1, minutes=1))

    assert log_in(client, "sagsbehandler", PASSWORD).status_code == 302


def test_password_spraying_locks_the_address_whatever_the_user_name(client, settings, user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    # Three guesses at each of ten names: under the per-name limit, thirty failures from one address.
    for number in range(10):
        for _attempt in range(3):
            log_in_from(client, "203.0.113.9", f"bruger{number}", "Sommer2024!")

    refused = log_in_from(client, "203.0.113.9", "sagsbehandler", PASSWORD)
    elsewhere = log_in_from(Client(), "198.51.100.7", "sagsbehandler", PASSWORD)

    assert refused.status_code == 429
    assert SESSION_KEY not in client.session
    assert elsewhere.status_code == 302


def test_failures_under_the_address_limit_do_not_lock_it(client, settings, user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    for number in range(29):
        log_in_from(client, "203.0.113.9", f"bruger{number}", "Sommer2024!")

    assert log_in_from(client, "203.0.113.9", "sagsbehandler", PASSWORD).status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, settings, user):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(5):
        # Each attempt claims another address; the lock still follows the real one.
        log_in_from(
            client, "203.0.113.9", "sagsbehandler", "forkert", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert log_in_from(client, "203.0.113.9", "sagsbehandler", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_address(client, settings, user):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    for _attempt in range(5):
        # What the attacker writes into the header themselves (left) is not believed; the proxy's entry is.
        log_in_from(
            client, proxy, "sagsbehandler", "forkert", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9"
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    owner = log_in_from(Client(), proxy, "sagsbehandler", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert owner.status_code == 302
    attacker = log_in_from(client, proxy, "sagsbehandler", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert attacker.status_code == 429


def test_behind_a_proxy_a_request_without_the_header_counts_as_the_proxy(settings, rf):
    from helhedsplan.core.login_safety import client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    assert (
        client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="nonsense"))
        == "127.0.0.1"
    )
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 10.0.0.2")
    assert client_ip_address(request) == "203.0.113.9"


def test_the_lockout_page_is_danish(client, user):
    for _attempt in range(5):
        log_in(client, "sagsbehandler", "forkert")

    html = log_in(client, "sagsbehandler", PASSWORD).content.decode()

    assert "For mange mislykkede loginforsøg" in html
    assert "spærret i en time" in html
