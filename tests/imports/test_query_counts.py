"""The import's dry run and its preview page ask a fixed number of queries, however many rows the file has."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from helhedsplan.goals.models import Indicator
from helhedsplan.imports.columns import MEASUREMENT_COLUMNS
from helhedsplan.imports.services import import_preview_create
from tests.imports.filling import header

pytestmark = pytest.mark.django_db

# The dry run of measurements: 1 the plan's indicators named by the file (with plan, goal, delaftale, strategic
# goal), 2 which of them the user may give values (memberships and limits in subqueries), 3 the plan's estates
# by number (a row's estate column), 4 the measurements on the file's dates, 5 the stored preview.
DRY_RUN_QUERIES = 5
# The preview page: 1 the session, 2 its user, 3 the membership with its plan and organisation, 4 its delaftale
# limits, 5 the preview with its plan.
PREVIEW_PAGE_QUERIES = 5


def _file(plan, rows: int) -> bytes:
    indicators = list(Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk"))
    book = Workbook()
    sheet = book.active
    sheet.append([header(MEASUREMENT_COLUMNS, key) for key in ("indicator", "value", "date")])
    day = datetime.date(2023, 1, 2)
    for index in range(rows):
        if index and index % len(indicators) == 0:
            day += datetime.timedelta(days=1)
        sheet.append([indicators[index % len(indicators)].pk, index, day])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("rows", [1, 300])
def test_the_dry_run_does_not_grow_with_the_rows(amager_plan, personas, rows):
    content = _file(amager_plan, rows)
    with CaptureQueriesContext(connection) as queries:
        preview = import_preview_create(
            plan=amager_plan, file_name="tal.xlsx", content=content, actor=personas.editor
        )
    assert len([row for row in preview.rows if row["outcome"] == "new"]) == rows
    assert len(queries) == DRY_RUN_QUERIES, "\n".join(q["sql"][:150] for q in queries.captured_queries)


@pytest.mark.parametrize("rows", [1, 300])
def test_the_preview_page_does_not_grow_with_the_rows(
    amager_plan, personas, client_for, django_assert_num_queries, rows
):
    preview = import_preview_create(
        plan=amager_plan, file_name="tal.xlsx", content=_file(amager_plan, rows), actor=personas.editor
    )
    client = client_for(personas.editor)
    with django_assert_num_queries(PREVIEW_PAGE_QUERIES):
        response = client.get(preview.get_absolute_url())
    assert response.status_code == 200
