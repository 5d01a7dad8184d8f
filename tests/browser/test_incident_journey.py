"""An editor opens an incident, logs two entries and closes it with an evaluation — axe on every page visited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from helhedsplan.preparedness.models import EscalationLevel, Incident
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_opens_logs_and_closes_an_incident(
    page, login, live_server, amager_plan, assert_no_axe_violations
):
    editor = login(page, make_personas(amager_plan).editor)
    slug = amager_plan.slug

    page.goto(reverse("preparedness:overview", kwargs={"plan": slug}))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    for name in ("contacts", "print"):
        page.goto(reverse(f"preparedness:{name}", kwargs={"plan": slug}))
        assert_no_axe_violations(page)

    incidents = reverse("preparedness:incidents", kwargs={"plan": slug})
    page.goto(incidents)
    assert_no_axe_violations(page)
    page.locator(f'a[href="{reverse("preparedness:incident_create", kwargs={"plan": slug})}"]').click()
    assert_no_axe_violations(page)

    level = EscalationLevel.objects.in_plan(amager_plan).get(name="Akut")
    occurred = timezone.localtime() - timezone.timedelta(minutes=30)
    page.locator("#id_occurred_at").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_estate").select_option(label="Hørgården")
    page.locator("#id_location").fill("Opgang 4")
    page.locator("#id_level").select_option(str(level.pk))
    page.locator("#id_summary").fill("Alvorlig voldsepisode ved opgang 4")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/beredskab/haendelser/\d+/$"))
    incident = Incident.objects.in_plan(amager_plan).get(summary="Alvorlig voldsepisode ved opgang 4")
    assert incident.opened_by == editor
    assert_no_axe_violations(page)

    for text in ("Politiet og SSP-vagten er alarmeret.", "Beboerne er orienteret i opgangen."):
        page.locator("#id_text").fill(text)
        page.locator(f'form[action$="/haendelser/{incident.pk}/log/ny/"] button[type=submit]').click()
        expect(page.locator(".incident-log")).to_contain_text(text)
    assert incident.log_entries.count() == 2
    assert_no_axe_violations(page)

    page.locator("#id_what_worked").fill("Hurtig alarmering af SSP.")
    page.locator("#id_lessons").fill("Nøgler til opgangen skal ligge i nøgleboksen.")
    page.locator("#id_plan_changes").fill("Nøgleboks tilføjes handlingskortet.")
    page.locator(f'form[action$="/haendelser/{incident.pk}/luk/"] button[type=submit]').click()

    expect(page.locator("#evaluation-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nøgler til opgangen skal ligge i nøgleboksen.")
    expect(page.locator("#id_text")).to_have_count(0)
    assert_no_axe_violations(page)
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.closed_at is not None

    page.goto(incidents)
    expect(page.locator("section[aria-labelledby=closed-heading]")).to_contain_text("Alvorlig voldsepisode")
    assert_no_axe_violations(page)
