"""The incident log: entries only while open, closing needs an evaluation, and the pages' query counts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from helhedsplan.preparedness import services
from helhedsplan.preparedness.models import Incident, IncidentLogEntry
from tests.preparedness.factories import IncidentFactory, IncidentLogEntryFactory
from tests.preparedness.page_fixtures import closed_incident, level, open_incident, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, personas):
    client.force_login(personas.editor)
    return client


def incident_state(incident):
    return (
        Incident.objects.values().get(pk=incident.pk),
        list(IncidentLogEntry.objects.filter(incident=incident).order_by("pk").values()),
    )


def test_an_editor_adds_entries_to_an_open_incident(editor_client, amager_plan, personas):
    incident = open_incident(amager_plan)

    response = editor_client.post(
        url(amager_plan, "log_entry_create", pk=incident.pk),
        {"text": "Politiet har afspærret området.", "action_owner": "SSP"},
    )

    assert response.status_code == 302
    entry = incident.log_entries.latest("pk")
    assert entry.text == "Politiet har afspærret området."
    assert entry.entered_by == personas.editor
    assert abs(entry.at - timezone.now()) < datetime.timedelta(minutes=1)  # empty time means now


def test_a_log_entry_on_a_closed_incident_is_refused_with_a_message_and_nothing_saved(
    editor_client, amager_plan
):
    incident = closed_incident(amager_plan)
    before = incident_state(incident)

    response = editor_client.post(url(amager_plan, "log_entry_create", pk=incident.pk), {"text": "For sent"})

    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "error"
    assert incident_state(incident) == before
    # The form page itself refuses too, and the message is shown on the incident page.
    page = editor_client.get(url(amager_plan, "log_entry_create", pk=incident.pk), follow=True)
    assert page.redirect_chain[-1][0] == incident.get_absolute_url()
    assert 'class="alert alert-danger"' in page.content.decode()


def test_the_service_refuses_an_entry_once_the_incident_is_closed(amager_plan):
    """Even when the incident closes between showing the form and saving it."""
    incident = open_incident(amager_plan)
    services.incident_close(
        incident=incident,
        data={"evaluation_what_worked": "a", "evaluation_lessons": "b"},
        expected_lock_version=incident.lock_version,
        actor=None,
    )
    count = IncidentLogEntry.objects.count()

    with pytest.raises(services.IncidentClosed):
        services.incident_log_entry_add(
            incident=incident, data={"text": "For sent", "at": timezone.now()}, actor=None
        )

    assert IncidentLogEntry.objects.count() == count


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": ""}, "text"),
        ({"at": "2999-01-01T10:00"}, "at"),
        ({"at": "2000-01-01T10:00"}, "at"),  # before the incident happened
        ({"at": "klokken ti"}, "at"),
        ({"deadline": "i morgen"}, "deadline"),
    ],
)
def test_bad_log_entry_input_is_refused_and_nothing_saved(editor_client, amager_plan, data, field):
    incident = open_incident(amager_plan)
    before = incident_state(incident)

    response = editor_client.post(
        url(amager_plan, "log_entry_create", pk=incident.pk), {"text": "Noget skete", **data}
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert incident_state(incident) == before


def test_closing_with_an_evaluation(editor_client, amager_plan):
    incident = open_incident(amager_plan)

    response = editor_client.post(
        url(amager_plan, "incident_close", pk=incident.pk),
        {
            "lock_version": incident.lock_version,
            "what_worked": "Hurtig alarmering.",
            "lessons": "Nøgler til kælderen manglede.",
            "plan_changes": "Tilføj nøgleboks til handlingskortet.",
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.closed_at is not None
    assert incident.closed_at >= incident.occurred_at
    assert incident.evaluation_lessons == "Nøgler til kælderen manglede."
    assert incident.evaluation_plan_changes == "Tilføj nøgleboks til handlingskortet."


@pytest.mark.parametrize("missing", ["what_worked", "lessons"])
def test_closing_without_the_required_evaluation_is_refused(editor_client, amager_plan, missing):
    incident = open_incident(amager_plan)
    before = incident_state(incident)
    data = {
        "lock_version": incident.lock_version,
        "what_worked": "Noget",
        "lessons": "Noget andet",
        missing: "  ",
    }

    response = editor_client.post(url(amager_plan, "incident_close", pk=incident.pk), data)

    assert response.status_code == 200
    assert missing in response.context["form"].errors
    assert incident_state(incident) == before


def test_closing_twice_or_after_a_change_is_refused(editor_client, amager_plan):
    closed = closed_incident(amager_plan)
    before = incident_state(closed)
    data = {"lock_version": closed.lock_version, "what_worked": "x", "lessons": "y"}
    response = editor_client.post(url(amager_plan, "incident_close", pk=closed.pk), data)
    assert response.status_code == 302
    assert incident_state(closed) == before

    incident = open_incident(amager_plan)
    seen = incident.lock_version
    incident.summary = "Rettet af koordinatoren"
    incident.save()
    before = incident_state(incident)
    response = editor_client.post(
        url(amager_plan, "incident_close", pk=incident.pk),
        {"lock_version": seen, "what_worked": "x", "lessons": "y"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert incident_state(incident) == before


def test_the_incident_page_and_list_take_the_same_number_of_queries_with_one_or_many(
    editor_client, amager_plan, personas, django_assert_num_queries
):
    """The Amager plan's closed incident and an open one with one log entry, and then with 15 more incidents
    and 15 more entries."""
    incident = open_incident(amager_plan)

    def measure():
        # 1 session, 2 user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is
        # limited to, 5 incidents with level and estate.
        with django_assert_num_queries(5):
            assert editor_client.get(url(amager_plan, "incidents")).status_code == 200
        # 1 session, 2 user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is
        # limited to, 5 the incident with plan, level, estate and opener, 6 its log entries with who entered them.
        with django_assert_num_queries(6):
            assert editor_client.get(url(amager_plan, "incident", pk=incident.pk)).status_code == 200

    measure()
    for n in range(15):
        IncidentLogEntryFactory(incident=incident, text=f"Indførsel {n}", entered_by=personas.editor)
        IncidentFactory(
            plan=amager_plan,
            level=level(amager_plan, "Akut"),
            estate=incident.estate,
            summary=f"Hændelse {n}",
        )
    measure()
