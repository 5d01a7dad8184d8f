"""An activity's milestones: kept by the editors of its delaftale, dated inside the plan's period, shown on the
activity's page with what is overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhedsplan.goals import services
from helhedsplan.goals.models import Milestone
from helhedsplan.planfiles.demo import AMAGER_SLUG
from tests.goals.factories import MilestoneFactory
from tests.world import limited_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(personas):
    """An activity of the limited editor's delaftale on the Amager plan, with no milestones yet."""
    activity = limited_to(personas).activities.get(name="Sprog- og læseprojekter med skolerne")
    assert not activity.milestones.exists()
    return activity


def url(name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": AMAGER_SLUG, **kwargs})


def test_editor_adds_a_milestone_from_the_activity_page(client, personas, activity):
    client.force_login(personas.limited_editor)
    page = client.get(url("activity", pk=activity.pk)).content.decode()
    create_url = url("milestone_create", activity=activity.pk)
    assert create_url in page and "Ingen milepæle endnu." in page

    response = client.post(create_url, {"name": "Læsebånd i gang", "due_date": "2022-09-01"}, follow=True)

    milestone = Milestone.objects.get(name="Læsebånd i gang")
    assert milestone.activity == activity and milestone.done_date is None
    assert response.redirect_chain[-1][0] == activity.get_absolute_url()
    html = response.content.decode()
    assert "Læsebånd i gang" in html and "1. september 2022" in html
    assert "ikke endnu" in html


def test_marking_a_milestone_done(client, personas, activity):
    milestone = MilestoneFactory(
        activity=activity, name="Sprogforløb evalueret", due_date=datetime.date(2023, 6, 30)
    )
    client.force_login(personas.limited_editor)
    response = client.post(
        url("milestone_update", pk=milestone.pk),
        {
            "name": "Sprogforløb evalueret",
            "due_date": "2023-06-30",
            "done_date": "2023-09-15",
            "lock_version": milestone.lock_version,
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_date == datetime.date(2023, 9, 15)
    assert milestone.history.count() == 2


def test_a_milestone_outside_the_period_is_refused_in_danish_and_nothing_saved(client, personas, activity):
    client.force_login(personas.limited_editor)
    response = client.post(
        url("milestone_create", activity=activity.pk),
        {"name": "For sent", "due_date": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "Datoen skal ligge i planens periode" in response.content.decode()
    assert not Milestone.objects.filter(name="For sent").exists()


def test_an_overdue_milestone_is_flagged_and_a_done_one_is_not(client, personas, activity):
    client.force_login(personas.reviewer)
    page = url("activity", pk=activity.pk)
    flags_before = client.get(page).content.decode().count("overskredet")  # the activity's own, if any
    MilestoneFactory(activity=activity, name="Forsinket", due_date=datetime.date(2022, 6, 1))
    MilestoneFactory(
        activity=activity,
        name="Nået",
        due_date=datetime.date(2022, 6, 1),
        done_date=datetime.date(2022, 5, 20),
    )
    html = client.get(page).content.decode()
    assert html.count("overskredet") == flags_before + 1
    # A reviewer reads the milestones but is offered no way to change them.
    assert url("milestone_create", activity=activity.pk) not in html


def test_the_service_needs_no_form_and_validates(personas, activity):
    editor = personas.limited_editor
    milestone = services.milestone_create(
        activity=activity,
        data={"name": "Evaluering", "due_date": datetime.date(2025, 6, 30)},
        actor=editor,
    )
    assert milestone.history.get().history_user == editor
    with pytest.raises(ValidationError) as error:
        services.milestone_update(
            milestone=milestone,
            data={"due_date": datetime.date(2021, 1, 1)},
            expected_lock_version=milestone.lock_version,
            actor=editor,
        )
    assert "due_date" in error.value.message_dict
    services.milestone_delete(milestone=milestone, actor=editor)
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
