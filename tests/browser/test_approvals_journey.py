"""A coordinator records Støberigården I+II's approval, with its minutes, and sees 19 af 19 — axe on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def approved_text(approved: int, total: int) -> str:
    with translation.override("da"):
        return gettext("%(approved)s of %(total)s approved") % {"approved": approved, "total": total}


def test_a_coordinator_records_the_missing_approval_and_sees_19_of_19(
    page, login, live_server, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    login(page, make_personas(amager_plan).coordinator)
    decision = EstateDecision.objects.in_plan(amager_plan).get(estate__name="Støberigården I+II")
    overview = reverse("approvals:overview", kwargs={"plan": amager_plan.slug})

    page.goto(f"{overview}?dato=2021-09-27")
    count = page.locator("#approval-count")
    expect(count).to_have_attribute("data-approved", "18")
    expect(count).to_contain_text(approved_text(18, 19))
    expect(page.locator("#pending-estates")).to_contain_text("Støberigården I+II")
    expect(page.locator("#pending-estates")).to_contain_text("4. november 2021")
    # The estates' step says the same, read from the same decisions.
    step = ApprovalStep.objects.get(plan=amager_plan, status=ApprovalStep.Status.FROM_ESTATES)
    expect(page.locator(f"#step-{step.pk}")).to_contain_text("18 af 19 boligafdelinger har godkendt")
    assert_no_axe_violations(page)

    edit = reverse("approvals:decision_update", kwargs={"plan": amager_plan.slug, "pk": decision.pk})
    page.locator(f'#estate-{decision.estate_id} a[href="{edit}"]').click()
    expect(page).to_have_url(live_server.url + edit)
    assert_no_axe_violations(page)

    page.locator("#id_result").select_option(EstateDecision.Result.APPROVED)
    page.locator("#id_date").fill("2021-11-04")
    page.locator("#id_votes_for").fill("7")
    page.locator("#id_votes_against").fill("0")
    page.locator("#id_minutes").set_input_files(
        {"name": "referat-stoeberigaarden.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".alert-success")).to_be_visible()
    assert_no_axe_violations(page)

    page.locator("input[name=dato]").fill("2021-11-04")
    page.locator("main form[method=get] button[type=submit]").click()
    expect(count).to_have_attribute("data-approved", "19")
    expect(count).to_contain_text(approved_text(19, 19))
    expect(page.locator("#pending-estates")).to_have_count(0)
    # One source: the estates' step is done, 19 of 19, on the day the last estate approved.
    expect(page.locator(f"#step-{step.pk}")).to_contain_text("Gennemført")
    expect(page.locator(f"#step-{step.pk}")).to_contain_text("19 af 19 boligafdelinger har godkendt")
    expect(page.locator(f"#step-{step.pk}")).not_to_contain_text("overskredet")
    minutes = reverse("approvals:minutes", kwargs={"plan": amager_plan.slug, "pk": decision.pk})
    expect(page.locator(f'a[href="{minutes}"]')).to_be_visible()
    assert_no_axe_violations(page)

    decision.refresh_from_db()
    assert decision.result == EstateDecision.Result.APPROVED
    assert decision.minutes.name.endswith(".pdf")
