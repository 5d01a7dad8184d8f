"""The permission matrix of the goals pages: every URL × every kind of user × GET and POST.

Reading needs membership of the plan; creating asks ``plan.edit_goals`` of the parent and editing or deleting
asks it of the object, so an editor limited to another delaftale is refused, and key figures on a strategic
goal (no delaftale) are for coordinators and unlimited editors only. Anonymous visitors are sent to log in;
a plan the user is not a member of does not exist for them (404). A refused POST changes nothing; an allowed one
changes something.

Each URL is one test that tries every user in turn, each inside a transaction rolled back afterwards, so every
user meets the same data and an allowed delete does not hide what the next user would see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.goals.page_fixtures import ROLES, World, build_world, snapshot
from tests.goals.test_views import INDICATOR_DATA

pytestmark = pytest.mark.django_db

USERS = ["anonymous", *ROLES]

READ = {"anonymous": 302, "outsider": 404, **dict.fromkeys(ROLES[:-1], 200)}
# Objects inside the delaftale the world's goal lives in ("this" delaftale).
EDIT_IN_SUB_AGREEMENT = {
    "anonymous": 302,
    "outsider": 404,
    "reviewer": 403,
    "editor_other": 403,
    "editor": 200,
    "editor_this": 200,
    "coordinator": 200,
}
# Key figures belong to no delaftale, so a limited editor may not touch them.
EDIT_PLAN_WIDE = {**EDIT_IN_SUB_AGREEMENT, "editor_this": 403}


@dataclass(frozen=True)
class Page:
    name: str
    kwargs: Callable[[World], dict]
    expected: dict[str, int]
    post_data: dict | None = None  # None: a read-only page (POST is not allowed)
    #: Tells the test ids apart when the same URL name is tried on a key figure.
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


PAGES = [
    Page("goal", lambda w: {"pk": w.goal.pk}, READ),
    Page("indicator", lambda w: {"pk": w.indicator.pk}, READ),
    Page("indicator", lambda w: {"pk": w.key_figure.pk}, READ, variant="key_figure"),
    Page("activity", lambda w: {"pk": w.activity.pk}, READ),
    Page(
        "goal_create",
        lambda w: {"sub_agreement": w.sub_agreement.pk},
        EDIT_IN_SUB_AGREEMENT,
        {"title": "Nyt delmål", "order": "2"},
    ),
    Page(
        "goal_update",
        lambda w: {"pk": w.goal.pk},
        EDIT_IN_SUB_AGREEMENT,
        {"title": "Ændret delmål", "order": "1", "lock_version": "1"},
    ),
    Page("goal_delete", lambda w: {"pk": w.goal.pk}, EDIT_IN_SUB_AGREEMENT, {}),
    Page("indicator_create", lambda w: {"goal": w.goal.pk}, EDIT_IN_SUB_AGREEMENT, INDICATOR_DATA),
    Page(
        "indicator_update",
        lambda w: {"pk": w.indicator.pk},
        EDIT_IN_SUB_AGREEMENT,
        {**INDICATOR_DATA, "lock_version": "1"},
    ),
    Page("indicator_delete", lambda w: {"pk": w.indicator.pk}, EDIT_IN_SUB_AGREEMENT, {}),
    Page(
        "measurement_create",
        lambda w: {"indicator": w.indicator.pk},
        EDIT_IN_SUB_AGREEMENT,
        {"date": "2024-06-30", "value": "55"},
    ),
    Page(
        "measurement_update",
        lambda w: {"pk": w.measurement.pk},
        EDIT_IN_SUB_AGREEMENT,
        {"date": "2023-06-30", "value": "52", "lock_version": "1"},
    ),
    Page("measurement_delete", lambda w: {"pk": w.measurement.pk}, EDIT_IN_SUB_AGREEMENT, {}),
    Page(
        "activity_create",
        lambda w: {"sub_agreement": w.sub_agreement.pk},
        EDIT_IN_SUB_AGREEMENT,
        {"name": "Fritidsjob", "status": "planned"},
    ),
    Page(
        "activity_update",
        lambda w: {"pk": w.activity.pk},
        EDIT_IN_SUB_AGREEMENT,
        {"name": "Lektiecafé i Hørgården", "status": "ongoing", "lock_version": "1"},
    ),
    Page("activity_delete", lambda w: {"pk": w.activity.pk}, EDIT_IN_SUB_AGREEMENT, {}),
    Page(
        "key_figure_create",
        lambda w: {"strategic_goal": w.strategic_goal.pk},
        EDIT_PLAN_WIDE,
        INDICATOR_DATA,
    ),
    Page(
        "indicator_update",
        lambda w: {"pk": w.key_figure.pk},
        EDIT_PLAN_WIDE,
        {**INDICATOR_DATA, "lock_version": "1"},
        variant="key_figure",
    ),
    Page("indicator_delete", lambda w: {"pk": w.key_figure.pk}, EDIT_PLAN_WIDE, {}, variant="key_figure"),
    Page(
        "measurement_create",
        lambda w: {"indicator": w.key_figure.pk},
        EDIT_PLAN_WIDE,
        {"date": "2024-06-30", "value": "61"},
        variant="key_figure",
    ),
]


PAGE_IDS = [page.id for page in PAGES]


def client_for(world: World, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_get(page: Page):
    world = build_world()
    url = world.url(page.name, **page.kwargs(world))
    wrong = []
    for who in USERS:
        response = client_for(world, who).get(url)
        expected = page.expected[who]
        if response.status_code != expected:
            wrong.append(f"{who}: {response.status_code}, expected {expected}")
        elif expected == 302:
            assert response["Location"].startswith(reverse("login"))
    assert not wrong, f"GET {url}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_post(page: Page):
    world = build_world()
    url = world.url(page.name, **page.kwargs(world))
    wrong = []
    for who in USERS:
        with transaction.atomic():
            before = snapshot()
            response = client_for(world, who).post(url, page.post_data or {})
            after = snapshot()
            transaction.set_rollback(True)
        allowed = page.expected[who] == 200
        if page.post_data is None:
            # A read-only page has no POST: members get 405, everyone else the same answer as for GET.
            expected = 405 if allowed else page.expected[who]
        else:
            expected = 302 if allowed else page.expected[who]
        if response.status_code != expected:
            wrong.append(f"{who}: {response.status_code}, expected {expected}")
        if response.status_code == 302 and not allowed:
            assert response["Location"].startswith(reverse("login"))
        if allowed and page.post_data is not None:
            if after == before:
                wrong.append(f"{who}: allowed, but nothing was saved")
        elif after != before:
            wrong.append(f"{who}: refused ({response.status_code}), but the database changed")
    assert not wrong, f"POST {url}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_another_plans_url_for_the_object_is_404(page: Page):
    """The object exists, but not in the plan of the URL: even a coordinator of that plan gets 404."""
    world = build_world()
    kwargs = page.kwargs(world)
    outsider = client_for(world, "outsider")  # coordinator of the other plan
    world.plan = world.other_plan
    url = world.url(page.name, **kwargs)

    before = snapshot()
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, page.post_data or {}).status_code == 404
    assert snapshot() == before
