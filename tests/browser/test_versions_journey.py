"""A mid-period change under control: the coordinator raises a key figure's target in the strategic agreement,
the banner appears, "Ændringer siden godkendt version 1" lists it, version 2 is submitted with its reason, the
kommune's and the housing organisations' signers sign or their decisions are recorded, the bestyrelse's with its
PDF, Landsbyggefonden signs last — version 2 approved, version 1 superseded, the banner gone. axe on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.goals.models import Indicator
from helhedsplan.versions.models import PlanVersion, Signoff
from tests.versions.factories import make_signer
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def decide(page, assert_no_axe_violations, address: str, body: str, *, with_pdf: bool) -> None:
    """Fill in a party's decision (approved) and save it."""
    page.goto(address)
    assert_no_axe_violations(page)
    page.locator("#id_decision").select_option(Signoff.Decision.APPROVED)
    page.locator("#id_body").fill(body)
    page.locator("#id_decided_on").fill("2026-11-30")
    if with_pdf:
        page.locator("#id_evidence").set_input_files(
            {"name": "referat.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_a_changed_target_is_submitted_signed_by_every_party_and_approved(
    page, login, live_server, amager_plan, assert_no_axe_violations, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = make_personas(amager_plan).coordinator
    slug = amager_plan.slug
    key_figure = (
        Indicator.objects.in_plan(amager_plan).filter(strategic_goal__isnull=False).order_by("pk").first()
    )
    dashboard = reverse("overview:dashboard", kwargs={"plan": slug})

    # No change yet: no banner.
    login(page, coordinator)
    page.goto(dashboard)
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#version-banner")).to_have_count(0)

    # The coordinator raises the key figure's target.
    page.goto(reverse("goals:indicator_update", kwargs={"plan": slug, "pk": key_figure.pk}))
    page.locator("#id_target_value").fill("280")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The banner on a plan page, and what changed since version 1.
    page.goto(dashboard)
    banner = page.locator("#version-banner")
    expect(banner).to_be_visible()
    assert_no_axe_violations(page)
    banner.locator("a").click()
    expect(page.locator("h1")).to_contain_text("Ændringer siden godkendt version 1")
    expect(page.locator("#version-changes")).to_contain_text(key_figure.name)
    expect(page.locator("#version-changes")).to_contain_text("280")
    assert_no_axe_violations(page)

    # Version 2, with its reason.
    page.locator(f'a[href="{reverse("versions:version_create", kwargs={"plan": slug})}"]').click()
    assert_no_axe_violations(page)
    page.locator("#id_reason_category").select_option(PlanVersion.Reason.TARGETS)
    page.locator("#id_reason").fill("Målet for unge uden for uddannelse og beskæftigelse skærpes.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Version 2")
    assert_no_axe_violations(page)
    version = PlanVersion.objects.get(plan=amager_plan, number=2)
    assert version.needs_lbf

    def address(signoff: Signoff) -> str:
        return reverse("versions:signoff_update", kwargs={"plan": slug, "number": 2, "pk": signoff.pk})

    # The kommune's and one housing organisation's signers sign in the app.
    for short_name, body in (("KK", "Teknik- og Miljøudvalget"), ("3B", "Organisationsbestyrelsen")):
        signer = make_signer(amager_plan, short_name)
        page.context.clear_cookies()
        login(page, signer)
        decide(
            page,
            assert_no_axe_violations,
            address(version.signoffs.get(organisation__short_name=short_name)),
            body,
            with_pdf=False,
        )
    # The coordinator records the other housing organisations' decisions and the bestyrelse's, with their PDFs.
    page.context.clear_cookies()
    login(page, coordinator)
    for signoff in (
        version.signoffs.filter(decision="awaiting").exclude(party=Signoff.Party.LBF).order_by("pk")
    ):
        decide(page, assert_no_axe_violations, address(signoff), "Bestyrelsen", with_pdf=True)
    board = version.signoffs.get(party=Signoff.Party.BOARD)
    board.refresh_from_db()
    assert board.outside_app and board.evidence

    # Landsbyggefonden signs last.
    lbf = make_signer(amager_plan, "LBF")
    page.context.clear_cookies()
    login(page, lbf)
    decide(
        page,
        assert_no_axe_violations,
        address(version.signoffs.get(party=Signoff.Party.LBF)),
        "Landsbyggefonden",
        with_pdf=False,
    )
    expect(page.locator("h1")).to_contain_text("godkendt")
    assert_no_axe_violations(page)

    # The list: version 2 approved, version 1 superseded; and the banner is gone.
    page.goto(reverse("versions:list", kwargs={"plan": slug}))
    expect(page.locator('#versions tr[data-status="approved"]')).to_contain_text("Version 2")
    expect(page.locator('#versions tr[data-status="superseded"]')).to_contain_text("Version 1")
    assert_no_axe_violations(page)
    page.goto(dashboard)
    expect(page.locator("h1")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#version-banner")).to_have_count(0)
    assert_no_axe_violations(page)
