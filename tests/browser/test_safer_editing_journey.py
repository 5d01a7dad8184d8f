"""Safer editing in real Chromium, with axe-core on every page visited.

(a) An editor of the whole plan is told what they edit, sees no delete button on a goal with
    indicators, and on opening its delete address is refused with the role it takes and whom to ask.
(b) The plan's coordinator deletes that goal, sees what goes with it, follows the
    message to the deleted goal's history and restores it with its indicators.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from helhedsplan.goals.models import Goal, Indicator
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOAL_TITLE = "Færre unge begår kriminalitet"


def test_an_editor_is_told_what_they_edit_and_refused_a_delete_that_takes_rows_along(
    page: Page, login, assert_no_axe_violations, amager_plan
):
    goal = Goal.objects.get(sub_agreement__plan=amager_plan, title=GOAL_TITLE)
    delete_url = reverse("goals:goal_delete", kwargs={"plan": amager_plan.slug, "pk": goal.pk})
    login(page, make_personas(amager_plan).editor)

    page.goto(goal.get_absolute_url())
    expect(page.locator("#editing-notice")).to_contain_text("Du redigerer")
    expect(page.locator(f'main a[href="{delete_url}"]')).to_have_count(0)
    assert_no_axe_violations(page)

    response = page.goto(delete_url)
    assert response is not None and response.status == 403
    expect(page.locator("#role-needed")).to_have_text("Det kræver rollen koordinator.")
    expect(page.locator("#coordinators")).to_be_visible()
    expect(page.get_by_role("navigation", name="Planen").first).to_be_attached()
    assert_no_axe_violations(page)
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_a_coordinator_deletes_a_goal_and_restores_it_from_its_history(
    page: Page, login, assert_no_axe_violations, amager_plan
):
    goal = Goal.objects.get(sub_agreement__plan=amager_plan, title=GOAL_TITLE)
    goal_pk = goal.pk
    indicators = set(Indicator.objects.filter(goal=goal).values_list("pk", flat=True))
    login(page, make_personas(amager_plan).coordinator)

    page.goto(goal.get_absolute_url())
    page.locator("main .object-actions a.btn-outline-danger").click()
    expect(page.locator("#deleted-with-it")).to_contain_text("Indikatorer")
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    assert not Goal.objects.filter(pk=goal_pk).exists()

    page.get_by_role("link", name="Se sletningen i historikken.").click()
    expect(page.locator("#deleted-notice")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#deleted-notice a.btn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gendan")
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(
        re.compile(re.escape(reverse("goals:goal", kwargs={"plan": amager_plan.slug, "pk": goal_pk})))
    )
    expect(page.locator("main")).to_contain_text(GOAL_TITLE)
    assert set(Indicator.objects.filter(goal_id=goal_pk).values_list("pk", flat=True)) == indicators
