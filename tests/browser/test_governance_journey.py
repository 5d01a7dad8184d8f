"""A coordinator sends the 2024 report to the bestyrelse from its page, adds the board's meeting with its minutes,
records the decision approving the report, and the report's front page shows the bestyrelse's approval date from
that decision — before it is submitted, and in the submitted report too. Axe on every page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.governance.models import Body, Meeting, MeetingDecision
from helhedsplan.reports.models import Report
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_board_meeting_approves_the_2024_report_and_its_front_page_says_so(
    page, login, live_server, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = make_personas(amager_plan).coordinator
    login(page, coordinator)
    report_url = reverse("reports:report", kwargs={"plan": amager_plan.slug, "period": "2024"})
    page.goto(report_url)
    expect(page.locator("#board-approved-on")).to_have_count(0)
    # The year is over and the board has not approved the report: the coordinator sends it to the board.
    expect(page.locator("#board-approval")).to_contain_text("Landsbyggefonden beder om datoen")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send til bestyrelsen").click()
    expect(page.locator(".alert-success")).to_contain_text("Rapporten er klar til bestyrelsen")
    expect(page.locator("#board-approval")).to_contain_text("Rapporten er klar til bestyrelsen")
    assert_no_axe_violations(page)
    report = Report.objects.get(plan=amager_plan, kind="yearly", year=2024)
    assert not report.submissions.exists()

    page.goto(reverse("governance:bodies", kwargs={"plan": amager_plan.slug}))
    board = Body.objects.in_plan(amager_plan).get(kind=Body.Kind.BOARD)
    assert_no_axe_violations(page)
    page.locator(f"#body-{board.pk}-heading a").click()
    expect(page.locator("h1")).to_contain_text(board.name)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Tilføj et møde").click()
    assert_no_axe_violations(page)
    page.locator("#id_date").fill("2025-03-12")
    page.locator("#id_agenda").fill("1. Årsrapport 2024 til Landsbyggefonden")
    page.locator("#id_minutes").set_input_files(
        {"name": "referat-bestyrelsen.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    meeting = Meeting.objects.get(body=board, date=datetime.date(2025, 3, 12))
    expect(page).to_have_url(live_server.url + meeting.get_absolute_url())
    minutes = reverse("governance:minutes", kwargs={"plan": amager_plan.slug, "pk": meeting.pk})
    expect(page.locator(f'a[href="{minutes}"]')).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Registrer en beslutning").click()
    assert_no_axe_violations(page)
    page.locator("#id_text").fill("Bestyrelsen godkender årsrapporten for 2024.")
    page.locator("#id_approves_report").select_option(label="Årsrapport 2024")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#decisions")).to_contain_text("Årsrapport 2024")
    assert_no_axe_violations(page)
    decision = MeetingDecision.objects.get(meeting=meeting)
    assert decision.approves_report == report

    page.goto(report_url)
    expect(page.locator("#board-approved-on")).to_have_text("12. marts 2025")
    expect(page.locator("main")).to_contain_text(board.name)
    expect(page.locator("#board-approval")).to_have_count(0)
    assert_no_axe_violations(page)

    # Submitted afterwards: the frozen report carries the bestyrelse's approval date.
    page.get_by_role("link", name="Indsend rapporten til Landsbyggefonden").click()
    if page.locator("#id_gaps_confirmed").count():
        page.locator("#id_gaps_confirmed").check()
    # Submitting makes the PDF right after the commit (the tests' immediate task backend): it takes its time.
    page.locator("#submit-heading ~ form button[type=submit]").click(timeout=60_000)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("article.report-submitted #board-approved-on")).to_have_text("12. marts 2025")
    assert_no_axe_violations(page)
    submission = report.submissions.get()
    assert '<span id="board-approved-on">12. marts 2025</span>' in submission.pdf_html
    # The minutes download as stored.
    response = page.request.get(minutes)
    assert response.ok and response.body() == PDF
