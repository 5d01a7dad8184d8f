"""Issue 18, points 4–6: the report's sums agree with the budget page, a percentage is rounded once and shows the
same digits everywhere, the seed's facts are in the report as the seed has them, and example data — and only
example data — carries its mark. Built on the Amager plan after its period (ended 31 December 2025)."""

from __future__ import annotations

import datetime
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal
from helhedsplan.budget.models import FundingSource
from helhedsplan.core.formatting import format_kr, format_percent
from helhedsplan.overview.views import DashboardView
from helhedsplan.reports import documents
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report
from tests.world import client_for

from .test_lbf_reports import pdf_text

pytestmark = pytest.mark.django_db

AFTER_THE_PERIOD = datetime.date(2026, 12, 1)


def flat(text: str) -> str:
    return " ".join(text.split())


def page_text(response) -> str:
    """A page's words as a reader gets them: the markup dropped, the white space folded."""
    return flat(re.sub(r"<[^>]+>", " ", response.content.decode()))


def final_data(plan):
    return status_report(Report(plan=plan, kind=Report.Kind.FINAL), as_of=AFTER_THE_PERIOD)


@pytest.fixture
def after_the_period(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: AFTER_THE_PERIOD)
    monkeypatch.setattr(DashboardView, "today", lambda self: AFTER_THE_PERIOD)


def report_page(plan, persona) -> str:
    url = reverse("reports:report", kwargs={"plan": plan.slug, "period": "slut"})
    return page_text(client_for(persona).get(url))


def test_the_final_reports_pdf_holds_the_seeds_facts(amager_plan):
    text = flat(pdf_text(documents.report_pdf(final_data(amager_plan))))
    agreement = StrategicAgreement.objects.get(plan=amager_plan)
    vision_sentence = flat(agreement.vision).split(". ")[0]
    assert vision_sentence.startswith("Helhedsplanen arbejder for at understøtte visionen")
    assert vision_sentence in text
    goals = list(StrategicGoal.objects.filter(plan=amager_plan))
    assert len(goals) == 4
    for goal in goals:
        assert flat(goal.text) in text, goal.text
    # The local share beside LBF's 25 % floor and the kommune's 12,5 % obligation, each with its check.
    assert re.search(
        r"Lokal medfinansiering: 12,15 mio\. kr\. \(39 %\); Landsbyggefonden kræver mindst 25 %: ✓", text
    )
    assert re.search(
        r"Kommunen betaler 4,62 mio\. kr\. \(\d+,\d %\); dens forpligtelse er 12,5 % af budgettet: [✓✗]", text
    )
    # The approvals as the seed dates them, with the estate that had not approved and the date expected.
    assert (
        "18 af 19 boligafdelinger havde godkendt planen pr. 27. september 2021; Støberigården I+II (VIBO)"
        in text
    )
    assert "4. november 2021" in text
    # Each indicator names its data source.
    assert "Kilde:" in text
    # The plan's description, with the sources of its homes and residents.
    assert "4.135 boliger og 9.027 beboere" in text


def test_the_reports_budget_totals_are_the_budget_pages_known_years(amager_plan, personas):
    data = final_data(amager_plan)
    response = client_for(personas.reviewer).get(
        reverse("budget:overview", kwargs={"plan": amager_plan.slug})
    )
    page = response.context["summary"].total_variance
    total = data.budget.total
    assert (total.budget_known, total.actual, total.variance.amount) == (
        page.budget,
        page.actual,
        page.amount,
    )
    # The rows by delaftale and by category add up to the same, to the krone.
    for rows in (data.budget.by_sub_agreement, data.budget.by_category):
        assert sum(r.budget_known for r in rows) == page.budget
        assert sum(r.actual for r in rows) == page.actual
    # The year without known spend is shown apart, and the whole budget is not compared with three years' spend.
    assert [r.year for r in data.budget.unknown_years] == [
        y for y in data.budget.years if y not in data.budget.known_years
    ]
    assert data.budget.unknown_years and all(r.missing_actual for r in data.budget.unknown_years)
    assert total.budget_known < total.budget
    html = report_page(amager_plan, personas.reviewer)
    assert f"{format_kr(page.amount)} ({format_percent(page.fraction, 1)})" in html
    assert "mangler: året er omme" in html


