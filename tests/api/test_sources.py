"""The API gives each fact it returns with where it comes from (``documents.FactSource``): the plan's homes and
residents, an indicator's baseline, a funding amount, an approval step's date — a document and its page, a public
address with the day it was read, a public document by name, or the example mark; no personal data, and no query
per row."""

from __future__ import annotations

import datetime

import pytest

from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.budget.models import FundingSource
from helhedsplan.documents.models import FactSource
from helhedsplan.goals.models import Indicator
from tests.api.factories import bearer, token_for
from tests.documents.factories import FactSourceFactory, document_with_version
from tests.world import client_for

pytestmark = pytest.mark.django_db

SOURCE_KEYS = {"kind", "document_id", "document_title", "page", "url", "read_on", "reference", "is_example"}


@pytest.fixture
def sourced(amager_plan, settings, tmp_path):
    """The Amager plan with one source of each kind on its facts (the plan file's own sources removed first)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    FactSource.objects.filter(plan=amager_plan).delete()
    document = document_with_version(amager_plan, title="Bilag 1: Strategisk samarbejdsaftale")
    indicator = Indicator.objects.in_plan(amager_plan).order_by("pk").first()
    funding = FundingSource.objects.in_plan(amager_plan).order_by("pk").first()
    step = (
        ApprovalStep.objects.in_plan(amager_plan)
        .filter(date__isnull=False, date_is_expected=False)
        .order_by("pk")
        .first()
    )
    FactSourceFactory(
        plan=amager_plan,
        fact="plan-residents",
        object_id=amager_plan.pk,
        reference="",
        document=document,
        page=3,
    )
    FactSourceFactory(
        plan=amager_plan,
        fact="indicator-baseline",
        object_id=indicator.pk,
        reference="",
        url="https://amagerplanen.dk/",
        read_on=datetime.date(2026, 1, 5),
    )
    FactSourceFactory(
        plan=amager_plan, fact="funding-amount", object_id=funding.pk, reference="Budgetaftale 2021"
    )
    FactSourceFactory(
        plan=amager_plan, fact="approval-date", object_id=step.pk, reference="", is_example=True
    )
    return {"document": document, "indicator": indicator, "funding": funding, "step": step}


def _get(plan, personas, path: str) -> dict:
    response = client_for(None).get(f"/api{path}", headers=bearer(token_for(personas.reviewer)))
    assert response.status_code == 200, response.content
    return response.json()


def test_the_plans_figures_carry_their_sources(amager_plan, personas, sourced):
    plan = _get(amager_plan, personas, f"/plans/{amager_plan.slug}")
    assert plan["homes_source"] is None
    assert plan["residents_source"] == {
        "kind": "document",
        "document_id": sourced["document"].pk,
        "document_title": "Bilag 1: Strategisk samarbejdsaftale",
        "page": 3,
        "url": None,
        "read_on": None,
        "reference": None,
        "is_example": False,
    }
    listed = next(p for p in _get(amager_plan, personas, "/plans")["items"] if p["slug"] == amager_plan.slug)
    assert listed["residents_source"] == plan["residents_source"]


def test_an_indicators_baseline_carries_its_source(amager_plan, personas, sourced):
    indicator = sourced["indicator"]
    expected = {
        "kind": "url",
        "document_id": None,
        "document_title": None,
        "page": None,
        "url": "https://amagerplanen.dk/",
        "read_on": "2026-01-05",
        "reference": None,
        "is_example": False,
    }
    detail = _get(amager_plan, personas, f"/plans/{amager_plan.slug}/indicators/{indicator.pk}")
    assert detail["baseline_source"] == expected
    items = _get(amager_plan, personas, f"/plans/{amager_plan.slug}/indicators?limit=100")["items"]
    by_id = {item["id"]: item["baseline_source"] for item in items}
    assert by_id[indicator.pk] == expected
    assert all(source is None for pk, source in by_id.items() if pk != indicator.pk)


def test_a_funding_amount_and_an_approval_steps_date_carry_their_sources(amager_plan, personas, sourced):
    budget = _get(amager_plan, personas, f"/plans/{amager_plan.slug}/budget")
    funding = next(s for s in budget["sources"] if s["id"] == sourced["funding"].pk)
    assert funding["amount_source"]["kind"] == "reference"
    assert funding["amount_source"]["reference"] == "Budgetaftale 2021"
    approvals = _get(amager_plan, personas, f"/plans/{amager_plan.slug}/approvals")
    step = next(s for s in approvals["steps"] if s["id"] == sourced["step"].pk)
    assert step["date_source"]["kind"] == "example" and step["date_source"]["is_example"]
    assert len(approvals["steps"]) == ApprovalStep.objects.in_plan(amager_plan).count()


def test_a_source_carries_no_personal_data(amager_plan, personas, sourced):
    """A source names a document by id, title and page: never its file, its versions or who keeps it."""
    plan = _get(amager_plan, personas, f"/plans/{amager_plan.slug}")
    assert set(plan["residents_source"]) == SOURCE_KEYS
    version = sourced["document"].versions.get()
    assert version.sha256 not in str(plan) and version.file.name not in str(plan)
