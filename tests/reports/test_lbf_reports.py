"""Reports to Landsbyggefonden: the yearly and final report on the page, as PDF and spreadsheet; submitted and
frozen; answered by a reviewer; commented on. Built on the Amager plan (ended 31 December 2025)."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from helhedsplan.budget.models import BudgetAmount
from helhedsplan.goals.models import Measurement
from helhedsplan.overview import selectors
from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.importer import import_plan
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.preparedness.models import Contact
from helhedsplan.reports import documents, services
from helhedsplan.reports.models import Comment, Report, Submission, sha256_of
from helhedsplan.reports.report import ReportState, report_archive, status_report
from tests.goals.factories import IndicatorFactory, MeasurementFactory
from tests.world import client_for, snapshot

pytestmark = pytest.mark.django_db

AFTER_THE_PERIOD = datetime.date(2026, 12, 1)


def url(plan, name, **kwargs):
    return reverse(f"reports:{name}", kwargs={"plan": plan.slug, **kwargs})


def final_report(plan) -> Report:
    return Report(plan=plan, kind=Report.Kind.FINAL)


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_final_reports_pdf_holds_the_plans_figures_and_no_personal_data(amager_plan):
    data = status_report(final_report(amager_plan), as_of=AFTER_THE_PERIOD)
    text = pdf_text(documents.report_pdf(data))
    flat = " ".join(text.split())
    for figure in ("31,2 mio. kr.", "4,62 mio. kr.", "2,91 mio. kr.", "39 %", "19,05 mio. kr.", "61 %"):
        assert figure in flat, figure
    # The four focus areas in LBF's order.
    areas = ["Uddannelse og livschancer", "Beskæftigelse", "Kriminalitetsforebyggelse", "Sammenhængskraft"]
    contents = flat[flat.index("Indhold") :]
    positions = [contents.index(area) for area in areas]
    assert positions == sorted(positions)
    assert "Slutrapport" in flat and "31. december 2025" in flat
    # Never a contact's name, phone or e-mail.
    for contact in Contact.objects.in_plan(amager_plan):
        for detail in (contact.name, contact.phone, contact.email):
            if detail:
                assert detail not in text, detail


def test_the_report_is_as_of_the_end_of_the_time_it_covers(amager_plan):
    yearly = Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2023)
    data = status_report(yearly, as_of=AFTER_THE_PERIOD)
    assert data.as_of == datetime.date(2023, 12, 31)
    for section in data.sections:
        for goal in section.goals:
            for result in goal.indicators:
                assert all(m.date.year == 2023 for m in result.measurements)
                assert result.latest is None or result.latest.date <= datetime.date(2023, 12, 31)
    assert [row.year for row in data.budget.by_year] == [2023]


def test_a_due_measurement_missing_in_the_year_is_named(amager_plan, personas):
    indicator = IndicatorFactory(
        plan=amager_plan,
        goal=amager_plan.sub_agreements.first().goals.first(),
        name="Målt kun i 2022",
        measurement_interval_months=12,
    )
    MeasurementFactory(indicator=indicator, date=datetime.date(2022, 6, 30))
    data = status_report(Report(plan=amager_plan, kind="yearly", year=2023), as_of=AFTER_THE_PERIOD)
    result = next(r for s in data.sections for g in s.goals for r in g.indicators if r.indicator == indicator)
    assert result.not_measured and result.latest.date == datetime.date(2022, 6, 30)
    page = client_for(personas.coordinator)
    html = page.get(url(amager_plan, "report", period="2023")).content.decode()
    assert "ikke målt i året" in html


@pytest.mark.parametrize(
    ("interval", "measured", "read_on", "missed"),
    [
        # Due 1 Sep 2023. The report used to count the interval against the year (18 months > 12: "nothing due")
        # while the dashboard listed it; now both name it.
        (18, datetime.date(2022, 3, 1), AFTER_THE_PERIOD, True),
        # Due 30 Jun 2023: not yet in March, overdue in August — while the year runs, as the dashboard says that
        # day (the report used to wait for twelve covered months).
        (12, datetime.date(2022, 6, 30), datetime.date(2023, 3, 15), False),
        (12, datetime.date(2022, 6, 30), datetime.date(2023, 8, 1), True),
        # Due on the year's last day: still in time on that day (the report used to name it), missed after it.
        (12, datetime.date(2022, 12, 31), datetime.date(2023, 12, 31), False),
        (12, datetime.date(2022, 12, 31), AFTER_THE_PERIOD, True),
        # Due 1 Jan 2024: not in 2023.
        (12, datetime.date(2023, 1, 1), AFTER_THE_PERIOD, False),
    ],
)
def test_the_report_and_the_dashboard_agree_on_a_missed_measurement(
    amager_plan, interval, measured, read_on, missed
):
    indicator = IndicatorFactory(
        plan=amager_plan,
        goal=amager_plan.sub_agreements.first().goals.first(),
        measurement_interval_months=interval,
    )
    MeasurementFactory(indicator=indicator, date=measured)
    data = status_report(Report(plan=amager_plan, kind="yearly", year=2023), as_of=read_on)
    result = next(r for s in data.sections for g in s.goals for r in g.indicators if r.indicator == indicator)
    # The dashboard on the day the report is judged on: that day while 2023 runs, the day after it once it is over.
    dashboard_day = min(read_on, datetime.date(2024, 1, 1))
    listed = selectors.overdue_measurements([indicator], dashboard_day)
    assert result.not_measured is missed
    assert [item.indicator for item in listed] == ([indicator] if missed else [])


def test_a_key_figure_due_once_in_the_period_is_missed_in_its_year(amager_plan):
    # The turnout at the municipal election, measured every 48 months from November 2021: due 16 Nov 2025 and
    # never measured. The dashboard lists it as overdue from 17 Nov 2025; the report of 2025 names it too (it used
    # to say nothing, as 48 months exceed the year).
    data = status_report(Report(plan=amager_plan, kind="yearly", year=2025), as_of=AFTER_THE_PERIOD)
    results = [
        r for s in data.sections for r in s.key_figures if r.indicator.measurement_interval_months == 48
    ]
    assert results and all(r.not_measured for r in results)
    for result in results:
        assert result.indicator.next_measurement_due() == datetime.date(2025, 11, 16)
        assert not result.indicator.measurement_is_overdue(datetime.date(2025, 11, 16))
        assert result.indicator.measurement_is_overdue(datetime.date(2025, 11, 17))


def test_the_spreadsheet_opens_and_its_numbers_sum_to_the_pages_totals(amager_plan):
    data = status_report(final_report(amager_plan), as_of=AFTER_THE_PERIOD)
    book = load_workbook(BytesIO(documents.report_xlsx(data)))
    assert {
        "Forside",
        "Resultater",
        "Aktiviteter",
        "Budget",
        "Godkendelser",
        "Beredskabsplan",
        "Beretninger",
    } <= set(book.sheetnames)
    for sheet in book.worksheets:
        assert sheet["A1"].value == amager_plan.name
        assert "31. december 2025" in sheet["A2"].value
    budget = book["Budget"]
    rows = [[c.value for c in row] for row in budget.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "År")
    years = rows[header + 1 : header + 5]
    known, whole = rows[header + 5], rows[header + 6]
    assert [r[0] for r in years] == [2022, 2023, 2024, 2025]
    assert sum(r[1] for r in years) == whole[1] == float(data.budget.total.budget) == 31_200_000
    # Only the years with known spend are compared; 2025's spend was never entered and is shown as missing.
    spent = [r for r in years if isinstance(r[2], int | float)]
    assert [r[0] for r in spent] == data.budget.known_years
    assert sum(r[1] for r in spent) == known[1] == float(data.budget.total.budget_known)
    assert sum(r[2] for r in spent) == known[2] == float(data.budget.total.actual)
    assert years[3][2] == "mangler: året er omme"


def test_text_cells_are_text_never_formulas(amager_plan):
    line = amager_plan.budget_lines.first()
    goal = amager_plan.sub_agreements.first().goals.first()
    goal.title = '=HYPERLINK("http://x")'
    goal.save()
    data = status_report(final_report(amager_plan), as_of=AFTER_THE_PERIOD)
    book = load_workbook(BytesIO(documents.report_xlsx(data)))
    cells = [c for row in book["Resultater"].iter_rows() for c in row if c.value == goal.title]
    assert cells and all(c.data_type == "s" for c in cells)
    assert line  # the plan has a budget to report


def test_the_page_reads_a_fixed_number_of_queries(amager_plan, personas):
    client = client_for(personas.coordinator)
    report_url = url(amager_plan, "report", period="slut")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(report_url).status_code == 200
    goal = amager_plan.sub_agreements.first().goals.first()
    for number in range(5):
        indicator = IndicatorFactory(plan=amager_plan, goal=goal, name=f"Ekstra {number}")
        for month in range(1, 7):
            MeasurementFactory(indicator=indicator, date=datetime.date(2023, month, 15))
    with CaptureQueriesContext(connection) as many:
        assert client.get(report_url).status_code == 200
    assert len(many) == len(few)


# --- Submitting, freezing, answering --------------------------------------------------------------------------


@pytest.fixture
def people(amager_plan, personas):
    return personas


def test_submit_freezes_the_files_and_later_edits_change_only_the_draft(amager_plan, people):
    submission = services.report_submit(
        plan=amager_plan, kind="final", year=None, actor=people.coordinator, today=AFTER_THE_PERIOD
    )
    stored = {f: getattr(submission, f).read() for f in ("pdf", "spreadsheet", "plan_file")}
    assert sha256_of(stored["pdf"]) == submission.pdf_sha256
    assert sha256_of(stored["spreadsheet"]) == submission.spreadsheet_sha256
    assert sha256_of(stored["plan_file"]) == submission.plan_file_sha256
    assert stored["pdf"].startswith(b"%PDF")

    measurement = Measurement.objects.in_plan(amager_plan).order_by("-date").first()
    measurement.value = Decimal("1")
    measurement.save()
    amount = BudgetAmount.objects.filter(line__plan=amager_plan, year=2025).first()
    amount.amount = Decimal("999999")
    amount.save()

    submission = Submission.objects.get(pk=submission.pk)
    for field, content in stored.items():
        getattr(submission, field).open("rb")
        assert getattr(submission, field).read() == content
    draft = status_report(submission.report, as_of=AFTER_THE_PERIOD)
    assert draft.budget.summary.budget_by_year[2025] != Decimal("7800000")

    # Never changed, never deleted: not by a save, an update or a delete.
    submission.pdf_sha256 = "0" * 64
    with pytest.raises(ValidationError):
        submission.save()
    with pytest.raises(ValidationError):
        Submission.objects.filter(pk=submission.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(ValidationError):
        Submission.objects.filter(pk=submission.pk).delete()
    with pytest.raises(ValidationError):
        Submission.objects.get(pk=submission.pk).delete()
    assert Submission.objects.get(pk=submission.pk).pdf_sha256 == sha256_of(stored["pdf"])


def test_the_whole_cycle_through_the_pages(amager_plan, people):
    coordinator, reviewer = client_for(people.coordinator), client_for(people.reviewer)
    report_url = url(amager_plan, "report", period="2024")

    assert coordinator.post(url(amager_plan, "submission_create", period="2024")).status_code == 302
    submission = Submission.objects.get(report__plan=amager_plan, report__year=2024)
    assert submission.outcome == "awaiting"

    # A second submission while one awaits an answer is refused.
    response = coordinator.post(url(amager_plan, "submission_create", period="2024"))
    assert "Rapporten afventer allerede svar fra Landsbyggefonden." in response.content.decode()
    assert Submission.objects.filter(report__plan=amager_plan).count() == 1

    # Returning needs a comment.
    response = reviewer.post(url(amager_plan, "answer_create", pk=submission.pk), {"outcome": "returned"})
    assert "Skriv, hvorfor rapporten sendes retur." in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).outcome == "awaiting"

    response = reviewer.post(
        url(amager_plan, "answer_create", pk=submission.pk),
        {"outcome": "returned", "comment": "Beretningen for beskæftigelse mangler."},
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).outcome == "returned"

    # An answer to a report that is not awaiting one is refused.
    response = reviewer.post(url(amager_plan, "answer_create", pk=submission.pk), {"outcome": "approved"})
    assert "Kun en indsendt rapport, der afventer svar, kan besvares." in response.content.decode()

    assert (
        coordinator.post(
            url(amager_plan, "comment_create", pk=submission.pk), {"text": "Rettet."}
        ).status_code
        == 302
    )
    assert (
        coordinator.post(url(amager_plan, "comment_create", pk=submission.pk), {"text": "  "}).status_code
        == 200
    )
    assert coordinator.post(url(amager_plan, "submission_create", period="2024")).status_code == 302
    second = Submission.objects.get(report__plan=amager_plan, report__year=2024, number=2)
    assert (
        reviewer.post(
            url(amager_plan, "answer_create", pk=second.pk), {"outcome": "approved", "comment": ""}
        ).status_code
        == 302
    )

    html = reviewer.get(report_url).content.decode()
    assert "Beretningen for beskæftigelse mangler." in html and "Rettet." in html
    assert second.pdf_sha256 in html
    comments = Comment.objects.filter(submission__report__plan=amager_plan).order_by("pk")
    assert [(c.author, c.outcome) for c in comments] == [
        (people.reviewer, "returned"),
        (people.coordinator, ""),
    ]
    rows = {(r.report.kind, r.report.year): r for r in report_archive(amager_plan, today=AFTER_THE_PERIOD)}
    assert rows[("yearly", 2024)].state == ReportState.APPROVED
    assert rows[("final", None)].state == ReportState.OVERDUE  # due 30 June 2026


def test_only_coordinators_submit_and_only_reviewers_answer(amager_plan, people):
    for who in (people.editor, people.reviewer):
        assert client_for(who).post(url(amager_plan, "submission_create", period="2024")).status_code == 403
    assert not Submission.objects.filter(report__plan=amager_plan).exists()
    submission = services.report_submit(
        plan=amager_plan, kind="yearly", year=2024, actor=people.coordinator, today=AFTER_THE_PERIOD
    )
    for who in (people.coordinator, people.editor):
        response = client_for(who).post(
            url(amager_plan, "answer_create", pk=submission.pk), {"outcome": "approved"}
        )
        assert response.status_code == 403
    assert Submission.objects.get(pk=submission.pk).outcome == "awaiting"


def test_a_report_before_its_time_or_outside_the_period_is_refused(amager_plan, people):
    with pytest.raises(ValidationError) as error:
        services.report_submit(
            plan=amager_plan,
            kind="final",
            year=None,
            actor=people.coordinator,
            today=datetime.date(2025, 6, 1),
        )
    assert "Slutrapporten kan først indsendes, når planperioden er slut." in error.value.messages
    with pytest.raises(ValidationError):
        services.report_submit(
            plan=amager_plan, kind="yearly", year=2027, actor=people.coordinator, today=AFTER_THE_PERIOD
        )
    assert not Report.objects.filter(plan=amager_plan).exists()
    assert client_for(people.coordinator).get(url(amager_plan, "report", period="2027")).status_code == 404


def test_the_archive_lists_every_report_with_its_deadline(amager_plan, people):
    html = client_for(people.reviewer).get(url(amager_plan, "archive")).content.decode()
    for title in ("Årsrapport 2022", "Årsrapport 2025", "Slutrapport"):
        assert title in html
    assert "30. juni 2026" in html  # the final report: six months after the period
    assert "Overskredet" in html


def test_submissions_are_not_in_the_admin_and_a_plan_with_reports_is_kept(amager_plan, people):
    from django.contrib import admin
    from django.db.models import ProtectedError

    services.report_submit(
        plan=amager_plan, kind="yearly", year=2022, actor=people.coordinator, today=AFTER_THE_PERIOD
    )
    assert not any(admin.site.is_registered(model) for model in (Report, Submission, Comment))
    with pytest.raises(ProtectedError):
        amager_plan.delete()


def test_a_plan_with_reports_is_not_replaced_by_a_plan_file_and_stays_whole(amager_plan, people):
    """The importer knows nothing of reports: the report's protecting foreign key refuses the replace, and the
    importer names what protects the plan."""
    services.report_submit(
        plan=amager_plan, kind="yearly", year=2022, actor=people.coordinator, today=AFTER_THE_PERIOD
    )
    before = snapshot()

    with pytest.raises(PlanFileError) as refused:
        import_plan(AMAGER_FILE, replace=True)

    assert refused.value.messages == [
        "Planen amager-2022-2025 kan ikke erstattes: den har rapporter, som bevares uændret."
    ]
    assert snapshot() == before
