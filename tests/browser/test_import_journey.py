"""A coordinator enters the year's values from a spreadsheet in real Chromium: downloads the template, fills it
in (openpyxl, as a person would in Excel), uploads it, sees one row refused at its row and column, fixes it,
uploads again and saves — and the dashboard's "Tid til nye målinger" clears. axe-core checks every page."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhedsplan.goals.models import Indicator, Measurement
from tests.imports.filling import fill
from tests.world import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The plan's last day: a value then leaves no measurement due inside the period.
GOOD_DAY = datetime.date(2025, 12, 31)
OUTSIDE = datetime.date(2031, 1, 1)


def test_a_coordinator_imports_the_missing_values_and_the_dashboard_clears(
    page, login, amager_plan, assert_no_axe_violations, tmp_path: Path
):
    coordinator = make_personas(amager_plan).coordinator
    login(page, coordinator)
    dashboard = reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})
    page.goto(dashboard)
    due = page.locator("#attention-measurements")
    expect(due).to_have_text("Tid til nye målinger")
    assert page.locator("#attention-measurements + ul li").count() > 1
    # The coordinator's template holds every indicator of the plan: a value for each on the plan's last day.
    indicators = list(Indicator.objects.in_plan(amager_plan).order_by("pk"))

    # 1. The template, from the import page in the plan's menu.
    page.get_by_role("link", name="Importér").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importér fra regneark")
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent skabelonen (.xlsx)").click()
    template = Path(download.value.path()).read_bytes()

    # 2. Filled in with one date outside the plan's period.
    first, *rest = indicators
    values = {indicator.pk: (7, GOOD_DAY) for indicator in rest}
    wrong = tmp_path / "aarets-tal.xlsx"
    wrong.write_bytes(fill(template, values={**values, first.pk: (7, OUTSIDE)}))
    page.locator("#id_file").set_input_files(str(wrong))
    page.get_by_role("button", name="Tjek filen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tjek før du gemmer: aarets-tal.xlsx")
    refused = page.locator("tr.table-danger", has_text='kolonne "Dato for ny værdi"')
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("planens periode")
    assert_no_axe_violations(page)
    assert not Measurement.objects.filter(indicator__in=indicators, date=GOOD_DAY).exists(), "nothing saved"

    # 3. Fixed and uploaded again: every row new, none refused; saved.
    page.get_by_role("link", name="Upload en anden fil").click()
    fixed = tmp_path / "aarets-tal-rettet.xlsx"
    fixed.write_bytes(fill(template, values={**values, first.pk: (7, GOOD_DAY)}))
    page.locator("#id_file").set_input_files(str(fixed))
    page.get_by_role("button", name="Tjek filen").click()
    expect(page.locator("tr.table-danger")).to_have_count(0)
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile(r"^Gem \d+ værdi")).click()

    # 4. Back on the dashboard: the values are there and nothing is due any more.
    expect(page).to_have_url(
        re.compile(re.escape(reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})))
    )
    expect(page.locator(".alert-success, [role=alert]").first).to_contain_text(
        "Gemt fra aarets-tal-rettet.xlsx"
    )
    expect(page.locator("#attention-measurements")).to_have_count(0)
    assert_no_axe_violations(page)
    saved = Measurement.objects.filter(indicator__in=indicators, date=GOOD_DAY)
    assert saved.count() == len(indicators)
