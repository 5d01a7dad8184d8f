"""No lost updates on the goals pages: of two edits opened from the same version, the later save is refused,
shows what changed meanwhile and by whom, and overwrites nothing; saving again after seeing it works."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.planfiles.demo import AMAGER_SLUG
from tests.goals.page_fixtures import INDICATOR_DATA
from tests.world import client_for, limited_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited_editor(personas):
    """The limited editor, with a name to be shown as who changed something."""
    editor = personas.limited_editor
    editor.first_name, editor.last_name = "Bodil", "Boligorg"
    editor.save()
    return editor


@pytest.fixture
def goal(personas):
    """A goal of the limited editor's delaftale on the Amager plan, with one indicator served by "Lektiecaféer"."""
    return limited_to(personas).goals.get(title="Flere unge tager en uddannelse")


def url(name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": AMAGER_SLUG, **kwargs})


def version_in(html: str) -> str:
    return re.search(r'name="lock_version" value="(\d+)"', html).group(1)


def test_the_later_of_two_goal_edits_is_refused_with_what_changed(goal, limited_editor, personas):
    address = url("goal_update", pk=goal.pk)
    first, second = client_for(limited_editor), client_for(personas.coordinator)
    first_version = version_in(first.get(address).content.decode())
    second_version = version_in(second.get(address).content.decode())
    assert first_version == second_version == "1"  # as the plan file was imported

    saved = first.post(
        address,
        {"title": "Flere unge gennemfører en uddannelse", "order": "0", "lock_version": first_version},
    )
    assert saved.status_code == 302

    refused = second.post(
        address,
        {
            "title": "Flere unge starter på en uddannelse",
            "description": "Også 10. klasse.",
            "order": "1",
            "lock_version": second_version,
        },
    )

    assert refused.status_code == 200
    goal = Goal.objects.get(pk=goal.pk)
    assert goal.title == "Flere unge gennemfører en uddannelse"  # the first save is kept
    assert goal.description == ""
    conflict = refused.context["conflict"]
    assert [(c.old, c.new) for c in conflict.changes] == [
        ("Flere unge tager en uddannelse", "Flere unge gennemfører en uddannelse")
    ]
    assert conflict.users == [limited_editor]
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
        address,
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
    assert goal.history.count() == 3  # imported, first edit, second edit: every change recorded


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
def test_every_edit_page_refuses_a_stale_save(goal, personas, name, model, attribute, make_data):
    indicator = goal.indicators.get()
    obj = {
        Indicator: indicator,
        Measurement: indicator.measurements.get(date="2023-06-30"),
        Activity: goal.activities.get(name="Lektiecaféer"),
    }[model]
    address = url(name, pk=obj.pk)
    first, second = client_for(personas.editor), client_for(personas.limited_editor)

    assert first.post(address, {**make_data("Første"), "lock_version": obj.lock_version}).status_code == 302
    refused = second.post(address, {**make_data("Anden"), "lock_version": obj.lock_version})

    assert refused.status_code == 200
    assert refused.context["conflict"].changes
    assert getattr(model.objects.get(pk=obj.pk), attribute) == "Første"


def test_a_save_without_a_version_is_not_taken_as_current(goal, personas):
    """A form posted without its hidden version (an old tab, a hand-made request) cannot overwrite silently."""
    client = client_for(personas.limited_editor)
    response = client.post(url("goal_update", pk=goal.pk), {"title": "Uden version", "order": "1"})
    assert response.status_code == 200
    assert Goal.objects.get(pk=goal.pk).title == "Flere unge tager en uddannelse"
