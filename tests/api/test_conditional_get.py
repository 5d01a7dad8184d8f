"""The API answers conditional GETs (``api.conditional_by_plan``): every endpoint of one plan tags its answer with
the plan's change counter and what else it depends on; the same caller asking again with the tag gets a 304 with
no body, for the price of finding the caller and the plan — until anything in the plan changes."""

from __future__ import annotations

import pytest
from django.test import Client

from helhedsplan.api.services import access_token_create, access_token_revoke
from helhedsplan.goals.models import Indicator
from tests.api.factories import bearer, token_for
from tests.api.test_every_endpoint import TABLE, url, with_a_submission
from tests.world import client_for, commit_pending

pytestmark = pytest.mark.django_db

#: Every endpoint of one plan but the stored files' downloads (frozen files, answered as files).
PLAN_ENDPOINTS = [row for row in TABLE if "{slug}" in row.path and "/files/" not in row.path]


def indicators_url(plan) -> str:
    return f"/api/plans/{plan.slug}/indicators?limit=50"


@pytest.fixture
def reviewer_by_token(amager_plan, personas) -> Client:
    client = client_for(None)
    client.defaults.update({"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.reviewer)}"})
    return client


@pytest.mark.parametrize("row", PLAN_ENDPOINTS, ids=lambda row: row.path)
def test_every_plan_endpoint_answers_304_to_its_own_tag(amager_plan, personas, reviewer_by_token, row):
    plan = with_a_submission(amager_plan, personas)
    address = url(row, plan.slug, plan)
    first = reviewer_by_token.get(address)
    assert first.status_code == 200
    tag = first["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    assert first["Cache-Control"] in ("private, no-cache", "no-cache, private")
    assert {"Authorization", "Cookie", "Accept-Language"} <= {
        part.strip() for part in first["Vary"].split(",")
    }
    again = reviewer_by_token.get(address, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag


def test_a_304_costs_finding_the_caller_and_the_plan(
    amager_plan, reviewer_by_token, django_assert_num_queries
):
    tag = reviewer_by_token.get(indicators_url(amager_plan))["ETag"]
    # 1 the token with its user, 2 the plan (with its counter) through the user's plans.
    with django_assert_num_queries(2):
        assert (
            reviewer_by_token.get(indicators_url(amager_plan), headers={"If-None-Match": tag}).status_code
            == 304
        )


def test_a_304_by_session_costs_the_session_the_user_and_the_plan(
    amager_plan, personas, django_assert_num_queries
):
    client = client_for(personas.reviewer)
    tag = client.get(indicators_url(amager_plan))["ETag"]
    # 1 the session, 2 the user, 3 the plan (with its counter) through the user's plans.
    with django_assert_num_queries(3):
        assert client.get(indicators_url(amager_plan), headers={"If-None-Match": tag}).status_code == 304


def test_a_200_reads_no_more_for_its_tag(amager_plan, reviewer_by_token, django_assert_num_queries):
    """The tag's caller and plan are handed on to the endpoint: one plan's endpoint reads the token and the plan
    once each (plan_detail: nothing else but the sources of its figures)."""
    # 1 the token with its user, 2 the plan (with its counter), handed to the endpoint, 3 the sources of its homes
    # and residents.
    with django_assert_num_queries(3):
        assert reviewer_by_token.get(f"/api/plans/{amager_plan.slug}").status_code == 200


def test_a_change_in_the_plan_gives_a_new_answer_and_tag(amager_plan, reviewer_by_token):
    first = reviewer_by_token.get(indicators_url(amager_plan))
    indicator = Indicator.objects.filter(plan=amager_plan).order_by("pk").first()
    commit_pending()  # the setup is committed: the write below is a transaction of its own
    indicator.name = "Andel unge i job eller uddannelse (rettet)"
    indicator.save()
    again = reviewer_by_token.get(indicators_url(amager_plan), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Andel unge i job eller uddannelse (rettet)" in again.content.decode()


def test_a_change_in_another_plan_keeps_the_tag(amager_plan, other_plan, reviewer_by_token):
    tag = reviewer_by_token.get(indicators_url(amager_plan))["ETag"]
    other = Indicator.objects.filter(plan=other_plan).first()
    commit_pending()
    other.name = "Ændret i den anden plan"
    other.save()
    assert (
        reviewer_by_token.get(indicators_url(amager_plan), headers={"If-None-Match": tag}).status_code == 304
    )


def test_the_tag_is_the_callers_and_the_queries(amager_plan, personas, reviewer_by_token):
    """Another caller (or the same by the session instead of a token), or another query, never gets a 304 for
    the tag: what each may read differs."""
    tag = reviewer_by_token.get(indicators_url(amager_plan))["ETag"]
    coordinator = client_for(None)
    coordinator.defaults.update({"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.coordinator)}"})
    others = [
        (coordinator, indicators_url(amager_plan)),
        (client_for(personas.reviewer), indicators_url(amager_plan)),
        (reviewer_by_token, f"/api/plans/{amager_plan.slug}/indicators?limit=10"),
        (reviewer_by_token, f"/api/plans/{amager_plan.slug}/goals?limit=50"),
    ]
    for client, address in others:
        response = client.get(address, headers={"If-None-Match": tag})
        assert response.status_code == 200, address
        assert response["ETag"] != tag


def test_a_revoked_token_or_a_stranger_with_the_tag_gets_nothing(amager_plan, personas):
    token, secret = access_token_create(name="Test", actor=personas.reviewer)
    client = Client(headers=bearer(secret))
    tag = client.get(indicators_url(amager_plan))["ETag"]
    access_token_revoke(token=token, actor=personas.reviewer)
    assert client.get(indicators_url(amager_plan), headers={"If-None-Match": tag}).status_code == 401
    stranger = client_for(personas.other_plan_coordinator)
    assert stranger.get(indicators_url(amager_plan), headers={"If-None-Match": tag}).status_code == 404


def test_the_list_of_plans_answers_304_until_one_of_the_callers_plans_changes(
    amager_plan, other_plan, personas, reviewer_by_token, django_assert_num_queries
):
    first = reviewer_by_token.get("/api/plans")
    assert first.status_code == 200
    tag = first["ETag"]
    # 1 the token with its user, 2 the change counters of the plans the caller may read: no page, no count.
    with django_assert_num_queries(2):
        again = reviewer_by_token.get("/api/plans", headers={"If-None-Match": tag})
    assert (again.status_code, again.content) == (304, b"")
    commit_pending()
    amager_plan.name = "Boligsocial helhedsplan Amager (rettet)"
    amager_plan.save()
    changed = reviewer_by_token.get("/api/plans", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed["ETag"] != tag
    assert "Boligsocial helhedsplan Amager (rettet)" in changed.content.decode()
    # Another caller never gets a 304 for it: what each may read differs.
    coordinator = client_for(None)
    coordinator.defaults.update({"HTTP_AUTHORIZATION": f"Bearer {token_for(personas.coordinator)}"})
    assert coordinator.get("/api/plans", headers={"If-None-Match": changed["ETag"]}).status_code == 200
