"""The admin's busiest pages cost the same number of queries with few rows as with many.

Each page is measured twice, with a few and with many rows of what it lists or holds inline: a query per row
(an N+1) shows as a difference.
"""

import datetime
import re

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


def form_widgets(html: str) -> int:
    """The form widgets a page draws (hidden fields included): what made the heavy pages slow to render."""
    return len(re.findall(r"<(?:input|select|textarea)\b", html))


def test_indicator_change_page_lists_its_newest_measurements_as_links_in_a_fixed_number_of_queries(
    superuser_client,
):
    few, many = IndicatorFactory(), IndicatorFactory()
    author = UserFactory(password=None)
    add_measurements(few, 2, author)
    add_measurements(many, MEASUREMENTS_SHOWN + 40, author)

    pages = {}
    for indicator in (few, many):
        url = reverse("admin:goals_indicator_change", args=[indicator.pk])
        superuser_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(url)
        pages[indicator] = (len(queries), response.content.decode(), response)

    # Session and user; the indicator with its plan, goal and strategic goal; the newest measurements; their
    # number (asked only when there are more than are shown: "20 of the 60"); the choices of the indicator's
    # own fields (among them the entries of the indicator catalogue it may be picked from). No measurement is a form row, so a long history adds no query.
    assert pages[many][0] == pages[few][0] + 1
    assert pages[many][0] <= 10
    # The indicator's own fields only: no widget per measurement.
    assert form_widgets(pages[few][1]) == form_widgets(pages[many][1]) <= 30
    assert pages[many][2].context["inline_admin_formsets"] == []
    html = pages[many][1]
    newest = many.measurements.order_by("-date", "-pk")[:MEASUREMENTS_SHOWN]
    for measurement in newest:
        assert reverse("admin:goals_measurement_change", args=[measurement.pk]) in html
    oldest = many.measurements.order_by("date").first()
    assert reverse("admin:goals_measurement_change", args=[oldest.pk]) not in html
    assert "20 af de 60 er vist." in html
    link = "{}?indicator__id__exact={}".format(reverse("admin:goals_measurement_changelist"), many.pk)
    assert link in html
    assert "2 i alt." in pages[few][1]

    listed = superuser_client.get(link)
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == MEASUREMENTS_SHOWN + 40
    added = superuser_client.get(f"{reverse('admin:goals_measurement_add')}?indicator={many.pk}")
    assert added.context["adminform"].form.initial["indicator"] == str(many.pk)


def test_saving_an_indicator_with_a_long_history_writes_no_measurement(superuser_client):
    indicator = IndicatorFactory()
    add_measurements(indicator, MEASUREMENTS_SHOWN + 5)
    url = reverse("admin:goals_indicator_change", args=[indicator.pk])
    before = {m.pk: (m.value, m.lock_version) for m in indicator.measurements.all()}
    data = change_page_data(superuser_client.get(url))

    response = superuser_client.post(url, {**data, "name": "Nyt navn"})

    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Nyt navn"
    assert {m.pk: (m.value, m.lock_version) for m in indicator.measurements.all()} == before


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


def test_plan_change_page_lists_estates_and_members_as_links_at_a_fixed_cost(superuser_client):
    """A plan's page no longer draws a form row per estate and member (Amager's made it 259 widgets): it lists
    them as links, in the same queries and widgets with 1 or 30 of each."""
    few, many = PlanFactory(), PlanFactory()
    for plan, size in ((few, 1), (many, 30)):
        for _ in range(size):
            EstateFactory(plan=plan)
            MembershipFactory(plan=plan, role=Membership.Role.EDITOR)

    pages = {}
    for plan in (few, many):
        url = reverse("admin:plans_plan_change", args=[plan.pk])
        superuser_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(url)
        pages[plan] = (len(queries), response.content.decode(), response)

    # Session and user; the plan; its organisations' and period's choices; the estates shown and their number;
    # the members shown (with user and organisation) and their number. Each number is asked only when there are
    # more than are shown: the two queries 30 estates and members cost more than one.
    assert pages[many][0] == pages[few][0] + 2
    assert pages[many][0] <= 10
    assert form_widgets(pages[few][1]) == form_widgets(pages[many][1]) <= 40
    assert pages[many][2].context["inline_admin_formsets"] == []
    html = pages[many][1]
    estates = many.estates.order_by("name", "pk")
    assert all(reverse("admin:plans_estate_change", args=[e.pk]) in html for e in estates[:20])
    assert reverse("admin:plans_estate_change", args=[estates.last().pk]) not in html
    assert html.count("20 af de 30 er vist.") == 2
    assert "{}?plan__id__exact={}".format(reverse("admin:plans_membership_changelist"), many.pk) in html
    assert "{}?plan__id__exact={}".format(reverse("admin:plans_estate_changelist"), many.pk) in html
    assert "{}?plan={}".format(reverse("admin:plans_estate_add"), many.pk) in html


def test_the_add_page_of_a_plan_still_takes_its_estates_and_members_as_rows(superuser_client):
    response = superuser_client.get(reverse("admin:plans_plan_add"))

    assert [inline.formset.prefix for inline in response.context["inline_admin_formsets"]] == [
        "estates",
        "memberships",
    ]
