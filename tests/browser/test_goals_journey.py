"""Journeys through the goals pages in real Chromium, with axe-core on every page visited.

(a) An editor of the whole plan opens the crime-prevention delaftale, which is behind,
    edits a goal, records a measurement that brings its indicator on track, and sees the indicator, the goal
    and the delaftale change status.
(b) Two people open the same goal's edit form; the later save is refused with an explanation of what changed,
    and the first person's text is kept.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from helhedsplan.goals.models import Goal, Indicator, Measurement
from tests.browser.conftest import close_when_quiet
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# In the Amager plan's file, the crime-prevention delaftale is behind because the share of 15-25-year-olds
# charged with a crime (3,2 % at the baseline, 2,4 % the target) only fell to 2,7 % by the end of 2024.
GOAL_TITLE = "Færre unge begår kriminalitet"
INDICATOR_NAME = "Andel 15-25-årige sigtet for kriminalitet"


def url(page: Page, path: str) -> str:
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")


def status_of(page: Page, selector: str):
    return page.locator(selector).locator(".status").first


def test_editor_edits_a_goal_and_records_a_measurement_that_brings_it_on_track(
    page, login, assert_no_axe_violations, amager_plan, monkeypatch
):
    # While the plan runs (statuses are judged as of today; after the period they are final).
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2025, 7, 1))
    goal = Goal.objects.get(sub_agreement__plan=amager_plan, title=GOAL_TITLE)
    indicator = Indicator.objects.get(goal=goal, name=INDICATOR_NAME)
    sub_agreement = goal.sub_agreement
    editor = login(page, make_personas(amager_plan).editor)

    # The delaftale page: behind.
    page.goto(sub_agreement.get_absolute_url())
    delaftale_status = status_of(page, "main")
    expect(delaftale_status).to_have_class(re.compile(r"status-behind"))
    assert_no_axe_violations(page)

    # To the goal, also behind.
    page.locator(f'main a[href="{goal.get_absolute_url()}"]').first.click()
    expect(page).to_have_url(url(page, goal.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_contain_text(GOAL_TITLE)
    expect(status_of(page, "section[aria-labelledby=progress-heading]")).to_have_class(
        re.compile("status-behind")
    )
    assert_no_axe_violations(page)

    # Edit the goal's description.
    edit_url = reverse("goals:goal_update", kwargs={"plan": amager_plan.slug, "pk": goal.pk})
    page.locator(f'main a[href="{edit_url}"]').click()
    expect(page).to_have_url(url(page, edit_url))
    assert_no_axe_violations(page)
    description = page.locator("#id_description")
    description.fill("Færre unge 15-25 år bliver sigtet for kriminalitet; måles i Danmarks Statistik.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(url(page, goal.get_absolute_url()))
    expect(page.locator("main")).to_contain_text("måles i Danmarks Statistik")
    expect(page.locator(".alert-success")).to_contain_text(GOAL_TITLE)
    assert_no_axe_violations(page)

    # The indicator: behind, with its chart drawn and the same values in the table.
    page.locator(f'main a[href="{indicator.get_absolute_url()}"]').first.click()
    expect(page).to_have_url(url(page, indicator.get_absolute_url()))
    expect(page.locator(".indicator-status .status")).to_have_class(re.compile("status-behind"))
    chart = page.locator(".indicator-chart svg[role=img]")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 80
    # The stylesheet reached the SVG (the CSP blocks inline styles): the line is drawn without a fill.
    line = page.locator(".indicator-chart polyline.chart-line")
    assert line.evaluate("el => getComputedStyle(el).fill") == "none"
    assert line.evaluate("el => getComputedStyle(el).stroke") != "none"
    expect(page.locator("table.measurements tbody tr")).to_have_count(2 + indicator.measurements.count())
    assert_no_axe_violations(page)

    # Record a measurement in Danish notation: 2,45 % by mid-2025 is ahead of the straight way to 2,4 %.
    form = page.locator(".record-measurement form")
    form.locator("input[name=date]").fill("2025-06-30")
    form.locator("input[name=value]").fill("2,45")
    form.locator("textarea[name=note]").fill("Danmarks Statistik, første halvår 2025")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(url(page, indicator.get_absolute_url()))
    expect(page.locator(".alert-success")).to_contain_text("2,45 %")
    expect(page.locator(".indicator-status .status")).to_have_class(re.compile("status-on_track"))
    expect(page.locator("table.measurements")).to_contain_text("30. juni 2025")
    expect(page.locator(".indicator-chart svg[role=img] circle.chart-point")).to_have_count(
        indicator.measurements.count()
    )
    assert_no_axe_violations(page)
    measurement = Measurement.objects.get(indicator=indicator, date="2025-06-30")
    assert measurement.entered_by == editor

    # The goal and the delaftale follow.
    page.goto(goal.get_absolute_url())
    expect(status_of(page, "section[aria-labelledby=progress-heading]")).to_have_class(
        re.compile("status-on_track")
    )
    page.goto(sub_agreement.get_absolute_url())
    # The goal's card on the delaftale page (the delaftale as a whole rolls up its other goals too).
    expect(status_of(page, f"#goal-{goal.pk}")).to_have_class(re.compile(r"status-on_track"))
    assert_no_axe_violations(page)


def test_later_of_two_goal_edits_is_refused_with_an_explanation(
    page, browser: Browser, live_server, login, assert_no_axe_violations, amager_plan
):
    personas = make_personas(amager_plan)
    goal = Goal.objects.get(sub_agreement__plan=amager_plan, title=GOAL_TITLE)
    edit_url = reverse("goals:goal_update", kwargs={"plan": amager_plan.slug, "pk": goal.pk})
    other_context = browser.new_context(
        base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    try:
        other = other_context.new_page()
        login(page, personas.editor)
        login(other, personas.coordinator)

        # Both open the form from the same version.
        page.goto(edit_url)
        other.goto(edit_url)

        page.locator("#id_title").fill("Færre unge bliver sigtet for kriminalitet")
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(url(page, goal.get_absolute_url()))

        other.locator("#id_title").fill("Færre unge begår kriminalitet i området")
        other.locator("main form button[type=submit]").click()

        # The later save is refused and told what changed, by whom.
        expect(other).to_have_url(url(other, edit_url))
        conflict = other.locator("section[aria-labelledby=conflict-heading]")
        expect(conflict).to_be_visible()
        expect(conflict).to_contain_text("Færre unge bliver sigtet for kriminalitet")
        expect(conflict).to_contain_text(GOAL_TITLE)
        expect(other.locator("main form .alert")).to_be_visible()
        # Their own text is still in the form.
        expect(other.locator("#id_title")).to_have_value("Færre unge begår kriminalitet i området")
        assert_no_axe_violations(other)

        goal.refresh_from_db()
        assert goal.title == "Færre unge bliver sigtet for kriminalitet"
    finally:
        close_when_quiet(other_context, *other_context.pages)


def test_every_goals_page_passes_axe_also_with_form_errors(
    page, login, assert_no_axe_violations, amager_plan
):
    """The pages the journeys above do not pass through: activities, indicator and measurement forms, the
    confirmations before deleting, a form showing errors, and a key figure."""
    goal = Goal.objects.get(sub_agreement__plan=amager_plan, title=GOAL_TITLE)
    indicator = Indicator.objects.get(goal=goal, name=INDICATOR_NAME)
    measurement = indicator.measurements.first()
    activity = goal.activities.first()
    key_figure = Indicator.objects.filter(plan=amager_plan, strategic_goal__isnull=False).first()
    login(page, make_personas(amager_plan).coordinator)  # a coordinator sees every control
    plan = amager_plan.slug

    def goals_url(name: str, **kwargs) -> str:
        return reverse(f"goals:{name}", kwargs={"plan": plan, **kwargs})

    for path in [
        goals_url("activity", pk=activity.pk),
        goals_url("activity_create", sub_agreement=goal.sub_agreement_id),
        goals_url("activity_update", pk=activity.pk),
        goals_url("activity_delete", pk=activity.pk),
        goals_url("goal_create", sub_agreement=goal.sub_agreement_id),
        goals_url("goal_delete", pk=goal.pk),
        goals_url("indicator_create", goal=goal.pk),
        goals_url("indicator_update", pk=indicator.pk),
        goals_url("indicator_delete", pk=indicator.pk),
        goals_url("key_figure_create", strategic_goal=key_figure.strategic_goal_id),
        goals_url("indicator", pk=key_figure.pk),
        goals_url("measurement_create", indicator=indicator.pk),
        goals_url("measurement_update", pk=measurement.pk),
        goals_url("measurement_delete", pk=measurement.pk),
        reverse("history", kwargs={"plan": plan, "app_label": "goals", "model_name": "goal", "pk": goal.pk}),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        assert_no_axe_violations(page)

    # A form with errors: the messages sit next to their fields and are announced with them.
    page.goto(goals_url("indicator_create", goal=goal.pk))
    page.locator("#id_name").fill("")
    page.locator("#id_baseline_value").fill("tre komma to")
    # The page has two forms: "Udfyld fra kataloget" above the indicator's own.
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#id_baseline_value")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_name")).to_have_class(re.compile("is-invalid"))
    assert_no_axe_violations(page)
    assert not Indicator.objects.filter(goal=goal).exclude(pk=indicator.pk).exists()
