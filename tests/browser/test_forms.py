"""Forms in real Chromium: the error summary at the top of a refused form (focused, each error a link to its
field, axe-clean), and the indicator page's measurement form, which keeps the page and its chart when a save is
refused (htmx) and reloads the page when it succeeds."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.goals.models import Goal, Indicator, Measurement
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOAL_TITLE = "Færre unge begår kriminalitet"
INDICATOR_NAME = "Andel 15-25-årige sigtet for kriminalitet"


def test_a_refused_form_page_starts_with_a_focused_error_summary_linking_to_the_fields(
    page, login, assert_no_axe_violations, amager_plan
):
    goal = Goal.objects.get(sub_agreement__plan=amager_plan, title=GOAL_TITLE)
    login(page, make_personas(amager_plan).editor)
    page.goto(reverse("goals:goal_update", kwargs={"plan": amager_plan.slug, "pk": goal.pk}))
    expect(page.locator("[data-error-summary]")).to_have_count(0)

    page.locator("#id_title").fill("")
    page.locator("#id_order").fill("-1")
    page.locator("main form button[type=submit]").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Der er et problem")
    # The summary has the focus, so a screen reader reads it first.
    expect(summary).to_be_focused()
    links = summary.locator("a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_text(re.compile(r"^Titel: "))
    expect(links.nth(1)).to_have_text(re.compile(r"^Rækkefølge: "))
    assert_no_axe_violations(page)

    # A link moves the focus to its field.
    links.nth(1).click()
    expect(page.locator("#id_order")).to_be_focused()
    assert Goal.objects.get(pk=goal.pk).title == GOAL_TITLE


def test_a_refused_measurement_stays_on_the_indicator_page_with_its_chart(
    page, login, assert_no_axe_violations, amager_plan
):
    indicator = Indicator.objects.get(goal__sub_agreement__plan=amager_plan, name=INDICATOR_NAME)
    count = indicator.measurements.count()
    login(page, make_personas(amager_plan).editor)
    page.goto(indicator.get_absolute_url())
    form = page.locator("#measurement-form-area form")

    # A date after the period and no value: refused, in place.
    form.locator("input[name=date]").fill("2026-06-30")
    form.locator("input[name=value]").fill("")
    form.locator("button[type=submit]").click()

    summary = page.locator("#measurement-form-area [data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Dato: Datoen skal ligge i planens periode, 1. januar 2022 – 31. december 2025."
    )
    expect(summary).to_contain_text(
        "Værdi: Skriv værdien, eller markér tallet som diskretioneret (for få personer) — en af de to."
    )
    # Still the indicator page, chart and all; what was typed is kept.
    assert page.url.endswith(indicator.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(INDICATOR_NAME)
    expect(page.locator(".indicator-chart svg[role=img]")).to_be_visible()
    expect(page.locator("#measurement-date")).to_have_value("2026-06-30")
    assert_no_axe_violations(page)
    assert indicator.measurements.count() == count

    # Corrected, it saves and the page shows the new measurement.
    summary.locator("a", has_text="Dato").click()
    expect(page.locator("#measurement-date")).to_be_focused()
    page.locator("#measurement-date").fill("2025-06-30")
    page.locator("#measurement-value").fill("2,45")
    page.locator("#measurement-form-area button[type=submit]").click()

    expect(page.locator(".alert-success")).to_contain_text("2,45 %")
    expect(page.locator("table.measurements")).to_contain_text("30. juni 2025")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    assert Measurement.objects.filter(indicator=indicator, date="2025-06-30").exists()
