"""The emergency plan's pages: the plan, levels and action cards, contacts, print version, incidents."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from helhedsplan.plans.models import Membership, Organisation
from helhedsplan.preparedness.models import ActionCard, Contact, EscalationLevel, Incident, PreparednessPlan
from tests.plans.factories import (
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
)
from tests.preparedness.factories import (
    IncidentFactory,
)
from tests.preparedness.page_fixtures import (
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_PHONE,
    build_preparedness,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    return build_preparedness()


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def as_user(client, world, role):
    client.force_login(world["users"][role])
    return client


def test_overview_shows_purpose_scope_ssp_link_activation_levels_and_cards(client, world):
    page = page_text(as_user(client, world, "reviewer").get(url(world, "overview")))

    for text in (
        "At genoprette trygheden hurtigt",
        "Alle 19 boligafdelinger.",
        "SSP&#x27;s akutberedskab",
        "Den boligsociale leder",
        "1. Normal",
        "2. Akut",
        "Alvorlig voldsepisode",
        "Ring 112.<br>Kontakt SSP-vagten.",
        "Boligsocial leder",
        "Politi, SSP, boligorganisation",
    ):
        assert text in page, text
    assert page.count("<h1") == 1


def test_without_an_emergency_plan_the_coordinator_is_offered_to_write_one(client):
    plan = PlanFactory()
    coordinator = MembershipFactory(plan=plan, role=Membership.Role.COORDINATOR).user
    client.force_login(coordinator)

    page = client.get(reverse("preparedness:overview", kwargs={"plan": plan.slug})).content.decode()
    assert reverse("preparedness:plan_create", kwargs={"plan": plan.slug}) in page

    response = client.post(
        reverse("preparedness:plan_create", kwargs={"plan": plan.slug}),
        {"purpose": "Formål", "scope": "Hele området", "activation": "Lederen"},
    )
    assert response.status_code == 302
    assert PreparednessPlan.objects.get(plan=plan).purpose == "Formål"
    # A second one is not made: the address leads to editing the one there is.
    again = client.get(reverse("preparedness:plan_create", kwargs={"plan": plan.slug}))
    assert again.status_code == 302
    assert again["Location"] == reverse("preparedness:plan_update", kwargs={"plan": plan.slug})


def test_a_coordinator_edits_the_plan_with_optimistic_locking(client, world):
    client = as_user(client, world, "coordinator")
    preparedness_plan = world["preparedness_plan"]
    stale_version = preparedness_plan.lock_version
    data = {"purpose": "Nyt formål", "scope": "", "lock_version": stale_version}

    assert client.post(url(world, "plan_update"), data).status_code == 302
    preparedness_plan.refresh_from_db()
    assert preparedness_plan.purpose == "Nyt formål"

    response = client.post(url(world, "plan_update"), {**data, "purpose": "Overskrevet"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    preparedness_plan.refresh_from_db()
    assert preparedness_plan.purpose == "Nyt formål"


def test_a_coordinator_adds_edits_and_deletes_levels_cards_and_contacts(client, world):
    client = as_user(client, world, "coordinator")

    assert (
        client.post(
            url(world, "level_create"), {"order": "3", "name": "Bydækkende", "criteria": "Flere områder"}
        )
    ).status_code == 302
    level = EscalationLevel.objects.get(name="Bydækkende")
    assert level.preparedness_plan == world["preparedness_plan"]
    response = client.post(
        url(world, "level_update", pk=level.pk),
        {"order": "3", "name": "Bydækkende niveau", "lock_version": level.lock_version},
    )
    assert response.status_code == 302
    assert client.post(url(world, "level_delete", pk=level.pk)).status_code == 302
    assert not EscalationLevel.objects.filter(pk=level.pk).exists()

    assert (
        client.post(
            url(world, "card_create"),
            {
                "order": "2",
                "scenario": "Skyderi",
                "responsible_role": "SSP-leder",
                "steps_first_hour": "Ring 112",
            },
        )
    ).status_code == 302
    card = ActionCard.objects.get(scenario="Skyderi")
    assert client.post(url(world, "card_delete", pk=card.pk)).status_code == 302

    response = client.post(
        url(world, "contact_create"),
        {
            "name": "Ny Person",
            "role": "Vagthavende",
            "organisation": world["ssp"].pk,
            "phone": "+45 33 66 33 66",
            "email": "vagt@example.org",
            "last_verified": timezone.localdate().isoformat(),
            "order": "3",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="Ny Person")
    response = client.post(
        url(world, "contact_update", pk=contact.pk),
        {
            "name": "Ny Person",
            "role": "Vagtleder",
            "organisation": world["ssp"].pk,
            "order": "3",
            "lock_version": contact.lock_version,
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Vagtleder"
    assert client.post(url(world, "contact_delete", pk=contact.pk)).status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"role": ""}, "role"),
        ({"phone": "ring til Hanne"}, "phone"),
        ({"email": "ikke-en-adresse"}, "email"),
        ({"last_verified": "2999-01-01"}, "last_verified"),
        ({"last_verified": "31-12-2024"}, "last_verified"),
        ({"organisation": "999999"}, "organisation"),
    ],
)
def test_bad_contact_input_is_refused_next_to_the_field(client, world, data, field):
    client = as_user(client, world, "coordinator")
    contact = world["contact"]
    before = Contact.objects.values().get(pk=contact.pk)
    post = {
        "name": contact.name,
        "role": contact.role,
        "organisation": world["ssp"].pk,
        "phone": contact.phone,
        "email": contact.email,
        "order": "1",
        "lock_version": contact.lock_version,
        **data,
    }

    response = client.post(url(world, "contact_update", pk=contact.pk), post)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert Contact.objects.values().get(pk=contact.pk) == before


def test_an_organisation_outside_the_plan_is_not_offered_for_contacts(client, world):
    outsider = OrganisationFactory(name="Fremmed forening", short_name="FF", kind=Organisation.Kind.OTHER)
    client = as_user(client, world, "coordinator")

    assert "Fremmed forening" not in client.get(url(world, "contact_create")).content.decode()
    count = Contact.objects.count()
    response = client.post(
        url(world, "contact_create"), {"name": "X", "role": "Y", "organisation": outsider.pk, "order": "0"}
    )
    assert "organisation" in response.context["form"].errors
    assert Contact.objects.count() == count


@pytest.mark.parametrize(
    ("data", "field"),
    [({"order": "1"}, "order"), ({"name": "Normal"}, "name"), ({"order": "en"}, "order")],
)
def test_levels_keep_their_places_and_names_unique(client, world, data, field):
    client = as_user(client, world, "coordinator")
    count = EscalationLevel.objects.count()

    response = client.post(url(world, "level_create"), {"order": "5", "name": "Ny", **data})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert EscalationLevel.objects.count() == count


def test_contacts_not_verified_within_12_months_are_flagged_in_words(client, world):
    page = page_text(as_user(client, world, "editor").get(url(world, "contacts")))

    stale_row = re.search(rf'<tr id="contact-{world["stale_contact"].pk}">(.*?)</tr>', page).group(1)
    current_row = re.search(rf'<tr id="contact-{world["contact"].pk}">(.*?)</tr>', page).group(1)
    assert "contact-flag" in stale_row
    assert "contact-flag" not in current_row
    assert SECRET_NAME in current_row
    assert f'href="tel:{SECRET_PHONE.replace(" ", "")}"' in current_row
    assert SECRET_EMAIL in current_row


def test_the_print_version_has_cards_and_contacts_and_print_css(client, world):
    page = page_text(as_user(client, world, "coordinator").get(url(world, "print")))

    assert "css/preparedness.css" in page
    assert "Alvorlig voldsepisode" in page
    assert SECRET_NAME in page
    assert SECRET_PHONE in page
    # No edit buttons on paper.
    assert url(world, "card_update", pk=world["card"].pk) not in page


def test_incidents_are_listed_by_status_then_newest_first(client, world):
    plan = world["plan"]
    older_open = IncidentFactory(
        plan=plan,
        level=world["levels"][0],
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        summary="Ældre åben hændelse",
    )

    response = as_user(client, world, "reviewer").get(url(world, "incidents"))

    assert response.context["open_incidents"] == [world["open_incident"], older_open]
    assert response.context["closed_incidents"] == [world["closed_incident"]]
    page = page_text(response)
    assert (
        page.index("Brand i kælderen") < page.index("Ældre åben hændelse") < page.index("Uro ved indgangen")
    )


def test_the_incident_page_shows_details_timeline_and_forms_for_those_who_may_log(client, world):
    incident = world["open_incident"]

    editor_page = page_text(as_user(client, world, "editor").get(url(world, "incident", pk=incident.pk)))
    assert "Brand i kælderen" in editor_page
    assert "Hørgården" in editor_page
    assert "Brandvæsenet er på stedet." in editor_page
    assert url(world, "log_entry_create", pk=incident.pk) in editor_page
    assert url(world, "incident_close", pk=incident.pk) in editor_page
    assert (
        url(world, "incident_update", pk=incident.pk) not in editor_page
    )  # corrections are the coordinator's

    reviewer_page = page_text(as_user(client, world, "reviewer").get(url(world, "incident", pk=incident.pk)))
    assert "Brandvæsenet er på stedet." in reviewer_page
    assert url(world, "log_entry_create", pk=incident.pk) not in reviewer_page
    assert url(world, "incident_close", pk=incident.pk) not in reviewer_page


def test_a_closed_incident_shows_its_evaluation_and_no_forms(client, world):
    incident = world["closed_incident"]

    page = page_text(as_user(client, world, "coordinator").get(url(world, "incident", pk=incident.pk)))

    assert "Hurtig kontakt til SSP." in page
    assert "Opdater telefonlisten." in page
    assert url(world, "log_entry_create", pk=incident.pk) not in page


def test_an_editor_opens_an_incident(client, world):
    editor = world["users"]["editor"]
    client.force_login(editor)
    occurred = timezone.localtime() - datetime.timedelta(minutes=20)

    response = client.post(
        url(world, "incident_create"),
        {
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "estate": world["estate"].pk,
            "location": "Opgang 4",
            "level": world["levels"][1].pk,
            "summary": "Knivstik ved opgang 4",
        },
    )

    assert response.status_code == 302
    incident = Incident.objects.get(summary="Knivstik ved opgang 4")
    assert response["Location"] == incident.get_absolute_url()
    assert incident.opened_by == editor
    assert incident.plan == world["plan"]
    assert incident.is_open


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"occurred_at": "i går"}, "occurred_at"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at"),
        ({"level": ""}, "level"),
    ],
)
def test_bad_incident_input_is_refused_next_to_the_field(client, world, data, field):
    client = as_user(client, world, "editor")
    count = Incident.objects.count()
    post = {
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "level": world["levels"][0].pk,
        "summary": "Hændelse",
        **data,
    }

    response = client.post(url(world, "incident_create"), post)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Incident.objects.count() == count


def test_another_plans_level_and_estate_are_refused_for_an_incident(client, world):
    other = build_preparedness(PlanFactory())
    client = as_user(client, world, "editor")
    count = Incident.objects.count()

    response = client.post(
        url(world, "incident_create"),
        {
            "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "level": other["levels"][0].pk,
            "estate": other["estate"].pk,
            "summary": "Forkert plan",
        },
    )

    assert set(response.context["form"].errors) >= {"level", "estate"}
    assert Incident.objects.count() == count


def test_a_coordinator_corrects_an_incident_and_its_evaluation(client, world):
    incident = world["closed_incident"]
    client = as_user(client, world, "coordinator")

    response = client.post(
        url(world, "incident_update", pk=incident.pk),
        {
            "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "level": world["levels"][1].pk,
            "summary": incident.summary,
            "evaluation_what_worked": "Rettet vurdering",
            "evaluation_lessons": incident.evaluation_lessons,
            "lock_version": incident.lock_version,
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.level == world["levels"][1]
    assert incident.evaluation_what_worked == "Rettet vurdering"


def test_every_editable_object_links_to_its_history(client, world):
    client = as_user(client, world, "coordinator")
    overview = client.get(url(world, "overview")).content.decode()
    contacts = client.get(url(world, "contacts")).content.decode()
    incident = client.get(url(world, "incident", pk=world["open_incident"].pk)).content.decode()

    assert f"preparedness.preparednessplan/{world['preparedness_plan'].pk}/" in overview
    assert f"preparedness.escalationlevel/{world['levels'][0].pk}/" in overview
    assert f"preparedness.actioncard/{world['card'].pk}/" in overview
    assert f"preparedness.contact/{world['contact'].pk}/" in contacts
    assert f"preparedness.incident/{world['open_incident'].pk}/" in incident
