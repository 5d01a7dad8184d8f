"""The emergency plan's writes without a form: the models' rules answer every caller, the actor is recorded."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helhedsplan.core.services import EditConflict
from helhedsplan.preparedness import services
from helhedsplan.preparedness.models import Contact, Incident
from tests.preparedness.factories import (
    ActionCardFactory,
    ContactFactory,
    EscalationLevelFactory,
    IncidentFactory,
)
from tests.preparedness.page_fixtures import emergency_plan, level, open_incident, ssp_contact, url

pytestmark = pytest.mark.django_db


def contact_data(plan, **changes) -> dict:
    organisation = ssp_contact(plan).organisation
    return {"name": "Ny Person", "role": "Vagthavende", "organisation": organisation, "order": 10, **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "ring til Hanne"}, "phone"),
        ({"last_verified": datetime.date(2999, 1, 1)}, "last_verified"),
    ],
)
def test_a_contacts_rules_are_the_models(amager_plan, changes, field):
    count = Contact.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.contact_create(
            preparedness_plan=emergency_plan(amager_plan),
            data=contact_data(amager_plan, **changes),
            actor=None,
        )

    assert field in raised.value.message_dict
    assert Contact.objects.count() == count


def test_a_contact_is_written_with_who_did_it(amager_plan, personas):
    coordinator = personas.coordinator

    contact = services.contact_create(
        preparedness_plan=emergency_plan(amager_plan),
        data=contact_data(amager_plan, phone="+45 33 66 33 66"),
        actor=coordinator,
    )
    services.contact_update(
        contact=contact,
        data={"role": "Vagtleder"},
        expected_lock_version=contact.lock_version,
        actor=coordinator,
    )

    assert [record.history_user for record in contact.history.all()] == [coordinator, coordinator]
    with pytest.raises(EditConflict):
        services.contact_update(
            contact=contact, data={"role": "X"}, expected_lock_version=1, actor=coordinator
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"order": 1}, "order"),
        ({"name": "Normal"}, "name"),
    ],
)
def test_a_levels_place_and_name_are_unique_in_the_emergency_plan_with_a_message(amager_plan, data, field):
    # The Amager plan's levels take the places 1 to 4; the first is Normal.
    with pytest.raises(ValidationError) as raised:
        services.escalation_level_create(
            preparedness_plan=emergency_plan(amager_plan), data={"order": 5, "name": "Ny", **data}, actor=None
        )
    assert raised.value.message_dict[field]


def test_an_incident_cannot_happen_in_the_future_and_is_opened_by_the_actor(amager_plan, personas):
    editor = personas.editor
    data = {
        "occurred_at": timezone.now() + datetime.timedelta(days=1),
        "level": level(amager_plan, "Normal"),
        "summary": "x",
    }

    with pytest.raises(ValidationError) as raised:
        services.incident_open(plan=amager_plan, data=data, actor=editor)
    assert "occurred_at" in raised.value.message_dict

    incident = services.incident_open(
        plan=amager_plan, data={**data, "occurred_at": timezone.now()}, actor=editor
    )
    assert incident.opened_by == editor
    assert incident.history.get().history_user == editor


def test_a_log_entry_without_a_time_is_logged_now_and_never_before_the_incident(amager_plan, personas):
    incident = open_incident(amager_plan)
    editor = personas.editor

    entry = services.incident_log_entry_add(incident=incident, data={"text": "Nu"}, actor=editor)

    assert abs(entry.at - timezone.now()) < datetime.timedelta(minutes=1)
    assert entry.entered_by == editor
    with pytest.raises(ValidationError) as raised:
        services.incident_log_entry_add(
            incident=incident,
            data={"text": "Før", "at": incident.occurred_at - datetime.timedelta(hours=1)},
            actor=editor,
        )
    assert "at" in raised.value.message_dict


def test_closing_records_the_actor_and_checks_the_lock(amager_plan, personas):
    incident = open_incident(amager_plan)
    editor = personas.editor
    evaluation = {"evaluation_what_worked": "a", "evaluation_lessons": "b"}

    with pytest.raises(EditConflict):
        services.incident_close(incident=incident, data=evaluation, expected_lock_version=0, actor=editor)
    closed = services.incident_close(
        incident=incident, data=evaluation, expected_lock_version=incident.lock_version, actor=editor
    )

    assert closed.status == Incident.Status.CLOSED
    assert closed.history.latest().history_user == editor
    with pytest.raises(services.IncidentClosed):
        services.incident_close(
            incident=incident, data=evaluation, expected_lock_version=closed.lock_version, actor=editor
        )


def test_the_pages_take_the_same_number_of_queries_with_few_or_many_rows(client, amager_plan, personas):
    """The Amager plan's emergency plan as the file has it (4 levels, 6 action cards, 9 contacts), and again with
    ten more of each."""
    client.force_login(personas.coordinator)

    def counts() -> list[int]:
        found = []
        for name in ("overview", "contacts", "print"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(amager_plan, name)).status_code == 200
            found.append(len(queries.captured_queries))
        return found

    few = counts()
    plan, organisation = emergency_plan(amager_plan), ssp_contact(amager_plan).organisation
    for n in range(10):
        EscalationLevelFactory(preparedness_plan=plan, order=10 + n, name=f"Niveau {n}")
        ActionCardFactory(preparedness_plan=plan, scenario=f"Scenarie {n}")
        ContactFactory(preparedness_plan=plan, organisation=organisation)

    assert counts() == few


def test_an_incident_that_closed_before_it_happened_is_refused_at_its_time(amager_plan):
    incident = IncidentFactory(
        plan=amager_plan,
        level=level(amager_plan, "Normal"),
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        status=Incident.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as raised:
        services.incident_update(
            incident=incident,
            data={"occurred_at": timezone.now() - datetime.timedelta(hours=1)},
            expected_lock_version=incident.lock_version,
            actor=None,
        )
    assert "occurred_at" in raised.value.message_dict
