"""The estates' map in Chromium with no network at all: every request that would leave the machine is aborted
and recorded (none may be attempted), the markers are drawn from our own static Leaflet, no CSP violation (the
page fixture fails on one), axe finds nothing, and a keyboard user reaches each estate's popup."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.plans.models import Estate
from helhedsplan.plans.services import estate_update
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Test coordinates on Amager (not claims about where these estates lie: the Amager plan file sets none).
PLACES = {
    "Hørgården": (
        "55.6611",
        "12.5892",
        [[12.587, 55.660], [12.591, 55.660], [12.591, 55.662], [12.587, 55.660]],
    ),
    "Signalgården": ("55.6500", "12.6100", None),
    "Remisevænget Øst": ("55.6560", "12.6030", None),
}


def test_the_map_draws_every_located_estate_without_any_network(
    page, login, live_server, amager_plan, assert_no_axe_violations
):
    for name, (lat, lon, outline) in PLACES.items():
        estate = Estate.objects.in_plan(amager_plan).get(name=name)
        estate_update(
            estate=estate,
            data={
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "outline": outline,
                "location_source": "Test",
            },
            expected_lock_version=estate.lock_version,
            actor=None,
        )
    here = urlparse(live_server.url).hostname
    leaving: list[str] = []

    def guard(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in (here, "localhost", "127.0.0.1") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    page.context.route("**/*", guard)
    login(page, make_personas(amager_plan).reviewer)
    page.goto(reverse("approvals:overview", kwargs={"plan": amager_plan.slug}))

    markers = page.locator("#estate-map .leaflet-marker-icon")
    expect(markers).to_have_count(len(PLACES))
    expect(page.locator("#estate-map path.leaflet-interactive, #estate-map path")).not_to_have_count(0)
    assert_no_axe_violations(page)

    # Keyboard: each marker takes the focus and Enter opens its popup with the estate's name and approval.
    for name in PLACES:
        marker = page.locator(f'#estate-map .leaflet-marker-icon[title="{name}"]')
        marker.focus()
        expect(marker).to_be_focused()
        page.keyboard.press("Enter")
        popup = page.locator("#estate-map .leaflet-popup-content").filter(has_text=name)
        expect(popup).to_be_visible()
        expect(popup).to_contain_text("Godkendt")
    # And Tab goes from marker to marker.
    page.locator(f'#estate-map .leaflet-marker-icon[title="{next(iter(PLACES))}"]').focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement.classList.contains('leaflet-marker-icon') || document.activeElement.closest('.leaflet-popup') !== null"
    )
    assert focused
    assert_no_axe_violations(page)
    assert leaving == [], f"requests that tried to leave the machine: {leaving}"
