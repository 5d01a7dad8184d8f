"""Submitting the final report in Chromium, complete or consciously not: the coordinator opens "Indsend", sees
what the report lacks, is refused without confirming it, writes a reservation and submits; the reviewer finds the
report under "Afventer dit svar", reads it (on a phone too: the page as wide as the screen, its tables scrolling in
their own boxes) with the reservation on its front page and in the PDF, and approves it. axe-core on every page."""

from __future__ import annotations

import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.reports.models import Submission
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESERVATION = "Forbruget for 2025 er endnu ikke revideret; det eftersendes sammen med årets målinger."
PHONE = {"width": 390, "height": 844}


def test_the_final_report_submitted_with_a_reservation_and_approved(
    page, login, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    slug = amager_plan.slug
    personas = make_personas(amager_plan)
    report_url = reverse("reports:report", kwargs={"plan": slug, "period": "slut"})

    # The coordinator opens "Indsend" and sees what the report lacks.
    login(page, personas.coordinator)
    page.goto(report_url)
    page.get_by_role("link", name="Indsend rapporten til Landsbyggefonden").click()
    submit = page.locator(".report-submit")
    expect(submit).to_contain_text("Rapporten mangler følgende.")
    expect(submit).to_contain_text("År uden kendt forbrug: 2025")
    expect(submit).to_contain_text("uden værdi for 2025")
    assert_no_axe_violations(page)

    # Without confirming the list: refused, nothing frozen.
    submit.get_by_label("Forbehold (valgfrit)").fill(RESERVATION)
    submit.get_by_role("button", name="Indsend rapporten til Landsbyggefonden").click()
    expect(page.locator(".report-submit")).to_contain_text("Bekræft, at du indsender den alligevel")
    assert not Submission.objects.filter(report__plan=amager_plan).exists()
    assert_no_axe_violations(page)

    # Confirmed, with the reservation: submitted.
    submit = page.locator(".report-submit")
    submit.get_by_label("Jeg har læst, hvad rapporten mangler, og indsender den alligevel").check()
    submit.get_by_label("Forbehold (valgfrit)").fill(RESERVATION)
    submit.get_by_role("button", name="Indsend rapporten til Landsbyggefonden").click()
    expect(page.locator(".alert-success")).to_contain_text("indsendt")
    expect(page.locator(".report-reservation")).to_contain_text(RESERVATION)
    assert_no_axe_violations(page)
    submission = Submission.objects.get(report__plan=amager_plan, report__kind="final")
    assert submission.reservation == RESERVATION

    # The reviewer is told: "Afventer dit svar" heads "Kræver opmærksomhed".
    login(page, personas.reviewer)
    page.goto(reverse("overview:dashboard", kwargs={"plan": slug}))
    first_group = page.locator(".attention-list").first
    expect(page.locator("#attention-your-answer")).to_have_text("Afventer dit svar")
    expect(first_group).to_contain_text("Slutrapport")
    assert_no_axe_violations(page)
    first_group.get_by_role("link", name="Slutrapport").click()

    # The reviewer reads the report, with the reservation on its front page and in the PDF.
    expect(page.locator(".report-front .report-reservation")).to_contain_text(RESERVATION)
    with page.expect_download() as download:
        page.locator(".report-submissions").get_by_role("link", name="PDF").first.click()
    pdf = download.value.path().read_bytes()
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert RESERVATION in text
    assert_no_axe_violations(page)

    # On a phone: the page is as wide as the screen; the tables scroll inside their own (focusable) boxes.
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    boxes = page.locator(".report-scroll")
    assert boxes.count() > 0
    assert page.evaluate(
        "[...document.querySelectorAll('.report-scroll')].some((box) => box.scrollWidth > box.clientWidth)"
    ), "at 390 px some table scrolls in its box"
    assert_no_axe_violations(page)
    page.goto(reverse("budget:overview", kwargs={"plan": slug}))
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    assert_no_axe_violations(page)  # the budget page's scrolling tables are reachable by keyboard

    # The reviewer approves.
    page.goto(report_url)
    page.get_by_label("Godkend rapporten").check()
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert_no_axe_violations(page)
    submission.refresh_from_db()
    assert submission.outcome == "approved"
