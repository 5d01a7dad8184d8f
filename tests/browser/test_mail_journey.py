"""Mail in Chromium: the coordinator submits the 2024 report; the reviewer's mail (read from the test outbox) links
to the report; the reviewer returns it; the coordinator's mail links back; both change their mail settings.
axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.notifications.models import MailPreference
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in_latest_mail_to(address: str, path: str) -> str:
    """The link to ``path`` in the newest mail to ``address``, the same in its text and its HTML."""
    message = next(message for message in reversed(mail.outbox) if message.to == [address])
    (link,) = {found for found in re.findall(r"https?://\S+", message.body) if path in found}
    assert f'href="{link}"' in message.alternatives[0][0]
    return link


def test_report_mails_link_to_the_report_and_each_person_chooses_their_mail(
    page, login, live_server, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = live_server.url
    personas = make_personas(amager_plan)
    report_path = reverse("reports:report", kwargs={"plan": amager_plan.slug, "period": "2024"})

    login(page, personas.coordinator)
    page.goto(report_path)
    page.get_by_role("link", name="Indsend rapporten til Landsbyggefonden").click()
    submit = page.locator(".report-submit")
    # What the 2024 report lacks is listed first; the coordinator confirms it and submits all the same.
    submit.get_by_label("Jeg har læst, hvad rapporten mangler, og indsender den alligevel").check()
    submit.get_by_role("button", name="Indsend rapporten til Landsbyggefonden").click()
    expect(page.locator(".alert-success")).to_contain_text("indsendt")

    # The reviewer's mail links to the report; they return it with a comment.
    link = link_in_latest_mail_to(personas.reviewer.email, report_path)
    login(page, personas.reviewer)
    page.goto(link)
    expect(page.locator("h1")).to_contain_text("Årsrapport 2024")
    assert_no_axe_violations(page)
    page.get_by_label("Send rapporten retur med en kommentar").check()
    page.locator("#id_comment").fill("Afvigelsen på evaluering skal forklares.")
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The coordinator's mail says it was returned and links back to the report.
    returned = next(m for m in reversed(mail.outbox) if m.to == [personas.coordinator.email])
    assert "sendt retur" in returned.subject
    login(page, personas.coordinator)
    page.goto(link_in_latest_mail_to(personas.coordinator.email, report_path))
    expect(page.locator(".report-submissions")).to_contain_text("Afvigelsen på evaluering skal forklares.")
    assert_no_axe_violations(page)

    # Both change their mail settings: the coordinator drops the daily digest, the reviewer the notifications.
    page.get_by_role("link", name="E-mail", exact=True).click()
    expect(page.locator("h1")).to_have_text("E-mail")
    assert_no_axe_violations(page)
    page.get_by_label(f"Daglig oversigt fra {amager_plan.name}").uncheck()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".alert-success")).to_contain_text("Dine mailindstillinger er gemt.")
    assert_no_axe_violations(page)

    login(page, personas.reviewer)
    page.goto(reverse("notifications:settings"))
    page.get_by_label(f"Beskeder fra {amager_plan.name}").uncheck()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert_no_axe_violations(page)

    coordinator = MailPreference.objects.get(user=personas.coordinator, plan=amager_plan)
    reviewer = MailPreference.objects.get(user=personas.reviewer, plan=amager_plan)
    assert (coordinator.notifications, coordinator.digest) == (True, False)
    assert (reviewer.notifications, reviewer.digest) == (False, True)

    # The unsubscribe link of a mail works without logging in.
    unsubscribe = link_in_latest_mail_to(personas.coordinator.email, "/konto/e-mail/afmeld/")
    page.context.clear_cookies()
    page.goto(unsubscribe)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stop disse mails").click()
    expect(page.locator("#unsubscribe-done")).to_be_visible()
    coordinator.refresh_from_db()
    assert (coordinator.notifications, coordinator.digest) == (False, False)
