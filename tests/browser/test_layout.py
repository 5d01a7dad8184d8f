"""Every main page fits a phone (390 px) and a laptop (1280 px) without the document scrolling sideways.

Wide tables may scroll inside their ``.table-responsive`` wrapper on a phone (that is Bootstrap's way to keep a
table usable there), but the page itself must never be wider than the window: a sideways-scrolling page hides the
navigation and half of every paragraph. On a laptop every table shows all its columns. One browser context per viewport, all pages visited in one test per role
and viewport, so the check stays fast. The contact list and the approvals table are checked more closely: on a
phone a contact's number and an estate's result must be in view, not past the edge of a scrolling table.

Set ``LAYOUT_SCREENSHOTS=/some/folder`` to also save a full-page screenshot of every page visited, for looking at
the layout by eye.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.budget.models import BudgetLine
from helhedsplan.goals.models import Activity, Goal, Indicator
from helhedsplan.plans.models import Plan
from helhedsplan.preparedness.models import Incident
from tests.browser.conftest import close_when_quiet
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

# Elements sticking out past the right edge of the window, outside any scrolling table wrapper: these are what
# make the document wider than the window, named so a failure says where to look.
OVERFLOW_SCRIPT = """() => {
    const width = window.innerWidth;
    const culprits = [];
    for (const element of document.body.querySelectorAll('*')) {
        // Inside a scrolling table wrapper only positioned elements can push the document wider: an
        // absolutely positioned one (say a visually-hidden label) escapes the wrapper's clipping.
        const inWrapper = element.parentElement && element.parentElement.closest('.table-responsive');
        if (inWrapper && getComputedStyle(element).position !== 'absolute') continue;
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.right > width + 1) {
            const name = element.tagName.toLowerCase()
                + (element.id ? '#' + element.id : '')
                + (element.classList.length ? '.' + [...element.classList].join('.') : '');
            culprits.push(`${name} (right edge ${Math.round(box.right)} px)`);
        }
    }
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: width,
        culprits: culprits.slice(0, 8),
    };
}"""


# On a laptop every table should show all its columns; on a phone they may scroll inside their wrapper.
SCROLLING_TABLES_SCRIPT = """() => [...document.querySelectorAll('.table-responsive')]
    .filter((wrapper) => wrapper.scrollWidth > wrapper.clientWidth)
    .map((wrapper) => {
        const table = wrapper.querySelector('table');
        const caption = table && table.querySelector('caption');
        const name = (caption && caption.textContent.trim()) || (table && table.getAttribute('aria-labelledby')) || '?';
        return `${name} (${wrapper.scrollWidth} px in ${wrapper.clientWidth} px)`;
    })"""


def main_pages(plan: Plan, role: str) -> list[tuple[str, str]]:
    """(name, URL) of every main page a user of ``role`` reaches, with the richest object of each kind."""
    slug = plan.slug
    sub_agreement = SubAgreement.objects.in_plan(plan).order_by("focus_area").first()
    goal = Goal.objects.in_plan(plan).filter(sub_agreement=sub_agreement).first()
    indicator = Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk").first()
    activity = Activity.objects.in_plan(plan).filter(sub_agreement=sub_agreement).first()
    incident = Incident.objects.in_plan(plan).first()
    line = BudgetLine.objects.in_plan(plan).first()
    assert None not in (sub_agreement, goal, indicator, activity, incident, line), "the Amager data changed"

    pages = [
        ("dashboard", reverse("overview:dashboard", kwargs={"plan": slug})),
        ("strategic agreement", reverse("agreements:strategic", kwargs={"plan": slug})),
        ("delaftaler", reverse("agreements:sub_agreements", kwargs={"plan": slug})),
        ("delaftale", reverse("agreements:sub_agreement", kwargs={"plan": slug, "pk": sub_agreement.pk})),
        ("goal", reverse("goals:goal", kwargs={"plan": slug, "pk": goal.pk})),
        ("indicator", reverse("goals:indicator", kwargs={"plan": slug, "pk": indicator.pk})),
        ("activity", reverse("goals:activity", kwargs={"plan": slug, "pk": activity.pk})),
        ("budget", reverse("budget:overview", kwargs={"plan": slug})),
        ("approvals", reverse("approvals:overview", kwargs={"plan": slug})),
        ("emergency plan", reverse("preparedness:overview", kwargs={"plan": slug})),
        ("contacts", reverse("preparedness:contacts", kwargs={"plan": slug})),
        ("incidents", reverse("preparedness:incidents", kwargs={"plan": slug})),
        ("print view", reverse("preparedness:print", kwargs={"plan": slug})),
        ("budget line history", reverse("budget:line_history", kwargs={"plan": slug, "pk": line.pk})),
        (
            "goal history",
            reverse(
                "history",
                kwargs={"plan": slug, "app_label": "goals", "model_name": "goal", "pk": goal.pk},
            ),
        ),
    ]
    if role == "coordinator":
        pages += [
            # An incident's page is the plan staff's: its texts can name people (a reviewer gets a 403).
            ("incident", reverse("preparedness:incident", kwargs={"plan": slug, "pk": incident.pk})),
            ("indicator form", reverse("goals:indicator_update", kwargs={"plan": slug, "pk": indicator.pk})),
            ("budget line form", reverse("budget:line_edit", kwargs={"plan": slug, "pk": line.pk})),
        ]
    return pages


@pytest.fixture
def sized_page(browser: Browser, live_server, request) -> Iterator[Page]:
    """A page in its own browser context at the viewport the test is parametrised with."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        viewport=request.param,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    close_when_quiet(context, page)


