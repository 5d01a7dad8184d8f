"""Organisations vouch for their people, in Chromium: a new person asks Landsbyggefonden to confirm them; LBF's
administrator confirms them on the organisation's page and gives them LBF's reviewer role in every plan; the new
reviewer then answers a report in LBF's name. axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.plans.models import Affiliation, Organisation
from helhedsplan.reports.models import Submission
from tests.plans.factories import AffiliationFactory, UserFactory
from tests.reports.factories import SubmissionFactory
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lbfs_administrator_confirms_a_new_reviewer_who_then_answers_a_report(
    page, login, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    lbf = Organisation.objects.get(short_name="LBF")
    personas = make_personas(amager_plan)
    submission = SubmissionFactory(
        report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator
    )
    administrator = UserFactory(username="lbf-admin", first_name="Lene", last_name="Bak", password=None)
    AffiliationFactory(user=administrator, organisation=lbf, is_administrator=True)
    newcomer = UserFactory(username="ny-anmelder", first_name="Nina", last_name="Holm", password=None)

    # Before LBF confirms her, the report's answer is not hers to give: she does not even see the plan.
    login(page, newcomer)
    report_url = reverse("reports:report", kwargs={"plan": amager_plan.slug, "period": "2022"})
    assert page.goto(report_url).status == 404

    # She asks Landsbyggefonden to confirm her.
    page.goto("/")
    page.get_by_role("link", name="Mine organisationer").click()
    expect(page.get_by_role("heading", name="Mine organisationer")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Organisation").select_option(label="Landsbyggefonden (LBF)")
    page.get_by_role("button", name="Bed om bekræftelse").click()
    expect(page.locator(".alert-success")).to_contain_text("Du har bedt LBF om at bekræfte dig")
    expect(page.locator("#my-affiliations")).to_contain_text("anmodet")
    assert_no_axe_violations(page)

    # LBF's administrator confirms her, and gives her LBF's reviewer role in every plan LBF has confirmed.
    page.context.clear_cookies()
    login(page, administrator)
    page.goto(reverse("organisations"))
    page.get_by_role("link", name="Landsbyggefonden (LBF)").click()
    expect(page.locator("#requested")).to_contain_text("Nina Holm")
    assert_no_axe_violations(page)
    page.locator("#requested").get_by_role("button", name=re.compile(r"^Bekræft\W+Nina Holm$")).click()
    expect(page.locator(".alert-success")).to_contain_text("Nina Holm er bekræftet som en af folkene i LBF.")
    page.locator("#confirmed").get_by_role(
        "button", name=re.compile(r"^Læser i alle planer\W+Nina Holm$")
    ).click()
    expect(page.locator(".alert-success")).to_contain_text("Nina Holm er nu læser i alle planer")
    expect(page.locator("#confirmed")).to_contain_text("læser i alle planer")
    assert_no_axe_violations(page)
    assert Affiliation.objects.get(user=newcomer, organisation=lbf).state == Affiliation.State.CONFIRMED

    # Now she answers the report in Landsbyggefonden's name.
    page.context.clear_cookies()
    login(page, newcomer)
    page.goto(report_url)
    assert_no_axe_violations(page)
    page.get_by_label("Godkend rapporten").check()
    page.get_by_role("button", name="Send svaret").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert_no_axe_violations(page)
    submission.refresh_from_db()
    assert (submission.outcome, submission.answered_by) == (Submission.Outcome.APPROVED, newcomer)
