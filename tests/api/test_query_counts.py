"""The API's lists read a fixed number of queries: the same at a page of 1 as at a page of 50, and the list of
plans the same for a caller with 1 plan as with 20. Each query is named where it is counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhedsplan.plans.models import Membership
from tests.api.factories import bearer, token_for
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory
from tests.reports.factories import SubmissionFactory
from tests.versions.factories import submit_version
from tests.world import client_for

pytestmark = pytest.mark.django_db

#: Each list, and the queries one page of it reads, besides the caller's token (one query, with its user).
LISTS = {
    # the plan, the count, the page, the parties (with their organisation)
    "sub-agreements": 4,
    # the plan, the count, the page
    "goals": 3,
    # the plan, the count, the page (with each indicator's plan), the measurements (with an estate's estate), the
    # groups' estates, the baselines' sources
    "indicators": 6,
    # the plan, the count, the page (with the responsible organisation), the goals served, the milestones
    "activities": 5,
    # the plan, the count, the page (with the plan), the submissions
    "reports": 4,
    # the plan, the count, the page (with the version each is based on), the sign-offs (with organisations)
    "versions": 4,
}
TOKEN = 1  # the token, with its user


def _count(client, url: str, headers: dict) -> tuple[int, int]:
    """(queries, items) of one GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["items"])


@pytest.mark.parametrize("name", LISTS)
def test_a_list_reads_the_same_queries_at_page_size_1_and_50(amager_plan, personas, name):
    for year in (2022, 2023, 2024):  # reports to page through
        SubmissionFactory(report__plan=amager_plan, report__year=year, submitted_by=personas.coordinator)
    submit_version(amager_plan, personas.coordinator)  # version 2 beside the plan file's version 1
    headers = bearer(token_for(personas.reviewer))
    client = client_for(None)
    url = f"/api/plans/{amager_plan.slug}/{name}"
    small, small_items = _count(client, f"{url}?limit=1", headers)
    large, large_items = _count(client, f"{url}?limit=50", headers)
    assert small_items == 1 and large_items > 1
    assert small == large == TOKEN + LISTS[name]


def test_the_list_of_plans_reads_the_same_queries_for_1_and_20_plans(db):
    user = UserFactory(password=None)
    headers = bearer(token_for(user))
    client = client_for(None)
    MembershipFactory(user=user, plan=PlanFactory(), role=Membership.Role.REVIEWER)
    one, one_items = _count(client, "/api/plans?limit=50", headers)
    for _ in range(19):
        MembershipFactory(user=user, plan=PlanFactory(), role=Membership.Role.REVIEWER)
    twenty, twenty_items = _count(client, "/api/plans?limit=50", headers)
    assert (one_items, twenty_items) == (1, 20)
    # the token (with its user), the change counters of the caller's plans (the ETag), the count, the page, the
    # sources of the plans' homes and residents
    assert one == twenty == TOKEN + 4


def test_the_summaries_read_a_fixed_number_of_queries(amager_plan, personas, django_assert_num_queries):
    headers = bearer(token_for(personas.reviewer))
    client = client_for(None)
    # the token, the plan; the budget summary's five: lines, amounts, actuals, funding sources, fundings; the
    # amounts' sources
    with django_assert_num_queries(TOKEN + 1 + 5 + 1):
        assert client.get(f"/api/plans/{amager_plan.slug}/budget", headers=headers).status_code == 200
    # the token, the plan; the approval summary's two: the estates, their decisions; the steps, their dates' sources
    with django_assert_num_queries(TOKEN + 1 + 2 + 2):
        assert client.get(f"/api/plans/{amager_plan.slug}/approvals", headers=headers).status_code == 200
