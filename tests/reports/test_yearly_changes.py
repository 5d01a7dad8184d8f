"""A yearly report lists the changes made to the plan in its year, from the history: on its page, in its PDF and in
its spreadsheet — what changed and when, never who, nor a personal field (the report leaves the plan's staff)."""

from __future__ import annotations

import datetime
import subprocess
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from helhedsplan.goals.models import Goal, Measurement
from helhedsplan.goals.services import goal_update
from helhedsplan.reports import documents
from helhedsplan.reports.changes import REPORTED, models_changed
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report
from tests.reports.test_lbf_reports import AFTER_THE_PERIOD, url
from tests.world import client_for

pytestmark = pytest.mark.django_db


def dated(model, pk: int, day: datetime.date) -> None:
    """Move the object's latest history record to noon of ``day``, as if the change was made then."""
    record = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    model.history.filter(history_id=record.history_id).update(history_date=moment)


#: The plan is imported today; its objects are taken to be made at the start of the period.
MADE = datetime.datetime(2022, 1, 3, 9, tzinfo=datetime.UTC)


def retitle(goal: Goal, title: str, day: datetime.date, actor) -> None:
    Goal.history.filter(id=goal.pk).update(history_date=MADE)
    goal_update(goal=goal, data={"title": title}, expected_lock_version=goal.lock_version, actor=actor)
    dated(Goal, goal.pk, day)


@pytest.fixture
def changed(amager_plan, personas):
    """A goal retitled in 2024 and another in 2023, by the coordinator; a measurement's author (personal) and
    value changed in 2024."""
    first, second = Goal.objects.in_plan(amager_plan).order_by("pk")[:2]
    retitle(first, "Flere unge i uddannelse (rettet 2024)", datetime.date(2024, 6, 15), personas.coordinator)
    retitle(second, "Tryghed i opgangene (rettet 2023)", datetime.date(2023, 5, 2), personas.coordinator)
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    Measurement.history.filter(id=measurement.pk).update(history_date=MADE)
    measurement.entered_by = personas.editor
    measurement.value += 1
    measurement._change_reason = "test"
    measurement.save()
    dated(Measurement, measurement.pk, datetime.date(2024, 9, 1))
    return personas


def names_of(personas) -> list[str]:
    people = [personas.coordinator, personas.editor]
    return [n for p in people for n in (p.get_full_name(), p.username) if n.strip()]


def test_a_change_in_the_year_is_listed_and_one_of_another_year_is_not(amager_plan, changed):
    data = status_report(Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2024), as_of=AFTER_THE_PERIOD)
    labels = [change.label for change in data.changes]
    assert "Flere unge i uddannelse (rettet 2024)" in labels
    assert "Tryghed i opgangene (rettet 2023)" not in labels
    assert all(change.user is None for change in data.changes)
    assert all(
        datetime.date(2024, 1, 1) <= change.when.date() <= datetime.date(2024, 12, 31)
        for change in data.changes
    )
    retitled = next(c for c in data.changes if c.label == "Flere unge i uddannelse (rettet 2024)")
    assert retitled.kind == "~"
    assert [c.new for c in retitled.changes] == [retitled.label]

    earlier = status_report(
        Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2023), as_of=AFTER_THE_PERIOD
    )
    assert "Tryghed i opgangene (rettet 2023)" in [change.label for change in earlier.changes]
    assert "Flere unge i uddannelse (rettet 2024)" not in [change.label for change in earlier.changes]


def test_the_page_pdf_and_spreadsheet_show_the_years_changes_without_people(amager_plan, changed):
    html = client_for(changed.coordinator).get(url(amager_plan, "report", period="2024")).content.decode()
    section = html[html.index('id="report-changes"') :]
    section = section[: section.index("</section>")]
    assert "Ændringer i planen i året" in html
    assert "Flere unge i uddannelse (rettet 2024)" in section
    assert "rettet 2023" not in section
    for name in names_of(changed):
        assert name not in section, name

    data = status_report(Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2024), as_of=AFTER_THE_PERIOD)
    # In reading order (not laid out), so a table cell's wrapped text stays together.
    raw = subprocess.run(
        ["pdftotext", "-", "-"], input=documents.report_pdf(data), capture_output=True, check=True
    )
    text = " ".join(raw.stdout.decode().split())
    # The section is the report's last part; the first mention is the contents.
    changes = text[text.rindex("Ændringer i planen i året") :]
    assert "Flere unge i uddannelse (rettet 2024)" in changes
    assert "rettet 2023" not in changes
    for name in names_of(changed):
        assert name not in text, name

    book = load_workbook(BytesIO(documents.report_xlsx(data)))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    rows = [[c.value for c in row] for row in book["Ændringer i året"].iter_rows()]
    goal_rows = [r for r in rows if "Flere unge i uddannelse (rettet 2024)" in r]
    assert goal_rows and goal_rows[0][0] == datetime.datetime(2024, 6, 15)
    assert not any("rettet 2023" in str(value) for row in rows for value in row)
    for name in names_of(changed):
        assert not any(name in value for value in cells), name


def test_the_final_report_lists_no_changes(amager_plan, changed):
    data = status_report(Report(plan=amager_plan, kind=Report.Kind.FINAL), as_of=AFTER_THE_PERIOD)
    assert data.changes == []
    assert "Ændringer i året" not in load_workbook(BytesIO(documents.report_xlsx(data))).sheetnames


def test_the_yearly_reports_queries_do_not_grow_with_the_years_changes(amager_plan, changed):
    report = Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2024)
    with CaptureQueriesContext(connection) as few:
        before = len(status_report(report, as_of=AFTER_THE_PERIOD).changes)
    for goal in Goal.objects.in_plan(amager_plan).order_by("pk")[2:8]:
        retitle(goal, f"{goal.title} (2024)", datetime.date(2024, 3, 1), changed.coordinator)
    with CaptureQueriesContext(connection) as many:
        after = len(status_report(report, as_of=AFTER_THE_PERIOD).changes)
    assert after > before
    assert len(many) == len(few)
    # The history costs one query for which models changed in the year and one per model that did, and the
    # versions approved in the year two (the versions, their sign-offs); the final report reads none of them.
    changed_in_the_year = models_changed(
        amager_plan,
        datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    assert 0 < len(changed_in_the_year) < len(REPORTED)
    with CaptureQueriesContext(connection) as final:
        status_report(Report(plan=amager_plan, kind=Report.Kind.FINAL), as_of=AFTER_THE_PERIOD)
    assert len(few) == len(final) + 1 + len(changed_in_the_year) + 2


def test_which_models_changed_in_a_time_is_what_their_histories_hold(amager_plan, changed):
    """``models_changed`` (one query) names exactly the models with a historical record of the plan in the time,
    as each model's history read on its own gives them — on the database's own clock and time zone."""
    from helhedsplan.plans.models import Plan

    other = Plan.objects.exclude(pk=amager_plan.pk).first() or amager_plan
    for start, end in (
        (
            datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC),
            datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
            datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        ),
        (datetime.datetime(2024, 6, 15, tzinfo=datetime.UTC), None),
        (datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC), None),
    ):
        for plan in {amager_plan, other}:
            expected = {
                model
                for model in REPORTED
                if model.history.filter(history_plan=plan, history_date__gt=start)
                .filter(**({"history_date__lt": end} if end else {}))
                .exists()
            }
            assert models_changed(plan, start, end) == expected
    assert models_changed(amager_plan, datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC)) == set(
        REPORTED
    ) - {model for model in REPORTED if not model.history.filter(history_plan=amager_plan).exists()}
