"""The page shows the source beside the figure: the plan's homes and residents on the dashboard, an indicator's
baseline on its page and its goal's page, a funding amount on the budget page, an approval's date on the
approvals page — each with its source ({% fact_source %}), or the "no source" mark with a link to name one for
whoever may set it (never for a reviewer)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.budget.models import FundingSource
from helhedsplan.documents import services
from helhedsplan.documents.models import FactSource
from helhedsplan.goals.models import Indicator
from tests.documents.factories import document_with_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_the_files_sources(amager_plan):
    """Each test starts from facts without a source (the Amager file names some)."""
    FactSource.objects.all().delete()


def _set(plan, fact: str, object_id: int, **data) -> FactSource:
    return services.fact_source_set(
        plan=plan, fact=fact, object_id=object_id, data=data, expected_lock_version=None, actor=None
    )


def _source_beside(html: str, fact: str, object_id: int) -> str:
    """The compact source the page shows beside the figure of ``fact`` on row ``object_id`` (one line)."""
    match = re.search(rf'data-fact-source="{fact}-{object_id}">(.*)', html)
    assert match, f"no source shown beside {fact} {object_id}"
    return match.group(1)


def _set_url(plan, fact: str, object_id: int) -> str:
    return reverse(
        "documents:source_update", kwargs={"plan": plan.slug, "fact": fact, "object_id": object_id}
    )


def _page(client, name: str, plan, **kwargs) -> str:
    response = client.get(reverse(name, kwargs={"plan": plan.slug, **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_the_homes_source_and_the_residents_mark(amager_plan, personas, client_for):
    document = document_with_version(amager_plan, title="Boligsocial analyse")
    _set(amager_plan, "plan-homes", amager_plan.pk, document=document, page=4)

    for who in (personas.coordinator, personas.reviewer):
        html = _page(client_for(who), "overview:dashboard", amager_plan)
        homes = _source_beside(html, "plan-homes", amager_plan.pk)
        assert f'<a href="{document.get_absolute_url()}">Boligsocial analyse</a>, side 4' in homes
        residents = _source_beside(html, "plan-residents", amager_plan.pk)
        assert "ingen kilde" in residents
        link = _set_url(amager_plan, "plan-residents", amager_plan.pk)
        # The coordinator may name the source; the reviewer only reads.
        assert (link in residents) is (who == personas.coordinator)


def test_the_indicator_and_goal_pages_show_the_baselines_source(amager_plan, personas, client_for):
    # Two indicators of one goal, as real figures (the Amager file flags its made-up baselines as examples).
    sourced, unsourced = (
        Indicator.objects.in_plan(amager_plan).filter(goal__isnull=False).order_by("goal", "pk")[:2]
    )
    assert sourced.goal_id == unsourced.goal_id
    Indicator.objects.filter(pk__in=[sourced.pk, unsourced.pk]).update(is_example=False)
    _set(
        amager_plan,
        "indicator-baseline",
        sourced.pk,
        url="https://www.dst.dk/da/Statistik/emner/borgere",
        read_on=datetime.date(2025, 3, 1),
    )
    for who in (personas.coordinator, personas.reviewer):
        client = client_for(who)
        indicator_page = _page(client, "goals:indicator", amager_plan, pk=sourced.pk)
        beside = _source_beside(indicator_page, "indicator-baseline", sourced.pk)
        # The host, linked to the whole address, with the day it was read.
        assert (
            '<a href="https://www.dst.dk/da/Statistik/emner/borgere" rel="noopener noreferrer">www.dst.dk</a>'
            in (beside)
        )
        assert "læst 1. marts 2025" in beside

        goal_page = _page(client, "goals:goal", amager_plan, pk=sourced.goal_id)
        assert "www.dst.dk" in _source_beside(goal_page, "indicator-baseline", sourced.pk)
        other_page = _page(client, "goals:indicator", amager_plan, pk=unsourced.pk)
        mark = _source_beside(other_page, "indicator-baseline", unsourced.pk)
        assert "ingen kilde" in mark
        assert (_set_url(amager_plan, "indicator-baseline", unsourced.pk) in mark) is (
            who == personas.coordinator
        )


def test_the_budget_page_shows_the_funding_amounts_source(amager_plan, personas, client_for):
    sourced, unsourced = (
        FundingSource.objects.in_plan(amager_plan).filter(is_example=False).order_by("pk")[:2]
    )
    _set(amager_plan, "funding-amount", sourced.pk, reference="Kommunens budgetaftale 2021")
    for who in (personas.coordinator, personas.reviewer):
        html = _page(client_for(who), "budget:overview", amager_plan)
        assert "Kilde: Kommunens budgetaftale 2021" in _source_beside(html, "funding-amount", sourced.pk)
        mark = _source_beside(html, "funding-amount", unsourced.pk)
        assert "ingen kilde" in mark
        assert (_set_url(amager_plan, "funding-amount", unsourced.pk) in mark) is (
            who == personas.coordinator
        )


def test_the_approvals_page_shows_the_dates_source_or_the_steps_own_reference(
    amager_plan, personas, client_for
):
    steps = ApprovalStep.objects.in_plan(amager_plan).filter(
        date__isnull=False, date_is_expected=False, is_example=False
    )
    sourced, unsourced = steps.order_by("pk")[:2]
    ApprovalStep.objects.filter(pk=unsourced.pk).update(reference="")
    document = document_with_version(amager_plan, title="Referat fra Borgerrepræsentationen")
    _set(amager_plan, "approval-date", sourced.pk, document=document)
    for who in (personas.coordinator, personas.reviewer):
        html = _page(client_for(who), "approvals:overview", amager_plan)
        assert "Referat fra Borgerrepræsentationen</a>" in _source_beside(html, "approval-date", sourced.pk)
        mark = _source_beside(html, "approval-date", unsourced.pk)
        assert "ingen kilde" in mark
        assert (_set_url(amager_plan, "approval-date", unsourced.pk) in mark) is (who == personas.coordinator)


def test_a_figure_marked_as_example_shows_the_mark_and_no_link(amager_plan, personas, client_for):
    _set(amager_plan, "plan-homes", amager_plan.pk, is_example=True)
    html = _page(client_for(personas.coordinator), "overview:dashboard", amager_plan)
    homes = _source_beside(html, "plan-homes", amager_plan.pk)
    assert "eksempel</span>" in homes
    assert "ingen kilde" not in homes
    assert _set_url(amager_plan, "plan-homes", amager_plan.pk) not in homes
