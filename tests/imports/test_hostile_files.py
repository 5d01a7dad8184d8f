"""Damaged and hostile files thrown at the dry run: never a server error, never a partial save.

Hypothesis builds workbooks and CSV files from the template's own headers (and some unknown ones) with cells of
every kind — wrong types, huge and non-finite numbers, formulas, Danish and English decimals, dates far outside
the period, control characters, empty sheets — and some that are not spreadsheets at all. Each is uploaded as
the coordinator; the answer is the preview (302) or the form with its Danish refusal (200), and nothing of the
plan changed. One file of 10,000 rows is checked on its own.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from helhedsplan.goals.models import Indicator
from helhedsplan.imports.columns import ACTUAL_SPEND_COLUMNS, MEASUREMENT_COLUMNS
from helhedsplan.imports.models import ImportPreview
from tests.imports.filling import header
from tests.world import client_for, snapshot

pytestmark = pytest.mark.django_db

HEADERS = [header(MEASUREMENT_COLUMNS, c.key) for c in MEASUREMENT_COLUMNS] + [
    header(ACTUAL_SPEND_COLUMNS, c.key) for c in ACTUAL_SPEND_COLUMNS
]

CELLS = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://x")',
            "+45 12",
            "-",
            "1.234,5",
            "12.5",
            "1,234.5",
            "45 %",
            "∞",
            "31.12.2024",
            "2024-02-30",
            "00.00.0000",
            "\x00\x0b",
            "NaN",
            "1e400",
            "9" * 40,
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)),
)


def _row(ids: list[int]):
    return st.lists(st.one_of(CELLS, st.sampled_from(ids)), min_size=0, max_size=12)


def _files(ids: list[int]):
    headers = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=10)), min_size=0, max_size=12)
    sheets = st.lists(st.tuples(headers, st.lists(_row(ids), max_size=15)), min_size=0, max_size=3)
    return st.one_of(
        st.tuples(st.just("xlsx"), sheets),
        st.tuples(st.just("csv"), sheets.map(lambda s: s[:1])),
        st.tuples(st.just("raw"), st.binary(max_size=300)),
    )


def _xlsx(sheets) -> bytes:
    book = Workbook()
    book.remove(book.active)
    if not sheets:
        book.create_sheet("Tom")
    for index, (head, rows) in enumerate(sheets):
        sheet = book.create_sheet(f"Ark{index}")
        for values in [head, *rows]:
            cells = []
            for value in values:
                if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
                    value = str(value)
                if isinstance(value, int) and abs(value) > 2**53:
                    value = str(value)
                if isinstance(value, str):
                    value = "".join(ch for ch in value if ch >= " " or ch in "\t\n")
                cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(sheets) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    for head, rows in sheets:
        for values in [head, *rows]:
            writer.writerow(["" if v is None else v for v in values])
    return text.getvalue().encode("utf-8")


settings.register_profile(
    "hostile-files",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


def _plan_rows(before, after):
    return [r for r in before if r[0] != "imports.ImportPreview"] == [
        r for r in after if r[0] != "imports.ImportPreview"
    ]


def test_hostile_files_never_break_the_dry_run(amager_plan, personas, other_plan):
    ids = list(Indicator.objects.in_plan(amager_plan).values_list("pk", flat=True)[:5]) + [
        Indicator.objects.in_plan(other_plan).values_list("pk", flat=True).first(),
        0,
        2**40,
    ]
    client = client_for(personas.coordinator)
    url = reverse("imports:upload", kwargs={"plan": amager_plan.slug})

    @settings(settings.get_profile("hostile-files"))
    @given(_files(ids))
    def upload(case):
        kind, payload = case
        content = _xlsx(payload) if kind == "xlsx" else _csv(payload) if kind == "csv" else payload
        name = {"xlsx": "fil.xlsx", "csv": "fil.csv", "raw": "fil.xlsx"}[kind]
        with transaction.atomic():
            before = snapshot()
            response = client.post(url, {"file": SimpleUploadedFile(name, content)})
            after = snapshot()
            assert response.status_code in (200, 302), response.status_code
            assert _plan_rows(before, after), "the dry run saved something of the plan's"
            if response.status_code == 302:
                preview = ImportPreview.objects.latest("pk")
                page = client.get(preview.get_absolute_url())
                assert page.status_code == 200
            transaction.set_rollback(True)

    upload()


def test_ten_thousand_rows_are_checked_without_saving(amager_plan, personas):
    indicator = Indicator.objects.in_plan(amager_plan).filter(goal__isnull=False).first()
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            header(MEASUREMENT_COLUMNS, "indicator"),
            header(MEASUREMENT_COLUMNS, "value"),
            header(MEASUREMENT_COLUMNS, "date"),
        ]
    )
    start = datetime.date(2022, 1, 1)
    for day in range(10_000):
        sheet.append([indicator.pk, Decimal(day) / 4, start + datetime.timedelta(days=day % 1400)])
    out = io.BytesIO()
    book.save(out)
    before = snapshot()
    response = client_for(personas.coordinator).post(
        reverse("imports:upload", kwargs={"plan": amager_plan.slug}),
        {"file": SimpleUploadedFile("stor.xlsx", out.getvalue())},
    )
    assert response.status_code == 302
    assert _plan_rows(before, snapshot())
    preview = ImportPreview.objects.latest("pk")
    refused = [row for row in preview.rows if row["outcome"] == "refused"]
    # 1,400 distinct days: the rest are the same indicator and date again, refused as duplicates.
    assert len(refused) >= 10_000 - 1_400
    assert any("række" in message for row in refused for _c, message in row["errors"])
