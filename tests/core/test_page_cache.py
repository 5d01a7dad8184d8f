"""The page cache (``core.page_cache``): a page read again before its plan changes costs a lookup, and is never
shown stale, to another user, or to someone who may no longer read it.

The unit tests run without the cache (``settings.PAGE_CACHE``); these turn it on. A test never commits, so
``commit_pending()`` does what a commit would: it forgets the change counters raised, as a new transaction would.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from helhedsplan.core import page_cache
from helhedsplan.goals.models import Goal
from helhedsplan.plans.models import Membership
from tests.world import commit_pending

pytestmark = pytest.mark.django_db

# A page of the plan read from the cache: 1 the session, 2 the user, 3 the user's membership with its plan and
# organisation, 4 the delaftaler it is limited to (the access checks run before the cache is asked, every time).
CACHED_PLAN_PAGE = 4
# An object's page also reads the object, with its way to the plan (404 for another plan's, the permission).
CACHED_OBJECT_PAGE = CACHED_PLAN_PAGE + 1


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    caches[page_cache.CACHE_ALIAS].clear()
    yield
    caches[page_cache.CACHE_ALIAS].clear()


@pytest.fixture
def goal(amager_plan) -> Goal:
    return Goal.objects.filter(sub_agreement__plan=amager_plan).order_by("pk").first()


def goal_url(goal: Goal) -> str:
    return reverse("goals:goal", kwargs={"plan": goal.sub_agreement.plan.slug, "pk": goal.pk})


def dashboard_url(plan) -> str:
    return reverse("overview:dashboard", kwargs={"plan": plan.slug})


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_page_read_again_is_answered_from_the_cache(
    amager_plan, personas, client_for, django_assert_num_queries
):
    client = client_for(personas.coordinator)
    first = client.get(dashboard_url(amager_plan))
    with django_assert_num_queries(CACHED_PLAN_PAGE):
        again = client.get(dashboard_url(amager_plan))
    assert again.status_code == 200
    assert without_csrf(again.content.decode()) == without_csrf(first.content.decode())


def test_an_object_page_read_again_checks_the_object_and_nothing_more(
    goal, personas, client_for, django_assert_num_queries
):
    client = client_for(personas.coordinator)
    client.get(goal_url(goal))
    with django_assert_num_queries(CACHED_OBJECT_PAGE):
        assert client.get(goal_url(goal)).status_code == 200


def test_a_change_shows_on_the_next_read(goal, personas, client_for):
    client = client_for(personas.reviewer)
    assert goal.title in client.get(goal_url(goal)).content.decode()
    goal.title = "Flere unge i uddannelse og job"
    goal.save()
    commit_pending()
    assert "Flere unge i uddannelse og job" in client.get(goal_url(goal)).content.decode()


def test_a_change_in_another_plan_keeps_this_plans_pages(
    amager_plan, other_plan, personas, client_for, django_assert_num_queries
):
    client = client_for(personas.coordinator)
    client.get(dashboard_url(amager_plan))
    other = Goal.objects.filter(sub_agreement__plan=other_plan).first()
    other.title = "Ændret i den anden plan"
    other.save()
    commit_pending()
    with django_assert_num_queries(CACHED_PLAN_PAGE):
        client.get(dashboard_url(amager_plan))


def test_each_user_gets_their_own_page(goal, personas, client_for):
    """The coordinator's page (with edit buttons and their name) is never the reviewer's."""
    edit = reverse("goals:goal_update", kwargs={"plan": goal.sub_agreement.plan.slug, "pk": goal.pk})
    coordinators = client_for(personas.coordinator).get(goal_url(goal)).content.decode()
    reviewers = client_for(personas.reviewer).get(goal_url(goal)).content.decode()
    assert edit in coordinators
    assert edit not in reviewers
    assert personas.reviewer.username in reviewers
    assert personas.coordinator.username not in reviewers


@pytest.mark.parametrize("role", ["outsider", "other_plan_coordinator", "anonymous"])
def test_a_kept_page_is_never_shown_to_someone_who_may_not_read_the_plan(goal, personas, client_for, role):
    assert client_for(personas.coordinator).get(goal_url(goal)).status_code == 200
    response = client_for(personas[role]).get(goal_url(goal))
    assert response.status_code == (302 if role == "anonymous" else 404)


def test_a_member_removed_loses_the_page_at_once(goal, personas, client_for):
    client = client_for(personas.reviewer)
    assert client.get(goal_url(goal)).status_code == 200
    Membership.objects.get(user=personas.reviewer, plan=goal.sub_agreement.plan).delete()
    # No commit: the access check runs before the cache is asked, so not even the old stamp's page is shown.
    assert client.get(goal_url(goal)).status_code == 404


def test_a_role_changed_shows_on_the_next_read(goal, personas, client_for):
    edit = reverse("goals:goal_update", kwargs={"plan": goal.sub_agreement.plan.slug, "pk": goal.pk})
    client = client_for(personas.reviewer)
    assert edit not in client.get(goal_url(goal)).content.decode()
    membership = Membership.objects.get(user=personas.reviewer, plan=goal.sub_agreement.plan)
    membership.role = Membership.Role.EDITOR
    membership.save()
    commit_pending()
    assert edit in client.get(goal_url(goal)).content.decode()


def test_forms_on_a_kept_page_carry_the_readers_own_csrf_token(amager_plan, personas):
    """Two browsers of one user: the second is served the first's kept page, with its own token, which works."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(personas.coordinator)
    second.force_login(personas.coordinator)
    first.get(dashboard_url(amager_plan))
    kept = second.get(dashboard_url(amager_plan)).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', kept))
    assert len(tokens) == 1
    (token,) = tokens
    assert page_cache.CSRF_PLACEHOLDER not in kept
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302