@pytest.mark.parametrize("sized_page", [PHONE, LAPTOP], ids=["phone", "laptop"], indirect=True)
@pytest.mark.parametrize("role", ["coordinator", "reviewer"])
def test_no_page_is_wider_than_the_window(sized_page, login, amager_plan, role):
    page = sized_page
    login(page, make_personas(amager_plan)[role])
    width = page.viewport_size["width"]
    screenshots = os.environ.get("LAYOUT_SCREENSHOTS")

    too_wide = []
    for name, url in main_pages(amager_plan, role):
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{name} ({url}) answered {response.status}"
        if screenshots:
            file_name = f"{role}-{width}-{re.sub(r'[^a-z]+', '-', name)}.png"
            page.screenshot(path=str(Path(screenshots) / file_name), full_page=True)
        measured = page.evaluate(OVERFLOW_SCRIPT)
        if measured["scrollWidth"] > measured["innerWidth"]:
            too_wide.append(
                f"- {name} ({url}): document {measured['scrollWidth']} px wide in a {width} px window; "
                f"sticking out: {', '.join(measured['culprits']) or 'nothing found outside table wrappers'}"
            )
        if width >= LAPTOP["width"]:
            scrolling = page.evaluate(SCROLLING_TABLES_SCRIPT)
            if scrolling:
                too_wide.append(
                    f"- {name} ({url}): tables scroll sideways on a laptop: {'; '.join(scrolling)}"
                )

    assert not too_wide, f"Pages wider than the window for the {role}:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("sized_page", [PHONE, LAPTOP], ids=["phone", "laptop"], indirect=True)
def test_contacts_show_each_number_in_view_and_tappable(sized_page, login, amager_plan):
    """On a phone the contact list is a card per contact: its phone number is on screen (not past the right
    edge of a scrolling table) and a tel: link, so one tap calls."""
    page = sized_page
    login(page, make_personas(amager_plan).coordinator)
    page.goto(reverse("preparedness:contacts", kwargs={"plan": amager_plan.slug}))
    width = page.viewport_size["width"]

    assert page.evaluate(OVERFLOW_SCRIPT)["scrollWidth"] <= width
    phones = page.locator("table.contacts-table a[href^='tel:']")
    assert phones.count() > 0
    for index in range(phones.count()):
        phone = phones.nth(index)
        phone.scroll_into_view_if_needed()
        box = phone.bounding_box()
        assert box is not None and box["width"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{phone.inner_text()} is cut off at {width} px"
        )
        assert phone.get_attribute("href") == "tel:" + phone.inner_text().replace(" ", "")
    if width == PHONE["width"]:
        # Cards: the rows stack, each cell named by its column.
        first_row = page.locator("table.contacts-table tbody tr").first
        assert first_row.evaluate("el => getComputedStyle(el).display") == "block"
        expect(first_row.locator("td[data-label]").first).to_be_visible()


@pytest.mark.parametrize("sized_page", [PHONE, LAPTOP], ids=["phone", "laptop"], indirect=True)
@pytest.mark.parametrize("role", ["coordinator", "reviewer"])
def test_the_approvals_table_keeps_each_result_in_view(sized_page, login, amager_plan, role):
    page = sized_page
    login(page, make_personas(amager_plan)[role])
    page.goto(reverse("approvals:overview", kwargs={"plan": amager_plan.slug}))
    width = page.viewport_size["width"]

    assert page.evaluate(OVERFLOW_SCRIPT)["scrollWidth"] <= width
    results = page.locator("table.approvals-table td.approval-result")
    assert results.count() == amager_plan.estates.count()
    for index in (0, results.count() - 1):
        result = results.nth(index)
        result.scroll_into_view_if_needed()
        box = result.locator(".status, span").first.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (
            f"result {index} is cut off at {width} px"
        )
