"""An extract of Landsbyggefonden's Beboerdata / Boligsociale Data (data/beboerdata-udtraek-EKSEMPEL.csv, made
up): estates matched by their number, topics by the catalogue code of the indicator picked from the catalogue,
suppressed cells ("." and "diskr.") as suppressed figures; what the plan does not have refused at its row and
column and listed apart, nothing guessed; the same file twice changes nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.imports.models import ImportPreview
from helhedsplan.imports.services import import_preview_apply, import_preview_create
from tests.world import snapshot

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "data" / "beboerdata-udtraek-EKSEMPEL.csv"
NUMBERS = ("901", "902", "903")


@pytest.fixture
def numbered(amager_plan):
    """Three of the plan's estates given the example's made-up numbers (the real ones are not known)."""
    estates = list(amager_plan.estates.order_by("pk")[:3])
    for estate, number in zip(estates, NUMBERS, strict=True):
        estate.number = number
        estate.save()
    return dict(zip(NUMBERS, estates, strict=True))


def _key_figure(plan) -> Indicator:
    return Indicator.objects.in_plan(plan).get(catalogue_entry__code="beskaeftigelse")


def _upload(client, plan, name: str, content: bytes) -> ImportPreview:
    response = client.post(
        reverse("imports:upload", kwargs={"plan": plan.slug}), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content[:2000]
    return ImportPreview.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def _outcomes(preview) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in preview.rows}


def test_the_example_extract_is_checked_saved_and_the_same_file_changes_nothing(
    amager_plan, numbered, personas, client_for
):
    indicator = _key_figure(amager_plan)
    progress_before = indicator.progress()
    client = client_for(personas.coordinator)
    content = EXAMPLE.read_bytes()
    before = snapshot()
    preview = _upload(client, amager_plan, EXAMPLE.name, content)
    assert [r for r in before if r[0] != "imports.ImportPreview"] == [
        r for r in snapshot() if r[0] != "imports.ImportPreview"
    ], "the dry run saves nothing of the plan's"
    # Rows as the file numbers them: two comment lines, then the header on line 3.
    outcomes = _outcomes(preview)
    assert [outcomes[row] for row in range(4, 12)] == ["new"] * 8
    assert outcomes[12] == outcomes[13] == "refused"
    errors = {row["row"]: row["errors"] for row in preview.rows}
    assert errors[12] == [["Afdelingsnummer", "Planen har ingen afdeling med nummer 999."]]
    assert errors[13][0][0] == "Emne" and "eksempel-ukendt-emne" in errors[13][0][1]
    assert "intet gættes" in errors[13][0][1]

    page = client.get(preview.get_absolute_url()).content.decode()
    assert "Nævnt i filen, ukendt i planen" in page
    assert "999" in page and "eksempel-ukendt-emne" in page
    assert "diskretioneret" in page and "Gem 8 værdier" in page

    client.post(reverse("imports:apply", kwargs={"plan": amager_plan.slug, "pk": preview.pk}))
    saved = Measurement.objects.filter(
        indicator=indicator, date__in=[datetime.date(2022, 12, 31), datetime.date(2023, 12, 31)]
    )
    by = {(m.level, m.estate.number if m.estate else None, m.date.year): m for m in saved}
    assert by[("plan", None, 2023)].value == Decimal("53.1")
    assert by[("estate", "901", 2022)].value == Decimal("48.0")
    assert by[("estate", "903", 2023)].value == Decimal("58")
    assert by[("estate", "902", 2022)].suppressed and by[("estate", "902", 2023)].suppressed
    assert by[("estate", "902", 2023)].value is None  # never a zero
    assert len(saved) == 8
    record = by[("estate", "901", 2022)].history.first()
    assert record.history_change_reason == f"Import af regneark: {EXAMPLE.name}"
    # Progress reads the plan's own latest figure (1 January 2025, from the plan file): the estates' are beside it.
    fresh = Indicator.objects.get(pk=indicator.pk)
    assert (fresh.latest_measurement().level, fresh.latest_measurement().value) == ("plan", Decimal("59.1"))
    assert fresh.progress() == progress_before

    again = _upload(client, amager_plan, EXAMPLE.name, content)
    assert {row["outcome"] for row in again.rows} == {"unchanged", "refused"}
    before = snapshot()
    client.post(reverse("imports:apply", kwargs={"plan": amager_plan.slug, "pk": again.pk}))
    assert [r for r in before if r[0] != "imports.ImportPreview"] == [
        r for r in snapshot() if r[0] != "imports.ImportPreview"
    ]


def test_an_extract_as_a_workbook_with_english_headers(amager_plan, numbered, personas):
    book = Workbook()
    sheet = book.active
    sheet.append(["Estate number", "Year", "Topic code", "Value"])
    sheet.append([901, 2024, "beskaeftigelse", 50.5])  # a number cell for the estate's number
    sheet.append(["902", "2024", "BESKAEFTIGELSE", "."])
    sheet.append(["i alt", 2024, "beskaeftigelse", "=1+1"])  # a formula: never evaluated
    out = io.BytesIO()
    book.save(out)
    preview = import_preview_create(
        plan=amager_plan, file_name="udtraek.xlsx", content=out.getvalue(), actor=personas.coordinator
    )
    rows = {row["row"]: row for row in preview.rows}
    assert rows[2]["outcome"] == "new" and rows[2]["estate"] == numbered["901"].pk
    assert rows[3]["outcome"] == "new" and rows[3]["suppressed"] is True
    assert rows[4]["outcome"] == "refused" and rows[4]["errors"][0][0] == "Værdi"


def test_a_year_outside_the_period_and_a_key_figure_an_editor_may_not_enter_are_refused(
    amager_plan, numbered, personas
):
    content = "Afdelingsnummer;År;Emne;Værdi\n901;2030;beskaeftigelse;3\n901;2024;beskaeftigelse;4\n".encode()
    before = snapshot()
    preview = import_preview_create(
        plan=amager_plan, file_name="u.csv", content=content, actor=personas.editor
    )
    rows = {row["row"]: row for row in preview.rows}
    assert [column for column, _message in rows[2]["errors"]] == ["Emne", "År"]
    assert rows[3]["errors"] == [
        ["Emne", "Den strategiske aftales nøgletal indtastes af planens koordinatorer."]
    ]
    assert [r for r in before if r[0] != "imports.ImportPreview"] == [
        r for r in snapshot() if r[0] != "imports.ImportPreview"
    ]
    import_preview_apply(preview=preview, actor=personas.editor)  # refused rows only: nothing to save
    assert not Measurement.objects.filter(estate=numbered["901"]).exists()


@pytest.mark.parametrize("rows", [1, 300])
def test_the_extract_s_dry_run_does_not_grow_with_the_rows(amager_plan, numbered, personas, rows):
    lines = ["Afdelingsnummer;År;Emne;Værdi"]
    for index in range(rows):
        lines.append(f"{NUMBERS[index % 3]};{2022 + (index // 3) % 4};beskaeftigelse;{index}")
    with CaptureQueriesContext(connection) as queries:
        import_preview_create(
            plan=amager_plan, file_name="u.csv", content="\n".join(lines).encode(), actor=personas.coordinator
        )
    # 1 the plan's indicators picked from the catalogue, 2 which of them the user may give values, 3 the plan's
    # estates by number, 4 the figures on the file's dates, 5 the stored preview.
    assert len(queries) == 5, "\n".join(q["sql"][:150] for q in queries.captured_queries)
