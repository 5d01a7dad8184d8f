"""The emergency plan's pages: the plan, levels and action cards, contacts, print version, incidents."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from helhedsplan.plans.models import Organisation
from helhedsplan.preparedness.models import ActionCard, Contact, EscalationLevel, Incident, PreparednessPlan
from tests.plans.factories import OrganisationFactory
from tests.preparedness.factories import IncidentFactory
from tests.preparedness.page_fixtures import (
    closed_incident,
    emergency_plan,
    level,
    open_incident,
    ssp_contact,
    url,
    without_emergency_plan,
)
from tests.world import client_for

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def as_user(client, user):
    client.force_login(user)
    return client


def test_overview_shows_purpose_scope_ssp_link_activation_levels_and_cards(client, amager_plan, personas):
    # A card's first steps on two lines, as a coordinator may write them.
    card = ActionCard.objects.in_plan(amager_plan).get(scenario="Brandstiftelse")
    card.steps_first_hour = "Ring 112.\nOrientér ejendomsdriften og den boligsociale leder."
    card.save()

    page = page_text(as_user(client, personas.reviewer).get(url(amager_plan, "overview")))

    for text in (
        "Sikre en hurtig og koordineret indsats",
        "Alle 19 boligafdelinger i helhedsplanen og deres nærområder.",
        "SSP&#x27;s akutberedskab",
        "Den boligsociale leder eller SSP-konsulenten",
        "1. Normal",
        "2. Skærpet",
        "3. Akut",
        "4. Bydækkende",
        "Brandstiftelse",
        "Ring 112.<br>Orientér ejendomsdriften og den boligsociale leder.",
        "Boligorganisationens vagthavende",
        "Brandvæsenet, politiet, ejendomsdriften",
    ):
        assert text in page, text
    assert page.count("<h1") == 1


def test_without_an_emergency_plan_the_coordinator_is_offered_to_write_one(client, amager_plan, personas):
    plan = without_emergency_plan(amager_plan)
    client.force_login(personas.coordinator)

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


def test_a_coordinator_edits_the_plan_with_optimistic_locking(client, amager_plan, personas):
    client = as_user(client, personas.coordinator)
    preparedness_plan = emergency_plan(amager_plan)
    stale_version = preparedness_plan.lock_version
    data = {"purpose": "Nyt formål", "scope": "", "lock_version": stale_version}

    assert client.post(url(amager_plan, "plan_update"), data).status_code == 302
    preparedness_plan.refresh_from_db()
    assert preparedness_plan.purpose == "Nyt formål"

    response = client.post(url(amager_plan, "plan_update"), {**data, "purpose": "Overskrevet"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    preparedness_plan.refresh_from_db()
    assert preparedness_plan.purpose == "Nyt formål"


def test_a_coordinator_adds_edits_and_deletes_levels_cards_and_contacts(client, amager_plan, personas):
    client = as_user(client, personas.coordinator)
    organisation = ssp_contact(amager_plan).organisation

    assert (
        client.post(
            url(amager_plan, "level_create"), {"order": "5", "name": "Regional", "criteria": "Flere bydele"}
        )
    ).status_code == 302
    new_level = EscalationLevel.objects.get(name="Regional")
    assert new_level.preparedness_plan == emergency_plan(amager_plan)
    response = client.post(
        url(amager_plan, "level_update", pk=new_level.pk),
        {"order": "5", "name": "Regionalt niveau", "lock_version": new_level.lock_version},
    )
    assert response.status_code == 302
    assert client.post(url(amager_plan, "level_delete", pk=new_level.pk)).status_code == 302
    assert not EscalationLevel.objects.filter(pk=new_level.pk).exists()

    assert (
        client.post(
            url(amager_plan, "card_create"),
            {
                "order": "7",
                "scenario": "Skyderi",
                "responsible_role": "SSP-leder",
                "steps_first_hour": "Ring 112",
            },
        )
    ).status_code == 302
    card = ActionCard.objects.get(scenario="Skyderi")
    assert client.post(url(amager_plan, "card_delete", pk=card.pk)).status_code == 302

    response = client.post(
        url(amager_plan, "contact_create"),
        {
            "name": "Ny Person",
            "role": "Vagthavende",
            "organisation": organisation.pk,
            "phone": "+45 33 66 33 66",
            "email": "vagt@example.org",
            "last_verified": timezone.localdate().isoformat(),
            "order": "10",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="Ny Person")
    response = client.post(
        url(amager_plan, "contact_update", pk=contact.pk),
        {
            "name": "Ny Person",
            "role": "Vagtleder",
            "organisation": organisation.pk,
            "order": "10",
            "lock_version": contact.lock_version,
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "Vagtleder"
    assert client.post(url(amager_plan, "contact_delete", pk=contact.pk)).status_code == 302
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
def test_bad_contact_input_is_refused_next_to_the_field(client, amager_plan, personas, data, field):
    client = as_user(client, personas.coordinator)
    contact = ssp_contact(amager_plan)
    before = Contact.objects.values().get(pk=contact.pk)
    post = {
        "name": contact.name,
        "role": contact.role,
        "organisation": contact.organisation_id,
        "phone": contact.phone,
        "email": contact.email,
        "order": str(contact.order),
        "lock_version": contact.lock_version,
        **data,
    }

    response = client.post(url(amager_plan, "contact_update", pk=contact.pk), post)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert Contact.objects.values().get(pk=contact.pk) == before


def test_an_organisation_outside_the_plan_is_not_offered_for_contacts(client, amager_plan, personas):
    outsider = OrganisationFactory(name="Fremmed forening", short_name="FF", kind=Organisation.Kind.OTHER)
    client = as_user(client, personas.coordinator)

    assert "Fremmed forening" not in client.get(url(amager_plan, "contact_create")).content.decode()
    count = Contact.objects.count()
    response = client.post(
        url(amager_plan, "contact_create"),
        {"name": "X", "role": "Y", "organisation": outsider.pk, "order": "0"},
    )
    assert "organisation" in response.context["form"].errors
    assert Contact.objects.count() == count


@pytest.mark.parametrize(
    ("data", "field"),
    [({"order": "1"}, "order"), ({"name": "Normal"}, "name"), ({"order": "en"}, "order")],
)
def test_levels_keep_their_places_and_names_unique(client, amager_plan, personas, data, field):
    # The Amager plan's levels take the places 1 to 4; the first is Normal.
    client = as_user(client, personas.coordinator)
    count = EscalationLevel.objects.count()

    response = client.post(url(amager_plan, "level_create"), {"order": "5", "name": "Ny", **data})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert EscalationLevel.objects.count() == count


def test_contacts_not_verified_within_12_months_are_flagged_in_words(client, amager_plan, personas):
    today = timezone.localdate()
    current = ssp_contact(amager_plan)
    stale = Contact.objects.in_plan(amager_plan).exclude(pk=current.pk).order_by("pk").first()
    Contact.objects.filter(pk=current.pk).update(last_verified=today - datetime.timedelta(days=30))
    Contact.objects.filter(pk=stale.pk).update(last_verified=today - datetime.timedelta(days=400))

    page = page_text(as_user(client, personas.editor).get(url(amager_plan, "contacts")))

    stale_row = re.search(rf'<tr id="contact-{stale.pk}">(.*?)</tr>', page).group(1)
    current_row = re.search(rf'<tr id="contact-{current.pk}">(.*?)</tr>', page).group(1)
    assert "contact-flag" in stale_row
    assert "contact-flag" not in current_row
    assert current.name in current_row
    assert f'href="tel:{current.phone.replace(" ", "")}"' in current_row
    assert current.email in current_row


def test_the_print_version_has_cards_and_contacts_and_print_css(client, amager_plan, personas):
    page = page_text(as_user(client, personas.coordinator).get(url(amager_plan, "print")))
    card = ActionCard.objects.in_plan(amager_plan).get(scenario="Brandstiftelse")
    contact = ssp_contact(amager_plan)

    assert "css/preparedness.css" in page
    assert "Brandstiftelse" in page
    assert contact.name in page
    assert contact.phone in page
    # No edit buttons on paper.
    assert url(amager_plan, "card_update", pk=card.pk) not in page


def test_incidents_are_listed_by_status_then_newest_first(client, amager_plan, personas):
    newest_open = open_incident(amager_plan)
    older_open = IncidentFactory(
        plan=amager_plan,
        level=level(amager_plan, "Normal"),
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        summary="Ældre åben hændelse",
    )
    closed = closed_incident(amager_plan)

    response = as_user(client, personas.editor).get(url(amager_plan, "incidents"))

    assert response.context["open_incidents"] == [newest_open, older_open]
    assert response.context["closed_incidents"] == [closed]
    page = page_text(response)
    assert page.index("Brand i kælderen") < page.index("Ældre åben hændelse") < page.index(closed.summary)
    # A reviewer gets the same rows as date, level and state: an incident's texts can name people.
    reviewer_page = page_text(as_user(client, personas.reviewer).get(url(amager_plan, "incidents")))
    assert "Brand i kælderen" not in reviewer_page and closed.summary not in reviewer_page
    shown = len(response.context["open_incidents"]) + len(response.context["closed_incidents"])
    assert reviewer_page.count("Vises ikke: en hændelses tekster kan nævne personer.") == shown


def test_the_incident_page_shows_details_timeline_and_forms_for_those_who_may_log(
    client, amager_plan, personas
):
    incident = open_incident(amager_plan)

    editor_page = page_text(
        as_user(client, personas.editor).get(url(amager_plan, "incident", pk=incident.pk))
    )
    assert "Brand i kælderen" in editor_page
    assert "Hørgården" in editor_page
    assert "Brandvæsenet er på stedet." in editor_page
    assert url(amager_plan, "log_entry_create", pk=incident.pk) in editor_page
    assert url(amager_plan, "incident_close", pk=incident.pk) in editor_page
    assert (
        url(amager_plan, "incident_update", pk=incident.pk) not in editor_page
    )  # corrections are the coordinator's

    # Its summary, log and evaluation can name people: never a reviewer's (they get the list's date, level, state).
    response = as_user(client, personas.reviewer).get(url(amager_plan, "incident", pk=incident.pk))
    assert response.status_code == 403
    assert "Brandvæsenet er på stedet." not in response.content.decode()


def test_a_closed_incident_shows_its_evaluation_and_no_forms(client, amager_plan, personas):
    incident = closed_incident(amager_plan)

    page = page_text(as_user(client, personas.coordinator).get(url(amager_plan, "incident", pk=incident.pk)))

    assert "Hurtig kontakt mellem SSP-konsulenten og politiet; klubberne holdt længere åbent." in page
    assert "Information til beboerne kom først næste dag; den skal ud samme aften." in page
    assert url(amager_plan, "log_entry_create", pk=incident.pk) not in page


def test_an_editor_opens_an_incident(client, amager_plan, personas):
    editor = personas.editor
    client.force_login(editor)
    occurred = timezone.localtime() - datetime.timedelta(minutes=20)

    response = client.post(
        url(amager_plan, "incident_create"),
        {
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "estate": amager_plan.estates.get(name="Hørgården").pk,
            "location": "Opgang 4",
            "level": level(amager_plan, "Akut").pk,
            "summary": "Knivstik ved opgang 4",
        },
    )

    assert response.status_code == 302
    incident = Incident.objects.get(summary="Knivstik ved opgang 4")
    assert response["Location"] == incident.get_absolute_url()
    assert incident.opened_by == editor
    assert incident.plan == amager_plan
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
def test_bad_incident_input_is_refused_next_to_the_field(client, amager_plan, personas, data, field):
    client = as_user(client, personas.editor)
    count = Incident.objects.count()
    post = {
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "level": level(amager_plan, "Normal").pk,
        "summary": "Hændelse",
        **data,
    }

    response = client.post(url(amager_plan, "incident_create"), post)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Incident.objects.count() == count


def test_another_plans_level_and_estate_are_refused_for_an_incident(
    client, amager_plan, personas, other_plan
):
    client = as_user(client, personas.editor)
    count = Incident.objects.count()

    response = client.post(
        url(amager_plan, "incident_create"),
        {
            "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "level": EscalationLevel.objects.in_plan(other_plan).first().pk,
            "estate": other_plan.estates.first().pk,
            "summary": "Forkert plan",
        },
    )

    assert set(response.context["form"].errors) >= {"level", "estate"}
    assert Incident.objects.count() == count


def test_a_coordinator_corrects_an_incident_and_its_evaluation(client, amager_plan, personas):
    incident = closed_incident(amager_plan)  # at the level Skærpet
    client = as_user(client, personas.coordinator)

    response = client.post(
        url(amager_plan, "incident_update", pk=incident.pk),
        {
            "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "level": level(amager_plan, "Akut").pk,
            "summary": incident.summary,
            "evaluation_what_worked": "Rettet vurdering",
            "evaluation_lessons": incident.evaluation_lessons,
            "lock_version": incident.lock_version,
        },
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.level == level(amager_plan, "Akut")
    assert incident.evaluation_what_worked == "Rettet vurdering"


def test_every_editable_object_links_to_its_history(client, amager_plan, personas):
    client = as_user(client, personas.coordinator)
    incident = open_incident(amager_plan)
    preparedness_plan = emergency_plan(amager_plan)
    overview = client.get(url(amager_plan, "overview")).content.decode()
    contacts = client.get(url(amager_plan, "contacts")).content.decode()
    incident_page = client.get(url(amager_plan, "incident", pk=incident.pk)).content.decode()

    assert f"preparedness.preparednessplan/{preparedness_plan.pk}/" in overview
    assert f"preparedness.escalationlevel/{preparedness_plan.levels.first().pk}/" in overview
    assert f"preparedness.actioncard/{preparedness_plan.action_cards.first().pk}/" in overview
    assert f"preparedness.contact/{ssp_contact(amager_plan).pk}/" in contacts
    assert f"preparedness.incident/{incident.pk}/" in incident_page


def test_the_example_emergency_plans_texts_and_levels_are_marked_on_the_page_and_in_print(
    amager_plan, personas
):
    preparedness_plan = PreparednessPlan.objects.get(plan=amager_plan)
    assert (
        preparedness_plan.is_example
    )  # Amager's emergency plan is the demo's: the seed names only that it exists
    mark = 'example-badge" title='
    for name in ("overview", "print"):
        page = client_for(personas.coordinator).get(
            reverse(f"preparedness:{name}", kwargs={"plan": amager_plan.slug})
        )
        html = page.content.decode()
        assert 'id="preparedness-example"' in html, name
        levels = re.search(r'levels-heading" class="h4">(.*?)</h2>', html).group(1)
        assert mark in levels, name
        assert "markerer opdigtede demodata" in html, name  # the one legend explains the mark
    # A real (not example) emergency plan carries no mark.
    preparedness_plan.is_example = False
    preparedness_plan.save()
    html = client_for(personas.coordinator).get(
        reverse("preparedness:overview", kwargs={"plan": amager_plan.slug})
    )
    assert 'id="preparedness-example"' not in html.content.decode()
