"""The spreadsheet import: the template round trip, the refusals at their row and column, rights per row,
stale and expired previews, and the history naming the import."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from helhedsplan.budget.models import ActualSpend, BudgetLine
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.imports.models import ImportPreview
from helhedsplan.imports.services import PreviewNotApplicable, import_preview_apply, import_preview_create
from tests.imports.filling import DAY, fill, rows_of, template_for
from tests.world import limited_to, snapshot

pytestmark = pytest.mark.django_db


def _upload(client, plan, name: str, content: bytes):
    url = reverse("imports:upload", kwargs={"plan": plan.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _preview(response) -> ImportPreview:
    assert response.status_code == 302, response.content[:2000]
    return ImportPreview.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def _apply_url(preview: ImportPreview) -> str:
    return reverse("imports:apply", kwargs={"plan": preview.plan.slug, "pk": preview.pk})


def _goal_indicators(plan):
    return list(Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk"))


def _refusals(preview: ImportPreview) -> list[tuple[int, str, str]]:
    return [(row["row"], column, message) for row in preview.rows for column, message in row["errors"]]


# --- The round trip -------------------------------------------------------------------------------------------


def test_template_filled_in_checked_and_saved_then_the_same_file_changes_nothing(
    amager_plan, personas, client_for
):
    client = client_for(personas.coordinator)
    response = client.get(reverse("imports:template", kwargs={"plan": amager_plan.slug}))
    assert response.status_code == 200
    template = response.content
    indicators = _goal_indicators(amager_plan)[:3]
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    # A number cell, a Danish number as text, an English decimal; a date cell and a Danish date as text.
    filled = fill(
        template,
        values={
            indicators[0].pk: (41, DAY),
            indicators[1].pk: ("1.234,5", "29.06.2024"),
            indicators[2].pk: ("12.5", "2024-06-29"),
        },
        spend={(line.pk, 2023): "151.234,50"},
        notes={indicators[0].pk: "Optalt af sekretariatet"},
    )
    before_count = Measurement.objects.in_plan(amager_plan).count()
    before = snapshot()
    preview = _preview(_upload(client, amager_plan, "aarets-tal.xlsx", filled))
    # The dry run saved nothing of the plan's (only the preview itself).
    assert Measurement.objects.in_plan(amager_plan).count() == before_count
    assert [r for r in before if r[0] != "imports.ImportPreview"] == [
        r for r in snapshot() if r[0] != "imports.ImportPreview"
    ]
    outcomes = {
        (row["kind"], row.get("target"), row.get("year")): row["outcome"]
        for row in preview.rows
        if row["outcome"] != "empty"
    }
    assert outcomes[("measurements", indicators[0].pk, None)] == "new"
    assert outcomes[("actual_spend", line.pk, 2023)] in ("new", "changed")
    assert not _refusals(preview)

    page = client.get(preview.get_absolute_url())
    assert page.status_code == 200
    assert "Gem 4 værdier" in page.content.decode()

    saved = client.post(_apply_url(preview))
    assert saved.status_code == 302
    measurements = {m.indicator_id: m for m in Measurement.objects.filter(indicator__in=indicators, date=DAY)}
    assert measurements[indicators[0].pk].value == Decimal("41")
    assert measurements[indicators[1].pk].value == Decimal("1234.5")
    assert measurements[indicators[2].pk].value == Decimal("12.5")
    assert measurements[indicators[0].pk].note == "Optalt af sekretariatet"
    assert ActualSpend.objects.get(line=line, year=2023).amount == Decimal("151234.50")
    # The indicator's page shows the new value; the history names the import and its file.
    indicator_page = client.get(indicators[1].get_absolute_url()).content.decode()
    assert "1.234,5" in indicator_page
    record = measurements[indicators[0].pk].history.first()
    assert record.history_change_reason == "Import af regneark: aarets-tal.xlsx"
    assert record.history_user == personas.coordinator

    # The same file again: every row unchanged, and saving it changes nothing.
    again = _preview(_upload(client, amager_plan, "aarets-tal.xlsx", filled))
    assert {row["outcome"] for row in again.rows} <= {"unchanged", "empty"}
    before = snapshot()
    client.post(_apply_url(again))
    assert [r for r in before if r[0] != "imports.ImportPreview"] == [
        r for r in snapshot() if r[0] != "imports.ImportPreview"
    ]


def test_a_csv_in_danish_excel_s_shape_is_read(amager_plan, personas):
    indicator = _goal_indicators(amager_plan)[0]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(["Indikator nr.", "Enhed", "Ny værdi", "Dato for ny værdi", "Note"])
    writer.writerow([indicator.pk, indicator.unit, "7,25", "29.12.2024", "Årets tal"])
    preview = import_preview_create(
        plan=amager_plan,
        file_name="tal.csv",
        content=text.getvalue().encode("cp1252"),
        actor=personas.coordinator,
    )
    (row,) = preview.rows
    assert (row["outcome"], row["value"], row["date"], row["note"]) == (
        "new",
        "7.25",
        "2024-12-29",
        "Årets tal",
    )


# --- Refusals, each at its row and column ---------------------------------------------------------------------


def test_every_bad_row_is_refused_at_its_row_and_column_in_danish(amager_plan, other_plan, personas):
    indicators = _goal_indicators(amager_plan)
    foreign = Indicator.objects.in_plan(other_plan).first()
    book = Workbook()
    sheet = book.active
    sheet.append(["Indikator nr.", "Enhed", "Ny værdi", "Dato for ny værdi", "Farve"])
    sheet.append([indicators[0].pk, indicators[0].unit, "=1+1", DAY, ""])  # row 2: a formula
    sheet.append([indicators[1].pk, indicators[1].unit, 3, datetime.date(2030, 1, 1), ""])  # row 3: outside
    sheet.append([indicators[2].pk, "kr.", 3, DAY, ""])  # row 4: another unit
    sheet.append([indicators[3].pk, indicators[3].unit, 3, DAY, ""])  # row 5: fine
    sheet.append([indicators[3].pk, indicators[3].unit, 4, DAY, ""])  # row 6: the same indicator and date
    sheet.append([foreign.pk, "", 3, DAY, ""])  # row 7: another plan's indicator
    sheet.append([indicators[4].pk, "", "mange", DAY, ""])  # row 8: not a number
    sheet.append([indicators[5].pk, "", "10 kg", DAY, ""])  # row 9: a value in another unit
    out = io.BytesIO()
    book.save(out)
    before = Measurement.objects.count()
    preview = import_preview_create(
        plan=amager_plan, file_name="fejl.xlsx", content=out.getvalue(), actor=personas.coordinator
    )
    assert Measurement.objects.count() == before
    refusals = _refusals(preview)
    by_row = {}
    for row, column, message in refusals:
        by_row.setdefault(row, []).append((column, message))
    assert by_row[1] == [("Farve", "Ukendt kolonne: skabelonen har ingen sådan kolonne, og den læses ikke.")]
    assert by_row[2][0][0] == "Ny værdi" and "formel" in by_row[2][0][1]
    assert by_row[3][0][0] == "Dato for ny værdi" and "planens periode" in by_row[3][0][1]
    assert by_row[4] == [("Enhed", f"Indikatoren måles i {indicators[2].unit}, ikke kr..")]
    assert 5 not in by_row
    assert by_row[6] == [
        ("Dato for ny værdi", "Filen har allerede en værdi for denne indikator på denne dato (række 5).")
    ]
    assert by_row[7] == [("Indikator nr.", f"Planen har ingen indikator med nummer {foreign.pk}.")]
    assert by_row[8][0][0] == "Ny værdi" and "tal" in by_row[8][0][1]
    assert by_row[9][0][0] == "Ny værdi" and "enhed" in by_row[9][0][1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tal.pdf", b"%PDF-1.4", "Upload et Excel-regneark (.xlsx) eller en CSV-fil."),
        ("tal.xlsx", b"PK\x03\x04 not really a zip", "Filen kunne ikke læses som et Excel-regneark."),
        ("tal.csv", b" \n", "Filen er tom."),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused_and_nothing_is_stored(
    amager_plan, personas, client_for, name, content, message
):
    client = client_for(personas.coordinator)
    before = snapshot()
    response = _upload(client, amager_plan, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_file_too_large_is_refused(amager_plan, personas, client_for):
    client = client_for(personas.coordinator)
    response = _upload(client, amager_plan, "stor.csv", b"a;b\n" + b"1;2\n" * (1_400_000))
    assert response.status_code == 200
    assert "Filen er for stor" in response.content.decode()


# --- Rights per row -------------------------------------------------------------------------------------------


def test_an_editor_limited_to_one_sub_agreement_gets_only_their_rows(amager_plan, personas):
    own = limited_to(personas)
    coordinator_template = template_for(amager_plan, personas.coordinator)
    indicators = _goal_indicators(amager_plan)
    by_area = {}
    for indicator in indicators:
        by_area.setdefault(indicator.goal.sub_agreement_id, indicator)
    assert len(by_area) == 4  # a file covering all four delaftaler
    line = BudgetLine.objects.in_plan(amager_plan).order_by("pk").first()
    filled = fill(
        coordinator_template,
        values={indicator.pk: (5, DAY) for indicator in by_area.values()},
        spend={(line.pk, 2023): 1000},
    )
    # The limited editor's own template holds only their delaftale's indicators and no budget.
    own_rows = rows_of(template_for(amager_plan, personas.limited_editor))
    assert {row[0] for row in own_rows[1:]} == {i.pk for i in indicators if i.goal.sub_agreement_id == own.pk}
    preview = import_preview_create(
        plan=amager_plan, file_name="alle.xlsx", content=filled, actor=personas.limited_editor
    )
    measured = {
        row["target"]: row["outcome"]
        for row in preview.rows
        if row["kind"] == "measurements" and row["outcome"] != "empty"
    }
    assert measured == {i.pk: ("new" if area == own.pk else "refused") for area, i in by_area.items()}
    spend = [row for row in preview.rows if row["kind"] == "actual_spend" and row["outcome"] != "empty"]
    assert spend and {row["outcome"] for row in spend} == {"refused"}
    applied = import_preview_apply(preview=preview, actor=personas.limited_editor)
    assert (applied.created, applied.changed) == (1, 0)
    assert set(
        Measurement.objects.filter(date=DAY, indicator__in=by_area.values()).values_list(
            "indicator__goal__sub_agreement", flat=True
        )
    ) == {own.pk}
    assert not ActualSpend.objects.filter(line=line, year=2023, amount=1000).exists()


def test_a_reviewer_imports_nothing(amager_plan, personas, client_for):
    client = client_for(personas.reviewer)
    assert client.get(reverse("imports:upload", kwargs={"plan": amager_plan.slug})).status_code == 403
    assert client.get(reverse("imports:template", kwargs={"plan": amager_plan.slug})).status_code == 403


# --- Stale, expired, saved twice ------------------------------------------------------------------------------


def _one_value(plan, user, value=5) -> ImportPreview:
    indicator = _goal_indicators(plan)[0]
    filled = fill(template_for(plan, user), values={indicator.pk: (value, DAY)})
    return import_preview_create(plan=plan, file_name="en.xlsx", content=filled, actor=user)


def _written(preview: ImportPreview) -> dict:
    (row,) = [row for row in preview.rows if row["outcome"] != "empty" and row["kind"] == "measurements"]
    return row


def test_a_preview_made_stale_by_another_user_saves_nothing_and_says_so(amager_plan, personas, client_for):
    preview = _one_value(amager_plan, personas.coordinator)
    indicator = Indicator.objects.get(pk=_written(preview)["target"])
    # Meanwhile the editor records a value on the same day through the form's service.
    from helhedsplan.goals.services import measurement_create

    measurement_create(
        indicator=indicator, data={"date": DAY, "value": Decimal(9), "note": ""}, actor=personas.editor
    )
    before = snapshot()
    response = client_for(personas.coordinator).post(_apply_url(preview), follow=True)
    assert "Intet blev gemt: nogen har ændret nogle af rækkerne" in response.content.decode()
    assert snapshot() == before
    assert Measurement.objects.get(indicator=indicator, date=DAY).value == Decimal(9)


def test_a_changed_value_made_stale_saves_nothing(amager_plan, personas):
    indicator = _goal_indicators(amager_plan)[0]
    from helhedsplan.goals.services import measurement_create, measurement_update

    measurement = measurement_create(
        indicator=indicator, data={"date": DAY, "value": Decimal(1), "note": ""}, actor=None
    )
    preview = _one_value(amager_plan, personas.coordinator, value=2)
    assert _written(preview)["outcome"] == "changed" and _written(preview)["old"].startswith("1 ")
    measurement_update(
        measurement=measurement,
        data={"value": Decimal(3)},
        expected_lock_version=measurement.lock_version,
        actor=None,
    )
    with pytest.raises(PreviewNotApplicable):
        import_preview_apply(preview=preview, actor=personas.coordinator)
    assert Measurement.objects.get(pk=measurement.pk).value == Decimal(3)


def test_an_expired_preview_saves_nothing(amager_plan, personas):
    preview = _one_value(amager_plan, personas.coordinator)
    preview.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    preview.save()
    before = snapshot()
    with pytest.raises(PreviewNotApplicable, match="udløbet"):
        import_preview_apply(preview=preview, actor=personas.coordinator)
    assert snapshot() == before


def test_a_preview_is_saved_once_and_is_its_uploader_s_alone(amager_plan, personas, client_for):
    preview = _one_value(amager_plan, personas.coordinator)
    assert client_for(personas.editor).get(preview.get_absolute_url()).status_code == 404
    import_preview_apply(preview=preview, actor=personas.coordinator)
    with pytest.raises(PreviewNotApplicable, match="allerede"):
        import_preview_apply(preview=preview, actor=personas.coordinator)


def test_the_template_of_one_sub_agreement(amager_plan, other_plan, personas, client_for):
    client = client_for(personas.coordinator)
    url = reverse("imports:template", kwargs={"plan": amager_plan.slug})
    own = limited_to(personas)
    response = client.get(f"{url}?delaftale={own.pk}")
    assert response.status_code == 200
    rows = rows_of(response.content)
    expected = Indicator.objects.in_plan(amager_plan).filter(goal__sub_agreement=own)
    assert {row[0] for row in rows[1:]} == set(expected.values_list("pk", flat=True))
    from openpyxl import load_workbook

    assert len(load_workbook(io.BytesIO(response.content)).worksheets) == 1  # no budget sheets
    foreign = other_plan.sub_agreements.first()
    assert client.get(f"{url}?delaftale={foreign.pk}").status_code == 404
    assert client.get(f"{url}?delaftale=x").status_code == 404
