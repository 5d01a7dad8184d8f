"""The admin's busiest pages cost the same number of queries with few rows as with many.

Each page is measured twice, with a few and with many rows of what it lists or holds inline: a query per row
(an N+1) shows as a difference.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.goals.admin import MEASUREMENTS_SHOWN
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.plans.models import Membership
from tests.admin.page_fixtures import change_page_data
from tests.goals.factories import IndicatorFactory, MeasurementFactory
from tests.plans.factories import EstateFactory, MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="superadmin", is_staff=True, is_superuser=True, password=None))
    return client


def count_queries(client, url: str) -> int:
    client.get(url)  # once before: Django caches the content types the page links to for the process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_measurements(indicator: Indicator, count: int, entered_by=None) -> None:
    start = datetime.date(2022, 1, 1)
    for day in range(count):
        MeasurementFactory(
            indicator=indicator, date=start + datetime.timedelta(days=day), entered_by=entered_by
        )


def test_indicator_change_page_reads_its_measurements_in_a_fixed_number_of_queries(superuser_client):
    few, many = IndicatorFactory(), IndicatorFactory()
    author = UserFactory(password=None)
    add_measurements(few, 2, author)
    add_measurements(many, 20, author)

    queries = [
        count_queries(superuser_client, reverse("admin:goals_indicator_change", args=[indicator.pk]))
        for indicator in (few, many)
    ]

    # Session and user; the indicator with its plan, goal and strategic goal; the number of its measurements
    # (for the link to them all); the newest measurements with their indicator's trail and their authors
    # joined; the choices of the indicator's fields.
    assert queries[0] == queries[1]
    assert queries[1] <= 14


def test_measurement_list_costs_the_same_with_many_measurements(superuser_client):
    indicator = IndicatorFactory()
    add_measurements(indicator, 3)
    url = reverse("admin:goals_measurement_changelist")
    few = count_queries(superuser_client, url)
    add_measurements(IndicatorFactory(), 60)

    assert count_queries(superuser_client, url) == few


def test_measurement_list_sorts_by_its_own_columns_only():
    from django.contrib import admin

    model_admin = admin.site._registry[Measurement]

    # Newest first by the measurement's own date (indexed), never by the indicator's chain of orderings.
    assert model_admin.get_ordering(None) == ("-date", "-id")
    assert model_admin.date_hierarchy is None


def test_plan_change_page_costs_the_same_with_many_estates_and_members(superuser_client):
    few, many = PlanFactory(), PlanFactory()
    for plan, size in ((few, 1), (many, 12)):
        for _ in range(size):
            EstateFactory(plan=plan)
            MembershipFactory(plan=plan, role=Membership.Role.EDITOR)

    queries = [
        count_queries(superuser_client, reverse("admin:plans_plan_change", args=[plan.pk]))
        for plan in (few, many)
    ]

    assert queries[0] == queries[1]


def test_indicator_change_page_shows_the_newest_measurements_only(superuser_client):
    """An indicator's page does not grow with its history: the 20 newest measurements are rows, and the rest
    are one link away, in the measurement list filtered to the indicator."""
    short, long = IndicatorFactory(), IndicatorFactory()
    add_measurements(short, MEASUREMENTS_SHOWN)
    add_measurements(long, MEASUREMENTS_SHOWN + 40)

    pages = {}
    for indicator in (short, long):
        url = reverse("admin:goals_indicator_change", args=[indicator.pk])
        superuser_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            pages[indicator] = superuser_client.get(url)
        pages[indicator].queries = len(queries)

    formset = pages[long].context["inline_admin_formsets"][0].formset
    shown = [form.instance.date for form in formset.initial_forms]
    newest = sorted(long.measurements.values_list("date", flat=True), reverse=True)[:MEASUREMENTS_SHOWN]
    assert sorted(shown, reverse=True) == newest
    html = pages[long].content.decode()
    link = "{}?indicator__id__exact={}".format(reverse("admin:goals_measurement_changelist"), long.pk)
    assert link in html
    assert "De 20 nyeste er vist nedenfor." in html
    assert "Alle 60 målinger i listen" in html
    assert "20 målinger, alle vist nedenfor." in pages[short].content.decode()
    assert pages[short].queries == pages[long].queries
    # The same rows, so the same page but for the numbers in the text: no more than a few bytes apart.
    assert abs(len(pages[long].content) - len(pages[short].content)) < 200

    listed = superuser_client.get(link)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == MEASUREMENTS_SHOWN + 40


def test_saving_an_indicator_with_a_long_history_changes_only_the_row_edited(superuser_client):
    indicator = IndicatorFactory()
    add_measurements(indicator, MEASUREMENTS_SHOWN + 5)
    url = reverse("admin:goals_indicator_change", args=[indicator.pk])
    before = {m.pk: (m.value, m.lock_version) for m in indicator.measurements.all()}
    data = change_page_data(superuser_client.get(url))
    newest = indicator.measurements.order_by("-date").first()
    prefix = next(
        key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == newest.pk
    )
    data[f"{prefix}-value"] = "123"

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    after = {m.pk: (m.value, m.lock_version) for m in indicator.measurements.all()}
    assert after.keys() == before.keys()
    assert after.pop(newest.pk)[0] == 123
    assert all(after[pk] == before[pk] for pk in after)
