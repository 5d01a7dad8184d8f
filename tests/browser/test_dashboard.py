"""The reviewer's journey: a reviewer reads the Amager plan's dashboard, strategic agreement and
a delaftale — finds the progress, finds no way to change anything, and every page passes axe."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Words that would only appear on controls that change something.
EDIT_WORDS = re.compile(
    r"^(Rediger|Redigér|Edit|Ny|Nyt|New|Slet|Delete|Tilføj|Add|Fjern|Remove|Gem|Save)\b", re.I
)


def assert_no_edit_controls(page) -> None:
    """No form but the log-out button, no link or button that edits, creates or deletes."""
    forms = page.locator("main form")
    expect(forms).to_have_count(0)
    for control in page.locator("main a, main button").all():
        text = control.inner_text().strip()
        href = control.get_attribute("href") or ""
        assert not EDIT_WORDS.match(text), f"edit control {text!r} on {page.url}"
        assert not re.search(r"/(rediger|ny|slet)/", href), f"edit link {href} on {page.url}"


def test_the_reviewer_reads_the_plan_and_can_change_nothing(
    page, login, amager_plan, assert_no_axe_violations
):
    login(page, make_personas(amager_plan).reviewer)
    slug = amager_plan.slug

    # The start page goes straight to the reviewer's only plan: the dashboard.
    page.goto(reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amager")
    expect(page.locator(".sub-agreement-card")).to_have_count(4)
    # Status in words next to every delaftale, not colour alone.
    for card in page.locator(".sub-agreement-card").all():
        expect(card.locator(".status")).to_have_text(re.compile(r"\w"))
    expect(page.get_by_text(re.compile(r"31,2 mio\. kr\."))).to_be_visible()
    assert_no_edit_controls(page)
    assert_no_axe_violations(page)

    # The strategic agreement, through the main navigation.
    strategic = reverse("agreements:strategic", kwargs={"plan": slug})
    page.locator(f"header nav a[href='{strategic}']:visible").click()
    expect(page).to_have_url(re.compile(re.escape(strategic) + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("article[id^=strategic-goal-]")).to_have_count(4)
    assert_no_edit_controls(page)
    assert_no_axe_violations(page)

    # A delaftale, from the dashboard's card.
    page.goto(reverse("overview:dashboard", kwargs={"plan": slug}))
    page.locator(".sub-agreement-card h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#goals-heading")).to_be_visible()
    assert_no_edit_controls(page)
    assert_no_axe_violations(page)

    # The list of delaftaler too.
    page.goto(reverse("agreements:sub_agreements", kwargs={"plan": slug}))
    expect(page.locator("tbody tr")).to_have_count(4)
    assert_no_edit_controls(page)
    assert_no_axe_violations(page)


def test_an_editor_records_a_measurement_on_the_delaftale_page_and_sees_the_progress_change(
    page, login, amager_plan, assert_no_axe_violations, monkeypatch
):
    # While the plan runs (statuses are judged as of today; after the period they are final).
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2025, 7, 1))
    from helhedsplan.goals.models import Indicator

    login(page, make_personas(amager_plan).editor)
    indicator = (
        Indicator.objects.in_plan(amager_plan)
        .filter(goal__isnull=False)
        .select_related("goal__sub_agreement")
        .first()
    )
    sub_agreement = indicator.goal.sub_agreement
    page.goto(reverse("agreements:sub_agreement", kwargs={"plan": amager_plan.slug, "pk": sub_agreement.pk}))

    form = page.locator("details.measurement-form").filter(has_text=indicator.name).first
    form.locator("summary").click()
    assert_no_axe_violations(page)  # with the short form open
    form.get_by_label(re.compile("Dato|Date")).fill("2025-06-30")
    # A value beyond the target, the Danish way: the indicator is then on track.
    target = indicator.target_value + (1 if indicator.direction == "higher" else -1)
    form.get_by_label(re.compile("Værdi|Value")).fill(f"{target}".replace(".", ","))
    form.locator("button[type=submit]").click()

    # Back on the delaftale page, at the indicator, with a success message and the new latest value.
    expect(page).to_have_url(
        re.compile(re.escape(sub_agreement.get_absolute_url()) + f"#indicator-{indicator.pk}$")
    )
    expect(page.locator("[role=status] .alert-success")).to_be_visible()
    row = page.locator(f"#indicator-{indicator.pk}")
    # (The indicators' table is dense: its dates are in the short form.)
    expect(row).to_contain_text("30.06.2025")
    expect(row.locator(".status")).to_have_class(re.compile("status-on_track"))
    assert_no_axe_violations(page)
