"""No lost updates on the goals pages: of two edits opened from the same version, the later save is refused,
shows what changed meanwhile and by whom, and overwrites nothing; saving again after seeing it works."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from tests.goals.page_fixtures import INDICATOR_DATA, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    world.users["editor_this"].first_name, world.users["editor_this"].last_name = "Bodil", "Boligorg"
    world.users["editor_this"].save()
    return world


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_in(html: str) -> str:
    return re.search(r'name="lock_version" value="(\d+)"', html).group(1)


def test_the_later_of_two_goal_edits_is_refused_with_what_changed(world):
    url = world.url("goal_update", pk=world.goal.pk)
    first, second = logged_in(world.users["editor_this"]), logged_in(world.users["coordinator"])
    first_version = version_in(first.get(url).content.decode())
    second_version = version_in(second.get(url).content.decode())
    assert first_version == second_version == "1"

    saved = first.post(
        url, {"title": "Flere unge gennemfører en uddannelse", "order": "0", "lock_version": first_version}
    )
    assert saved.status_code == 302

    refused = second.post(
        url,
        {
            "title": "Flere unge starter på en uddannelse",
            "description": "Også 10. klasse.",
            "order": "1",
            "lock_version": second_version,
        },
    )

    assert refused.status_code == 200
    goal = Goal.objects.get(pk=world.goal.pk)
    assert goal.title == "Flere unge gennemfører en uddannelse"  # the first save is kept
    assert goal.description == ""
    conflict = refused.context["conflict"]
    assert [(c.old, c.new) for c in conflict.changes] == [
        ("Flere unge i uddannelse", "Flere unge gennemfører en uddannelse")
    ]
    assert conflict.users == [world.users["editor_this"]]
    html = refused.content.decode()
    assert 'id="conflict-heading"' in html
    assert "Bodil Boligorg" in html
    assert "Flere unge gennemfører en uddannelse" in html  # what it is now
    assert refused.context["form"].non_field_errors()
    # The second person's text stays in the form, now based on the current version.
    assert 'value="Flere unge starter på en uddannelse"' in html
    assert version_in(html) == "2"

    # Having seen what changed, saving again is allowed.
    again = second.post(
        url,
        {
            "title": "Flere unge starter på en uddannelse",
            "description": "Også 10. klasse.",
            "order": "1",
            "lock_version": version_in(html),
        },
    )
    assert again.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.lock_version) == ("Flere unge starter på en uddannelse", 3)
    assert goal.history.count() == 3  # created, first edit, second edit: every change recorded


@pytest.mark.parametrize(
    ("name", "model", "attribute", "make_data"),
    [
        ("indicator_update", Indicator, "name", lambda title: {**INDICATOR_DATA, "name": title}),
        (
            "measurement_update",
            Measurement,
            "note",
            lambda note: {"date": "2023-06-30", "value": "50", "note": note},
        ),
        ("activity_update", Activity, "name", lambda title: {"name": title, "status": "ongoing"}),
    ],
)
def test_every_edit_page_refuses_a_stale_save(world, name, model, attribute, make_data):
    obj = {Indicator: world.indicator, Measurement: world.measurement, Activity: world.activity}[model]
    url = world.url(name, pk=obj.pk)
    first, second = logged_in(world.users["editor"]), logged_in(world.users["editor_this"])

    assert first.post(url, {**make_data("Første"), "lock_version": "1"}).status_code == 302
    refused = second.post(url, {**make_data("Anden"), "lock_version": "1"})

    assert refused.status_code == 200
    assert refused.context["conflict"].changes
    assert getattr(model.objects.get(pk=obj.pk), attribute) == "Første"


def test_a_save_without_a_version_is_not_taken_as_current(world):
    """A form posted without its hidden version (an old tab, a hand-made request) cannot overwrite silently."""
    client = logged_in(world.users["editor_this"])
    response = client.post(
        world.url("goal_update", pk=world.goal.pk), {"title": "Uden version", "order": "1"}
    )
    assert response.status_code == 200
    assert Goal.objects.get(pk=world.goal.pk).title == "Flere unge i uddannelse"
