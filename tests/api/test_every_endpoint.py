"""Who may read what through the API: every endpoint × every role, walked on the Amager plan.

In the spirit of tests/test_every_url.py: one row per endpoint (``TABLE``), one test per row trying every
persona (tests/world.py) — signed in by session — plus the coordinator by a personal access token, and by a
token revoked since. A plan the caller may not read is not found (404), as is another plan's object asked for
through this plan's address, even by its coordinator; nobody signed in (or a revoked token) gets 401. Every
answer is JSON. ``test_the_table_names_every_endpoint`` keeps the table complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.api.api import api
from helhedsplan.goals.models import Activity, Goal, Indicator
from helhedsplan.plans.models import Plan
from helhedsplan.reports.models import Submission
from tests.api.factories import bearer, token_for
from tests.reports.factories import SubmissionFactory
from tests.world import ROLES, client_for

pytestmark = pytest.mark.django_db

#: Every caller: the personas by session (the organisation-wide reviewer too, who must get exactly what a
#: member reviewer gets), and the coordinator by a token and by a revoked token.
CALLERS = [*ROLES, "org_reviewer", "token", "revoked_token"]

#: A plan's data: its members read it (a reviewer too); for everyone else the plan does not exist.
READ = {
    "anonymous": 401,
    "revoked_token": 401,
    "outsider": 404,
    "other_plan_coordinator": 404,
    "reviewer": 200,
    "limited_editor": 200,
    "editor": 200,
    "coordinator": 200,
    "token": 200,
}
#: The list of plans: everyone signed in gets one (an outsider's is empty).
SIGNED_IN = READ | {"outsider": 200, "other_plan_coordinator": 200}


@dataclass(frozen=True)
class Row:
    #: The endpoint's path as the OpenAPI schema names it.
    path: str
    access: dict[str, int]
    #: The path's object (for ``{pk}``) in a plan, or None.
    obj: Callable[[Plan], object] | None = None
    #: What the path's other parameters are.
    extra: Callable[[Plan], dict] = lambda plan: {}


def first(model) -> Callable[[Plan], object]:
    return lambda plan: model.objects.in_plan(plan).order_by("pk").first()


def submission(plan: Plan) -> Submission:
    return Submission.objects.filter(report__plan=plan).order_by("pk").first()


TABLE = [
    Row("/api/plans", SIGNED_IN),
    Row("/api/plans/{slug}", READ),
    Row("/api/plans/{slug}/sub-agreements", READ),
    Row("/api/plans/{slug}/sub-agreements/{pk}", READ, first(SubAgreement)),
    Row("/api/plans/{slug}/goals", READ),
    Row("/api/plans/{slug}/goals/{pk}", READ, first(Goal)),
    Row("/api/plans/{slug}/indicators", READ),
    Row("/api/plans/{slug}/indicators/{pk}", READ, first(Indicator)),
    Row("/api/plans/{slug}/activities", READ),
    Row("/api/plans/{slug}/activities/{pk}", READ, first(Activity)),
    Row("/api/plans/{slug}/budget", READ),
    Row("/api/plans/{slug}/approvals", READ),
    Row("/api/plans/{slug}/reports", READ),
    Row("/api/plans/{slug}/versions", READ),
    Row("/api/plans/{slug}/versions/{number}", READ, extra=lambda p: {"number": 1}),
    # Landsbyggefonden's catalogue is shared by every plan: anyone signed in reads it.
    Row("/api/catalogue", SIGNED_IN),
    Row(
        "/api/catalogue/{period}/{code}",
        SIGNED_IN,
        extra=lambda p: {"period": "2019-2026", "code": "tryghed"},
    ),
    *(
        Row(
            "/api/plans/{slug}/submissions/{pk}/files/{format}",
            READ,
            submission,
            lambda p, f=f: {"format": f},
        )
        for f in ("pdf", "xlsx", "yaml")
    ),
]


def url(row: Row, slug: str, plan: Plan) -> str:
    """The row's URL with ``slug`` in it and the object (if any) of ``plan``."""
    values = {"slug": slug, **row.extra(plan)}
    if row.obj is not None:
        values["pk"] = row.obj(plan).pk
    return row.path.format(**values)


def test_the_table_names_every_endpoint():
    """An endpoint missing from the table would escape the walk."""
    schema_paths = set(api.get_openapi_schema()["paths"])
    assert schema_paths == {row.path for row in TABLE}


def with_a_submission(plan, personas) -> Plan:
    """The plan, with a submitted report (the Amager plan has none of its own; the other plan has one)."""
    if submission(plan) is None:
        SubmissionFactory(report__plan=plan, report__year=2022, submitted_by=personas.coordinator)
    return plan


def client_of(personas, caller: str):
    """A client for a caller of CALLERS: a persona by session, or the coordinator by a token (revoked or not)."""
    if caller not in ("token", "revoked_token"):
        return client_for(personas[caller])
    client = client_for(None)
    token = token_for(personas.coordinator, revoked=caller == "revoked_token")
    client.defaults.update({"HTTP_AUTHORIZATION": f"Bearer {token}"})
    return client


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.path + str(row.extra(None) or ""))
def test_every_caller_on_every_endpoint(amager_plan, personas, row: Row):
    plan = with_a_submission(amager_plan, personas)
    address = url(row, plan.slug, plan)
    wrong = []
    for caller in CALLERS:
        response = client_of(personas, caller).get(address)
        expected = row.access["reviewer" if caller == "org_reviewer" else caller]
        if response.status_code != expected:
            wrong.append(f"{caller}: {response.status_code}, expected {expected}")
        elif response.status_code != 200 or "/files/" not in address:
            # Everything but a file is JSON, errors too.
            assert response["Content-Type"].startswith("application/json"), (caller, response["Content-Type"])
            response.json()
    assert not wrong, f"{address}: " + "; ".join(wrong)


@pytest.mark.parametrize(
    "row",
    [row for row in TABLE if row.obj is not None],
    ids=lambda row: row.path + str(row.extra(None) or ""),
)
def test_another_plans_object_is_not_found(amager_plan, other_plan, personas, row: Row):
    """The coordinator's own plan in the address, another plan's object: 404 JSON, by session and by token."""
    address = url(row, amager_plan.slug, with_a_submission(other_plan, personas))
    for caller in ("coordinator", "token"):
        response = client_of(personas, caller).get(address)
        assert response.status_code == 404, (caller, response.status_code)
        assert response.json() == {"detail": "Not Found"}


def test_an_unknown_token_is_refused_even_with_a_session(amager_plan, personas):
    """A request that names a token is judged by it alone: signed in or not, an unknown token is a 401."""
    client = client_for(personas.coordinator)
    response = client.get(f"/api/plans/{amager_plan.slug}", headers=bearer("hp_not-a-token"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_token_of_an_inactive_user_is_refused(personas):
    token = token_for(personas.editor)
    personas.editor.is_active = False
    personas.editor.save()
    response = client_for(None).get("/api/plans", headers=bearer(token))
    assert response.status_code == 401


def test_the_list_of_plans_holds_only_the_callers(amager_plan, other_plan, personas):
    def slugs(caller: str) -> list[str]:
        return [p["slug"] for p in client_of(personas, caller).get("/api/plans").json()["items"]]

    assert slugs("coordinator") == [amager_plan.slug]
    assert slugs("token") == [amager_plan.slug]
    assert slugs("other_plan_coordinator") == [other_plan.slug]
    assert slugs("outsider") == []
