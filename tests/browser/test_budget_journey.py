"""A coordinator changes a budget line in real Chromium and sees the total and the shares change; a reviewer reads
the same page without edit controls. axe-core checks every page visited."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.budget.models import BudgetLine
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_changes_a_budget_line_and_sees_the_total_and_shares_change(
    page, login, amager_plan, assert_no_axe_violations
):
    login(page, make_personas(amager_plan).coordinator)
    overview = reverse("budget:overview", kwargs={"plan": amager_plan.slug})
    line = BudgetLine.objects.in_plan(amager_plan).get(description="Revision")

    page.goto(overview)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator('[data-figure="total"]')).to_have_text("31,2 mio. kr.")
    expect(page.locator('[data-share-of-budget="local"]')).to_have_text("38,9 %")
    expect(page.locator('[data-share-of-budget="lbf"]')).to_have_text("61,1 %")
    expect(page.locator('[data-balance-year="2022"] .status-ok')).to_be_visible()
    # The chart renders under the CSP: its bars have a size and a fill from budget.css.
    bar = page.locator("svg .chart-budget").first
    expect(bar).to_be_visible()
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('svg .chart-budget')).fill")
        == "rgb(11, 94, 215)"
    )
    assert_no_axe_violations(page)

    # The row's actions are in its menu.
    page.locator(f"#line-{line.pk} .dropdown-toggle").click()
    page.locator(f'#line-{line.pk} a[href$="/linjer/{line.pk}/rediger/"]').click()
    expect(page.locator("#id_amount_2022")).to_have_value("60.000")
    assert_no_axe_violations(page)
    # A Danish-written amount: one million more in 2022.
    page.locator("#id_amount_2022").fill("1,06 mio.")
    page.locator("form.form-page button[type=submit]").click()

    expect(page).to_have_url(re.compile(re.escape(overview) + f"#line-{line.pk}$"))
    expect(page.locator('[data-figure="total"]')).to_have_text("32,2 mio. kr.")
    expect(page.locator('[data-total-year="2022"]')).to_have_text("8.800.000 kr.")
    # The same funding now covers less of the budget: local 12,15 of 32,2 and LBF 19,05 of 32,2.
    expect(page.locator('[data-share-of-budget="local"]')).to_have_text("37,7 %")
    expect(page.locator('[data-share-of-budget="lbf"]')).to_have_text("59,2 %")
    short = page.locator('[data-balance-year="2022"] .status-problem')
    expect(short).to_contain_text("1.000.000 kr.")
    expect(short).to_contain_text("2022")
    assert_no_axe_violations(page)

    # The change is in the line's history, with the year it was about.
    page.locator(f"#line-{line.pk} .dropdown-toggle").click()
    page.locator(f'#line-{line.pk} a[href$="/linjer/{line.pk}/historik/"]').click()
    expect(page.locator("main")).to_contain_text("1.060.000")
    assert_no_axe_violations(page)


def test_a_typo_in_an_amount_is_refused_next_to_the_field(page, login, amager_plan, assert_no_axe_violations):
    login(page, make_personas(amager_plan).coordinator)
    line = BudgetLine.objects.in_plan(amager_plan).get(description="Lokaler")

    page.goto(reverse("budget:line_edit", kwargs={"plan": amager_plan.slug, "pk": line.pk}))
    page.locator("#id_amount_2023").fill("400.000 kroner")
    page.locator("form.form-page button[type=submit]").click()

    expect(page.locator("#id_amount_2023")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#error_1_id_amount_2023")).to_be_visible()
    assert_no_axe_violations(page)
    assert line.amounts.get(year=2023).amount == 400_000


def test_a_coordinator_enters_actual_spend_and_funding(page, login, amager_plan, assert_no_axe_violations):
    login(page, make_personas(amager_plan).coordinator)
    overview = reverse("budget:overview", kwargs={"plan": amager_plan.slug})
    line = BudgetLine.objects.in_plan(amager_plan).get(description="Revision")

    page.goto(reverse("budget:line_actuals", kwargs={"plan": amager_plan.slug, "pk": line.pk}))
    assert_no_axe_violations(page)
    page.locator("#id_amount_2025").fill("59.000")
    page.locator("form.form-page button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(overview) + f"#actual-line-{line.pk}$"))
    expect(page.locator(f"#actual-line-{line.pk}")).to_contain_text("59.000 kr.")

    page.goto(reverse("budget:source_create", kwargs={"plan": amager_plan.slug}))
    assert_no_axe_violations(page)
    page.locator("#id_name").fill("Fonden for tryghed")
    page.locator("#id_kind").select_option("other")
    page.locator("#id_amount_2022").fill("0,25 mio.")
    page.locator("form.form-page button[type=submit]").click()
    expect(page.locator('section[aria-labelledby="funding"]')).to_contain_text("Fonden for tryghed")
    expect(page.locator('[data-total="funding"]')).to_have_text("31.450.000 kr.")
    assert_no_axe_violations(page)


def test_a_reviewer_reads_without_edit_controls(page, login, amager_plan, assert_no_axe_violations):
    login(page, make_personas(amager_plan).reviewer)
    page.goto(reverse("budget:overview", kwargs={"plan": amager_plan.slug}))

    expect(page.locator('[data-figure="lbf"]')).to_have_text("19,05 mio. kr.")
    expect(page.locator('a[href*="/rediger/"]')).to_have_count(0)
    assert_no_axe_violations(page)
