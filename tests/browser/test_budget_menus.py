"""The budget page in Chromium: one actions menu per row, opened and used from the keyboard, not cut off by the
table's scrolling wrapper; reviewers get no menus at all; a far too small actual amount asks to be confirmed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.budget.models import BudgetLine
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINE = "Lektiecaféer og læseprojekter"


def test_a_rows_menu_opens_and_is_used_from_the_keyboard(page, login, assert_no_axe_violations, amager_plan):
    line = BudgetLine.objects.in_plan(amager_plan).get(description=LINE)
    login(page, make_personas(amager_plan).coordinator)
    page.goto(reverse("budget:overview", kwargs={"plan": amager_plan.slug}))
    assert_no_axe_violations(page)

    row = page.locator(f"#line-{line.pk}")
    # (Chromium reads the visually hidden part of the name as a word of its own: "Handlinger : …".)
    toggle = row.get_by_role("button", name=re.compile(rf"^Handlinger ?: {re.escape(str(line))}$"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = row.locator(".dropdown-menu")
    expect(menu).to_be_visible()
    # Not clipped by the table's wrapper: the whole menu is on screen.
    box = menu.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert_no_axe_violations(page)

    page.keyboard.press("ArrowDown")
    expect(menu.locator("a").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("link", name=re.compile(r"^Faktisk forbrug ?:"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        page.url.split("/plan/")[0]
        + reverse("budget:line_actuals", kwargs={"plan": amager_plan.slug, "pk": line.pk})
    )

    # 12,50 kr. on a 400.000 kr. line: a slip, most likely — the form asks before saving.
    page.locator("#id_amount_2023").fill("12,50")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("12,50 kr. er under 1 % af linjens budget på 400.000 kr.")
    confirm = page.get_by_label("Ja, beløbet er rigtigt")
    expect(confirm).to_be_visible()
    assert_no_axe_violations(page)
    confirm.check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text(LINE)
    assert line.actuals.get(year=2023).amount == 12.5


def test_reviewers_get_no_row_menus_or_action_columns(page, login, amager_plan):
    login(page, make_personas(amager_plan).reviewer)
    page.goto(reverse("budget:overview", kwargs={"plan": amager_plan.slug}))
    expect(page.locator("main .dropdown")).to_have_count(0)
    expect(page.locator("main").get_by_text("Historik")).to_have_count(0)
    # Every header row has as many columns as the body rows: no empty column left behind.
    header_cells = page.locator(".budget-table thead th").count()
    first_row_cells = (
        page.locator(".budget-table tbody tr:not(.budget-group-heading)").first.locator("th, td").count()
    )
    assert header_cells == first_row_cells
