"""Another funding period's focus-area names: read once per plan and request, however many rows name them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.periods.models import FocusAreaDefinition
from helhedsplan.periods.names import focus_area_names_memo
from helhedsplan.periods.standard import ensure_standard_periods
from helhedsplan.plans.models import Plan
from helhedsplan.plantemplate.services import NewPlanData, plan_create_from_template
from tests.plans.factories import AffiliationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES_TABLE = FocusAreaDefinition._meta.db_table


def earlier_plan(coordinator) -> Plan:
    ensure_standard_periods()
    data = NewPlanData(
        name="Boligsocial helhedsplan Eksempel 2015-2018",
        slug="eksempel-2015-2018",
        area="Eksempel",
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2018, 12, 31),
        funding_period="2015-2018",
        organisation=OrganisationFactory(short_name="EKS"),
    )
    AffiliationFactory(user=coordinator, organisation=data.organisation)  # a plan is started for one's own
    return plan_create_from_template(data=data, actor=coordinator)


def names_read(queries: CaptureQueriesContext) -> int:
    return sum(NAMES_TABLE in query["sql"] for query in queries.captured_queries)


def test_within_a_memo_a_plans_names_are_read_once():
    plan = earlier_plan(UserFactory(password=None))
    rows = list(SubAgreement.objects.filter(plan=plan).order_by("pk"))
    assert len(rows) == 4
    with focus_area_names_memo(), CaptureQueriesContext(connection) as queries:
        names = [str(row) for row in rows] + [str(row) for row in rows]
    assert names[0] == "Eksempel: Tryghed og trivsel"
    assert names_read(queries) == 1  # every name of the plan's period, once


def test_outside_a_request_each_name_is_read_anew():
    """A command or the shell has no memo, so it never names a focus area as it was before a rename."""
    plan = earlier_plan(UserFactory(password=None))
    row = SubAgreement.objects.filter(plan=plan).order_by("pk").first()
    assert str(row) == "Eksempel: Tryghed og trivsel"
    FocusAreaDefinition.objects.filter(period__plans=plan, code=row.focus_area).update(name="Tryghed")
    assert str(row) == "Tryghed"


def test_a_page_of_delaftaler_reads_the_periods_names_once(client):
    coordinator = UserFactory()
    plan = earlier_plan(coordinator)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("agreements:sub_agreements", kwargs={"plan": plan.slug}))
    assert response.status_code == 200
    assert "Eksempel: Tryghed og trivsel" in response.content.decode()
    assert names_read(queries) == 1


def test_the_next_request_reads_a_renamed_focus_area(client):
    coordinator = UserFactory()
    plan = earlier_plan(coordinator)
    client.force_login(coordinator)
    url = reverse("agreements:sub_agreements", kwargs={"plan": plan.slug})
    assert "Eksempel: Tryghed og trivsel" in client.get(url).content.decode()
    FocusAreaDefinition.objects.filter(period__plans=plan, code="safety_wellbeing").update(
        name="Tryghed i dag"
    )
    assert "Tryghed i dag" in client.get(url).content.decode()