def test_the_same_percentage_shows_the_same_digits_everywhere(amager_plan, personas, after_the_period):
    data = final_data(amager_plan)
    shown = format_percent(data.progress.value)
    assert shown == f"{data.progress.percent} %"
    dashboard = page_text(
        client_for(personas.reviewer).get(reverse("overview:dashboard", kwargs={"plan": amager_plan.slug}))
    )
    assert f"nået {shown} af målet" in dashboard
    assert f"{shown} af vejen mod målene" in report_page(amager_plan, personas.reviewer)
    assert f"{shown} af vejen mod målene" in flat(pdf_text(documents.report_pdf(data)))
    book = load_workbook(BytesIO(documents.report_xlsx(data)))
    status = next(row for row in book["Forside"].iter_rows() if row[0].value == "Samlet status")
    assert status[2].number_format == "0%"
    assert round(status[2].value * 100, 6) == data.progress.percent
    # The API gives the rounded figure beside the exact one.
    indicator = data.sections[0].goals[0].indicators[0]
    api = (
        client_for(personas.reviewer)
        .get(f"/api/plans/{amager_plan.slug}/indicators/{indicator.indicator.pk}")
        .json()
    )
    assert api["progress"]["percent"] == int(format_percent(api["progress"]["value"]).removesuffix(" %"))


def test_example_data_is_marked_and_the_seeds_facts_are_not(amager_plan, personas):
    lbf = FundingSource.objects.in_plan(amager_plan).get(kind=FundingSource.Kind.LBF)
    assert not lbf.is_example
    data = final_data(amager_plan)
    assert data.budget.has_examples and data.has_examples
    # The page and the PDF: the one legend, the budget's mark, and no mark on the funding sources' stated totals.
    page = report_page(amager_plan, personas.reviewer)
    text = flat(pdf_text(documents.report_pdf(data)))
    for document in (page, text):
        assert "markerer opdigtede demodata" in document
        assert "eksempel Budgetlinjerne, deres fordeling på år og forbruget er eksempeldata" in document
        assert re.search(r"Landsbyggefonden 19,05 mio\. kr\. 61 %", document)
        assert "Landsbyggefonden eksempel" not in document
    # Every sheet of the spreadsheet has an example column or row; the LBF row says no, the budget lines yes.
    book = load_workbook(BytesIO(documents.report_xlsx(data)))
    for sheet in book.worksheets:
        assert any(
            c.value in ("Eksempel", "Indeholder eksempeldata") for row in sheet.iter_rows() for c in row
        ), sheet.title
    rows = [[c.value for c in row] for row in book["Budget"].iter_rows()]
    lbf_row = next(r for r in rows if r[0] == "Landsbyggefonden")
    assert lbf_row[7] == "nej"
    known = next(r for r in rows if r[0] == "År med kendt forbrug")
    assert known[7] == "ja"
    # The API: a field on every budget line and funding source.
    budget = client_for(personas.reviewer).get(f"/api/plans/{amager_plan.slug}/budget").json()
    assert all(line["is_example"] for line in budget["lines"])
    assert not next(s for s in budget["sources"] if s["kind"] == "lbf")["is_example"]
    approvals = client_for(personas.reviewer).get(f"/api/plans/{amager_plan.slug}/approvals").json()
    assert all("is_example" in estate for estate in approvals["estates"])


def test_the_dashboard_shows_the_plans_description_with_its_sources(amager_plan, personas):
    html = page_text(
        client_for(personas.reviewer).get(reverse("overview:dashboard", kwargs={"plan": amager_plan.slug}))
    )
    assert "4.135 boliger og 9.027 beboere" in html
    assert "pressemeddelelse på kk.dk" in html
    assert "markerer opdigtede demodata" in html  # the one legend, on every page of a plan
