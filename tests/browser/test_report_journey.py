"""The yearly report's whole cycle in Chromium: the coordinator writes a milestone and the year's narrative and
submits the 2024 report; Landsbyggefonden's reviewer downloads the PDF and returns it with a comment; the
coordinator answers and submits again; the reviewer approves. axe-core on every page visited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.agreements.models import Narrative, SubAgreement
from helhedsplan.goals.models import Activity, Milestone
from helhedsplan.reports.models import Submission
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def confirm_what_is_missing(page) -> None:
    """The 2024 report still lacks something (other delaftaler's narratives, measurements): confirm the list."""
    expect(page.locator(".report-submit")).to_contain_text("Rapporten mangler følgende.")
    page.get_by_label("Jeg har læst, hvad rapporten mangler, og indsender den alligevel").check()


def test_the_yearly_report_from_writing_to_approval(
    page, login, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    slug = amager_plan.slug
    personas = make_personas(amager_plan)
    login(page, personas.coordinator)

    # A milestone on an activity.
    activity = Activity.objects.in_plan(amager_plan).get(name="Fritidsjob")
    page.goto(activity.get_absolute_url())
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ny milepæl").click()
    page.locator("#id_name").fill("Tyve nye fritidsjob hos ejendomsdriften")
    page.locator("#id_due_date").fill("2024-09-30")
    page.locator("#id_done_date").fill("2024-10-15")
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tyve nye fritidsjob hos ejendomsdriften")
    assert_no_axe_violations(page)
    assert Milestone.objects.filter(activity=activity, name__startswith="Tyve").exists()

    # The year's narrative of the delaftale.
    employment = SubAgreement.objects.in_plan(amager_plan).get(focus_area="employment")
    page.goto(employment.get_absolute_url())
    page.locator("#narrative-2024").get_by_role("link", name="Skriv").click()
    page.locator("#id_went_well").fill("Flere unge fik fritidsjob end ventet.")
    page.locator("#id_went_badly").fill("Jobvejledningen nåede få ledige over 50.")
    page.locator("#id_changes").fill("Vejledningen flytter til beboerhuset om aftenen.")
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#narrative-2024")).to_contain_text("Flere unge fik fritidsjob end ventet.")
    assert Narrative.objects.filter(sub_agreement=employment, year=2024).exists()

    # The report: read, then submitted.
    page.goto(reverse("reports:archive", kwargs={"plan": slug}))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Årsrapport 2024").click()
    expect(page.locator("main")).to_contain_text("Flere unge fik fritidsjob end ventet.")
    expect(page.locator("main")).to_contain_text("Tyve nye fritidsjob hos ejendomsdriften")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Indsend rapporten til Landsbyggefonden").click()
    confirm_what_is_missing(page)
    page.get_by_role("button", name="Indsend rapporten til Landsbyggefonden").click()
    expect(page.locator(".alert-success")).to_contain_text("indsendt")
    assert_no_axe_violations(page)
    first = Submission.objects.get(report__plan=amager_plan, report__year=2024)

    # The reviewer downloads the PDF and returns the report with a comment.
    login(page, personas.reviewer)
    page.goto(reverse("reports:report", kwargs={"plan": slug, "period": "2024"}))
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.locator(".report-submissions").get_by_role("link", name="PDF").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_label("Send rapporten retur med en kommentar").check()
    page.locator("#id_comment").fill("Afvigelsen på evaluering skal forklares.")
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".report-submissions")).to_contain_text("Afvigelsen på evaluering skal forklares.")
    assert_no_axe_violations(page)

    # The coordinator answers the comment and submits again.
    login(page, personas.coordinator)
    page.goto(reverse("reports:report", kwargs={"plan": slug, "period": "2024"}))
    page.locator("#id_text").fill("Midtvejsevalueringen blev dyrere; forklaringen står i beretningen.")
    page.get_by_role("button", name="Tilføj kommentaren").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("link", name="Indsend rapporten igen").click()
    confirm_what_is_missing(page)
    page.get_by_role("button", name="Indsend rapporten igen").click()
    expect(page.locator(".alert-success")).to_contain_text("indsendt")
    assert_no_axe_violations(page)

    # The reviewer approves the new submission.
    login(page, personas.reviewer)
    page.goto(reverse("reports:report", kwargs={"plan": slug, "period": "2024"}))
    page.get_by_label("Godkend rapporten").check()
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(reverse("reports:archive", kwargs={"plan": slug}))
    expect(page.locator("main")).to_contain_text("Godkendt")
    assert_no_axe_violations(page)

    second = Submission.objects.get(report__plan=amager_plan, report__year=2024, number=2)
    first.refresh_from_db()
    assert (first.outcome, second.outcome) == ("returned", "approved")
