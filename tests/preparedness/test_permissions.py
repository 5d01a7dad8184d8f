"""The emergency plan's own permission details, beyond the every-URL walk's table (tests/test_every_url.py),
where every preparedness URL is tried by every role: writing the emergency plan in a plan that has none is for
coordinators, and names, phones and e-mails of contacts reach coordinators and editors only — never a reviewer,
not on any page nor in a contact's history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from helhedsplan.preparedness.models import Contact, PreparednessPlan
from tests.preparedness.page_fixtures import (
    emergency_plan,
    open_incident,
    ssp_contact,
    url,
    without_emergency_plan,
)
from tests.world import ROLES, client_for

pytestmark = pytest.mark.django_db

#: What each role gets on a page that needs the contacts' details (as the walk's CONTACT_DETAILS).
DETAILS = {
    "anonymous": 302,
    "outsider": 404,
    "other_plan_coordinator": 404,
    "reviewer": 403,
    "limited_editor": 200,
    "editor": 200,
    "coordinator": 200,
}


def target(plan, name: str) -> str:
    return url(plan, name, pk=open_incident(plan).pk) if name == "incident" else url(plan, name)


def history(plan, obj) -> str:
    return reverse(
        "history",
        kwargs={
            "plan": plan.slug,
            "app_label": obj._meta.app_label,
            "model_name": obj._meta.model_name,
            "pk": obj.pk,
        },
    )


def personal_data(plan) -> list[str]:
    """Every contact's name, phone number (as written and as dialled), e-mail address and availability, as they
    would stand in a page."""
    values = []
    for contact in Contact.objects.in_plan(plan):
        values += [contact.name, contact.phone, contact.phone.replace(" ", ""), contact.availability]
        values += [contact.email] if contact.email else []
    assert all(values)
    return [escape(value) for value in values]


@pytest.mark.parametrize("role", ROLES)
def test_writing_the_emergency_plan_is_for_coordinators(amager_plan, personas, role):
    plan = without_emergency_plan(amager_plan)
    client = client_for(personas[role])
    create = reverse("preparedness:plan_create", kwargs={"plan": plan.slug})
    expected = DETAILS | {"limited_editor": 403, "editor": 403}

    assert client.get(create).status_code == expected[role]
    response = client.post(create, {"purpose": "Formål"})
    assert PreparednessPlan.objects.filter(plan=plan).exists() is (role == "coordinator")
    if role != "coordinator":
        assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ROLES)
def test_contact_history_is_for_those_who_may_see_contact_details(amager_plan, personas, role):
    contact = ssp_contact(amager_plan)
    response = client_for(personas[role]).get(history(amager_plan, contact))

    assert response.status_code == DETAILS[role]
    if response.status_code == 200:
        assert contact.name in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "limited_editor", "editor", "coordinator"])
def test_other_history_pages_are_for_every_member(amager_plan, personas, role):
    client = client_for(personas[role])
    plan = emergency_plan(amager_plan)
    for obj in (plan, plan.levels.first(), plan.action_cards.first()):
        assert client.get(history(amager_plan, obj)).status_code == 200
    # An incident's texts can name people: its page and history are for those who may see contact details.
    incident = open_incident(amager_plan)
    for address in (history(amager_plan, incident), incident.get_absolute_url()):
        assert client.get(address).status_code == DETAILS[role]


@pytest.mark.parametrize("name", ["contacts", "print", "overview", "incidents", "incident"])
def test_a_reviewer_never_receives_names_phones_or_emails(amager_plan, personas, name):
    page = client_for(personas.reviewer).get(target(amager_plan, name)).content.decode()

    for secret in personal_data(amager_plan):
        assert secret not in page
    if name in ("contacts", "print"):
        # …but does get the roles and organisations, and the verification flag.
        for contact in Contact.objects.in_plan(amager_plan).select_related("organisation"):
            assert escape(contact.role) in page
            assert escape(contact.organisation.short_name) in page
        assert "contact-flag" in page
        assert history(amager_plan, ssp_contact(amager_plan)) not in page


@pytest.mark.parametrize("role", ["limited_editor", "editor", "coordinator"])
def test_editors_and_coordinators_see_contact_details(amager_plan, personas, role):
    client = client_for(personas[role])
    contact = ssp_contact(amager_plan)
    for name in ("contacts", "print"):
        page = client.get(target(amager_plan, name)).content.decode()
        assert contact.name in page
        assert contact.email in page