def test_the_cache_keeps_no_csrf_token(amager_plan, personas, client_for, monkeypatch):
    cache = caches[page_cache.CACHE_ALIAS]
    kept = []
    set_in_cache = cache.set
    monkeypatch.setattr(cache, "set", lambda key, value: kept.append(value) or set_in_cache(key, value))
    client_for(personas.coordinator).get(dashboard_url(amager_plan))
    (value,) = kept
    _status, _headers, charset, compressed = value
    body = page_cache.zlib.decompress(compressed).decode(charset)
    assert f'name="csrfmiddlewaretoken" value="{page_cache.CSRF_PLACEHOLDER}"' in body
    assert not re.search(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]', body)


def _request_with_messages():
    request = RequestFactory().get("/plan/amager-2022-2025/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request._messages = FallbackStorage(request)
    return request


def test_a_page_with_a_message_waiting_is_neither_kept_nor_served_from_the_cache():
    """ "Saved." is shown once, on the page after the save: that page must be read afresh, and not kept."""
    request = _request_with_messages()
    assert page_cache.cacheable_request(request)
    request._messages.add(constants.SUCCESS, "Gemt.")
    assert not page_cache.cacheable_request(request)
    assert len(list(get_messages(request))) == 1  # asking did not use the message up


def test_the_key_names_the_day_the_language_and_htmx(monkeypatch):
    request = RequestFactory().get("/plan/x/?side=2")
    key = page_cache.page_key(request, ("plan", 1))
    assert key == page_cache.page_key(RequestFactory().get("/plan/x/?side=2"), ("plan", 1))
    assert key != page_cache.page_key(RequestFactory().get("/plan/x/?side=3"), ("plan", 1))
    assert key != page_cache.page_key(request, ("plan", 2))
    assert key != page_cache.page_key(
        RequestFactory().get("/plan/x/?side=2", HTTP_HX_REQUEST="true"), ("plan", 1)
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    assert key != page_cache.page_key(request, ("plan", 1))


@pytest.mark.parametrize(
    "response",
    [
        HttpResponse("ikke fundet", status=404),
        HttpResponse(b"PK\x03\x04", content_type="application/vnd.ms-excel"),
        HttpResponse("<p>side</p>", status=400),
    ],
    ids=["not found", "a download", "bad input"],
)
def test_only_a_successful_page_is_kept(response):
    assert page_cache._to_keep(response) is None


def test_a_response_that_sets_a_cookie_of_its_own_is_not_kept():
    response = HttpResponse("<p>side</p>")
    response.set_cookie("valg", "1")
    assert page_cache._to_keep(response) is None


def test_the_portfolio_is_kept_until_one_of_the_users_plans_changes(
    amager_plan, personas, client_for, django_assert_num_queries
):
    client = client_for(personas.org_reviewer)
    first = client.get(reverse("portfolio:list"))
    # 1 the session, 2 the user, 3 the plans awaiting the confirmation of an organisation the user administers
    # (read before the cache: none here), 4 the state of the user's plans (how many, which, their latest change).
    with django_assert_num_queries(4):
        client.get(reverse("portfolio:list"))
    amager_plan.area = "Amager Øst og Vest"
    amager_plan.save()
    commit_pending()
    again = client.get(reverse("portfolio:list"))
    assert "Amager Øst og Vest" in again.content.decode()
    assert "Amager Øst og Vest" not in first.content.decode()
