"""An activity's milestones: kept by the editors of its delaftale, dated inside the plan's period, shown on the
activity's page with what is overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.goals import services
from helhedsplan.goals.models import Milestone
from tests.goals.factories import MilestoneFactory
from tests.goals.page_fixtures import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_editor_adds_a_milestone_from_the_activity_page(client, world):
    client.force_login(world.users["editor_this"])
    page = client.get(world.url("activity", pk=world.activity.pk)).content.decode()
    create_url = world.url("milestone_create", activity=world.activity.pk)
    assert create_url in page and "Ingen milepæle endnu." in page

    response = client.post(create_url, {"name": "Lektiecafé åbnet", "due_date": "2022-09-01"}, follow=True)

    milestone = Milestone.objects.get(name="Lektiecafé åbnet")
    assert milestone.activity == world.activity and milestone.done_date is None
    assert response.redirect_chain[-1][0] == world.activity.get_absolute_url()
    html = response.content.decode()
    assert "Lektiecafé åbnet" in html and "1. september 2022" in html
    assert "ikke endnu" in html


def test_marking_a_milestone_done(client, world):
    milestone = MilestoneFactory(
        activity=world.activity, name="Frivilligkorps", due_date=datetime.date(2023, 6, 30)
    )
    client.force_login(world.users["editor_this"])
    response = client.post(
        world.url("milestone_update", pk=milestone.pk),
        {
            "name": "Frivilligkorps",
            "due_date": "2023-06-30",
            "done_date": "2023-09-15",
            "lock_version": milestone.lock_version,
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_date == datetime.date(2023, 9, 15)
    assert milestone.history.count() == 2


def test_a_milestone_outside_the_period_is_refused_in_danish_and_nothing_saved(client, world):
    client.force_login(world.users["editor_this"])
    response = client.post(
        world.url("milestone_create", activity=world.activity.pk),
        {"name": "For sent", "due_date": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "Datoen skal ligge i planens periode" in response.content.decode()
    assert not Milestone.objects.filter(name="For sent").exists()


def test_an_overdue_milestone_is_flagged_and_a_done_one_is_not(client, world):
    client.force_login(world.users["reviewer"])
    url = world.url("activity", pk=world.activity.pk)
    flags_before = client.get(url).content.decode().count("overskredet")  # the activity's own, if any
    MilestoneFactory(activity=world.activity, name="Forsinket", due_date=datetime.date(2022, 6, 1))
    MilestoneFactory(
        activity=world.activity,
        name="Nået",
        due_date=datetime.date(2022, 6, 1),
        done_date=datetime.date(2022, 5, 20),
    )
    html = client.get(url).content.decode()
    assert html.count("overskredet") == flags_before + 1
    # A reviewer reads the milestones but is offered no way to change them.
    assert world.url("milestone_create", activity=world.activity.pk) not in html


def test_the_service_needs_no_form_and_validates(world):
    editor = world.users["editor_this"]
    milestone = services.milestone_create(
        activity=world.activity,
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
