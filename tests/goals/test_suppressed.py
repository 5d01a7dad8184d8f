"""A suppressed figure ("diskretioneret": too few persons to publish it) is a measurement without a value: shown as
such and never as zero, left out of progress and sums with that said on the page, in the report's PDF and
spreadsheet, the API and the plan file, and importable from a spreadsheet."""

from __future__ import annotations

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.goals.progress import Status
from helhedsplan.goals.services import measurement_create
from helhedsplan.imports.services import import_preview_apply, import_preview_create
from tests.imports.filling import fill, template_for
from tests.world import snapshot

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 11, 29)
MESSAGE = "Skriv værdien, eller markér tallet som diskretioneret (for få personer) — en af de to."


def _indicator(plan) -> Indicator:
    return Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk").first()


def _suppress(indicator, day=DAY) -> Measurement:
    return measurement_create(
        indicator=indicator, data={"date": day, "value": None, "suppressed": True, "note": ""}, actor=None
    )


@pytest.mark.parametrize(("value", "suppressed"), [(Decimal(3), True), (None, False)])
def test_a_figure_is_either_a_value_or_suppressed(amager_plan, value, suppressed):
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        measurement_create(
            indicator=_indicator(amager_plan),
            data={"date": DAY, "value": value, "suppressed": suppressed, "note": ""},
            actor=None,
        )
    assert refusal.value.message_dict["value"] == [MESSAGE]
    assert snapshot() == before


def test_a_suppressed_latest_figure_is_shown_as_such_and_left_out_of_progress_and_sums(
    amager_plan, personas, client_for
):
    indicator = _indicator(amager_plan)
    goal = indicator.goal
    others_before = [i.progress() for i in goal.indicators.exclude(pk=indicator.pk)]
    _suppress(indicator, day=amager_plan.end_date)
    indicator = Indicator.objects.get(pk=indicator.pk)
    # Progress: no figure, so no data — not a zero, not the value before.
    assert indicator.progress().status == Status.NO_DATA
    # The goal's roll-up is its other indicators' alone.
    from helhedsplan.goals.progress import roll_up

    assert goal.progress() == roll_up(others_before)
    page = client_for(personas.reviewer).get(indicator.get_absolute_url()).content.decode()
    assert "er diskretioneret (for få personer til at offentliggøre den)" in page
    assert "indgår ikke i fremdrift og summer" in page
    goal_page = client_for(personas.reviewer).get(goal.get_absolute_url()).content.decode()
    assert "diskretioneret" in goal_page


def test_the_report_pdf_and_spreadsheet_say_diskretioneret(amager_plan, personas, client_for):
    _suppress(_indicator(amager_plan))
    client = client_for(personas.coordinator)
    kwargs = {"plan": amager_plan.slug, "period": "2024"}
    pdf = client.get(reverse("reports:report_download", kwargs={**kwargs, "format": "pdf"})).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "diskretioneret" in text
    xlsx = client.get(reverse("reports:report_download", kwargs={**kwargs, "format": "xlsx"})).content
    cells = [
        cell
        for sheet in load_workbook(io.BytesIO(xlsx)).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert "diskretioneret" in cells


def test_the_api_gives_no_value_and_says_suppressed(amager_plan, personas, client_for):
    indicator = _indicator(amager_plan)
    measurement = _suppress(indicator)
    response = client_for(personas.reviewer).get(f"/api/plans/{amager_plan.slug}/indicators/{indicator.pk}")
    assert response.status_code == 200, response.content
    (found,) = [m for m in response.json()["measurements"] if m["id"] == measurement.pk]
    assert (found["value"], found["suppressed"]) == (None, True)


def test_a_spreadsheet_s_diskretioneret_is_imported_as_suppressed(amager_plan, personas):
    indicator = _indicator(amager_plan)
    content = fill(
        template_for(amager_plan, personas.coordinator), values={indicator.pk: ("diskretioneret", DAY)}
    )
    preview = import_preview_create(
        plan=amager_plan, file_name="dst.xlsx", content=content, actor=personas.coordinator
    )
    (row,) = [r for r in preview.rows if r["kind"] == "measurements" and r["outcome"] != "empty"]
    assert (row["outcome"], row["new"]) == ("new", "diskretioneret")
    import_preview_apply(preview=preview, actor=personas.coordinator)
    saved = Measurement.objects.get(indicator=indicator, date=DAY)
    assert (saved.value, saved.suppressed) == (None, True)
