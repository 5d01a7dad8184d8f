"""Standard indicators compared across plans (``/portefolje/indikatorer/``): each plan the user may see that
picked an indicator from the catalogue entry, with its latest value and date, baseline, target and progress;
nobody else's plans; a suppressed value as "diskretioneret", never 0; queries flat in the number of plans."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.periods.models import CatalogueIndicator
from helhedsplan.periods.standard import ensure_standard_periods
from tests.agreements.factories import SubAgreementFactory
from tests.goals.factories import GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory
from tests.world import client_for

pytestmark = pytest.mark.django_db


def page_of(code: str, period: str = "2019-2026") -> str:
    return reverse("portfolio:catalogue_indicator", kwargs={"period": period, "code": code})


def picked_in_a_new_plan(entry: CatalogueIndicator, *, name: str, value: str | None, member=None):
    """A plan (with ``member`` as its reviewer) whose goal's indicator is picked from ``entry`` (40 → 60 %),
    measured ``value`` on 30 June 2023 (None: suppressed)."""
    plan = PlanFactory(name=name)
    if member is not None:
        MembershipFactory(user=member, plan=plan, role="reviewer")
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=plan))
    indicator = IndicatorFactory(goal=goal, name=f"{entry.name} i {name}", catalogue_entry=entry)
    MeasurementFactory(
        indicator=indicator,
        date=datetime.date(2023, 6, 30),
        value=None if value is None else Decimal(value),
        suppressed=value is None,
    )
    return plan


@pytest.fixture
def entry():
    ensure_standard_periods()
    return CatalogueIndicator.objects.get(period__code="2019-2026", code="tryghed")


def test_each_plan_the_user_sees_with_its_latest_value_baseline_target_and_progress(entry):
    reviewer = UserFactory(password=None)
    picked_in_a_new_plan(entry, name="Plan Nord", value="50", member=reviewer)
    picked_in_a_new_plan(entry, name="Plan Syd", value="45", member=reviewer)
    picked_in_a_new_plan(entry, name="Skjult plan", value="77.7")

    response = client_for(reviewer).get(page_of("tryghed"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [row.plan.name for row in response.context["rows"]] == ["Plan Nord", "Plan Syd"]
    assert "50 %" in html and "45 %" in html and "30. juni 2023" in html
    assert "40 % · 1. januar 2022" in html and "60 % · 31. december 2025" in html
    assert "50 % af vejen" in html  # 40 → 60, at 50: half way
    # Another plan's values are never shown, nor its name.
    assert "Skjult plan" not in html and "77,7" not in html
    assert entry.source in html and "eksempel på definition" in html


def test_a_suppressed_value_is_diskretioneret_never_zero(entry):
    reviewer = UserFactory(password=None)
    picked_in_a_new_plan(entry, name="Lille plan", value=None, member=reviewer)

    html = client_for(reviewer).get(page_of("tryghed")).content.decode()

    row = html[html.index('data-plan="') : html.index("</tr>", html.index('data-plan="'))]
    latest = row[row.index("data-latest>") : row.index("</td>", row.index("data-latest>"))]
    assert latest == "data-latest>diskretioneret"
    assert "data-suppressed-note" in html
    assert "Ingen data" in row  # no progress from a suppressed figure


def test_the_demo_plans_key_figures_are_found_and_a_member_of_no_plan_sees_none(amager_plan, personas):
    response = client_for(personas.reviewer).get(page_of("unge-uden-uddannelse-beskaeftigelse"))
    assert [row.plan for row in response.context["rows"]] == [amager_plan]
    assert "375 personer" in response.content.decode()  # the baseline
    response = client_for(personas.outsider).get(page_of("unge-uden-uddannelse-beskaeftigelse"))
    assert response.status_code == 200 and response.context["rows"] == []


def test_the_index_counts_only_the_users_plans(entry):
    reviewer = UserFactory(password=None)
    picked_in_a_new_plan(entry, name="Plan Nord", value="50", member=reviewer)
    picked_in_a_new_plan(entry, name="Skjult plan", value="50")

    response = client_for(reviewer).get(reverse("portfolio:catalogue"))

    uses = {use.entry.code: use.plans for use in response.context["uses"]}
    assert uses["tryghed"] == 1 and uses["valgdeltagelse"] == 0
    assert page_of("tryghed") in response.content.decode()


def test_an_unknown_entry_is_not_found_and_nobody_signed_out_reads_it(entry):
    reviewer = UserFactory(password=None)
    assert client_for(reviewer).get(page_of("findes-ikke")).status_code == 404
    assert client_for(reviewer).get(page_of("tryghed", period="2015-2018")).status_code == 404
    assert client_for(None).get(page_of("tryghed")).status_code == 302


def test_the_number_of_queries_does_not_depend_on_the_number_of_plans(entry):
    reviewer = UserFactory(password=None)
    client = client_for(reviewer)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page_of("tryghed"))
        assert response.status_code == 200
        return len(queries), len(response.context["rows"])

    picked_in_a_new_plan(entry, name="Plan 1", value="50", member=reviewer)
    # 1 the session, 2 the user; 3 the catalogue entry with its period; 4 the indicators picked from it in the
    # user's plans (with plan, goal and strategic goal; the plans as a subquery); 5 their latest measurements.
    assert count() == (5, 1)
    for number in range(2, 6):
        picked_in_a_new_plan(entry, name=f"Plan {number}", value="50", member=reviewer)
    assert count() == (5, 5)
