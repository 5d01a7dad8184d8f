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
from tests.world import client_for, commit_pending, snapshot

pytestmark = pytest.mark.django_db

AFTER_THE_PERIOD = datetime.date(2026, 12, 1)
#: The form's confirmation that the report is submitted though it lacks something.
CONFIRMED = {"gaps_confirmed": "on"}


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
        plan=amager_plan,
        kind="final",
        year=None,
        actor=people.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
    )
    # The PDF is made by a background task after the commit, from the document as it read at submission.
    assert not submission.pdf_is_made
    commit_pending()
    submission.refresh_from_db()
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

    assert (
        coordinator.post(url(amager_plan, "submission_create", period="2024"), CONFIRMED).status_code == 302
    )
    submission = Submission.objects.get(report__plan=amager_plan, report__year=2024)
    assert submission.outcome == "awaiting"

    # A second submission while one awaits an answer is refused.
    response = coordinator.post(url(amager_plan, "submission_create", period="2024"), CONFIRMED)
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
    assert (
        coordinator.post(url(amager_plan, "submission_create", period="2024"), CONFIRMED).status_code == 302
    )
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
        plan=amager_plan,
        kind="yearly",
        year=2024,
        actor=people.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
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
            plan=amager_plan,
            kind="yearly",
            year=2027,
            actor=people.coordinator,
            today=AFTER_THE_PERIOD,
            gaps_confirmed=True,
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
        plan=amager_plan,
        kind="yearly",
        year=2022,
        actor=people.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
    )
    assert not any(admin.site.is_registered(model) for model in (Report, Submission, Comment))
    with pytest.raises(ProtectedError):
        amager_plan.delete()


def test_a_plan_with_reports_is_not_replaced_by_a_plan_file_and_stays_whole(amager_plan, people):
    """The importer knows nothing of reports: the report's protecting foreign key refuses the replace, and the
    importer names what protects the plan."""
    services.report_submit(
        plan=amager_plan,
        kind="yearly",
        year=2022,
        actor=people.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
    )
    before = snapshot()

    with pytest.raises(PlanFileError) as refused:
        import_plan(AMAGER_FILE, replace=True)

    # Its plan file's approved version refuses it first (versions.services.plan_versions_discard_for_replace);
    # the submitted report would refuse it too, and is kept whole with the rest.
    assert refused.value.messages == [
        "Planen amager-2022-2025 kan ikke erstattes: den har en godkendt version, som bevares uændret."
    ]
    assert snapshot() == before


# --- Comments say something -------------------------------------------------------------------------------------

INVISIBLE_COMMENTS = ["\u200b", "\ufeff", " \u200b\u00a0\ufeff ", "\u2060\u200d"]


@pytest.mark.parametrize("comment", INVISIBLE_COMMENTS)
def test_a_report_is_not_returned_with_an_invisible_comment(amager_plan, people, comment):
    services.report_submit(
        plan=amager_plan, kind="yearly", year=2024, actor=people.coordinator, gaps_confirmed=True
    )
    submission = Submission.objects.get(report__plan=amager_plan, report__year=2024)
    before = snapshot()

    response = client_for(people.reviewer).post(
        url(amager_plan, "answer_create", pk=submission.pk), {"outcome": "returned", "comment": comment}
    )

    assert response.status_code == 200
    assert "Skriv, hvorfor rapporten sendes retur." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("comment", INVISIBLE_COMMENTS)
def test_an_invisible_comment_is_refused_with_an_approval_and_on_its_own(amager_plan, people, comment):
    services.report_submit(
        plan=amager_plan, kind="yearly", year=2024, actor=people.coordinator, gaps_confirmed=True
    )
    submission = Submission.objects.get(report__plan=amager_plan, report__year=2024)
    before = snapshot()

    approval = client_for(people.reviewer).post(
        url(amager_plan, "answer_create", pk=submission.pk), {"outcome": "approved", "comment": comment}
    )
    reply = client_for(people.coordinator).post(
        url(amager_plan, "comment_create", pk=submission.pk), {"text": comment}
    )

    for response in (approval, reply):
        assert response.status_code == 200
        assert "Skriv kommentaren." in response.content.decode()
    assert snapshot() == before
    with pytest.raises(ValidationError) as refused:
        services.comment_add(submission=submission, text=comment, actor=people.reviewer)
    assert refused.value.message_dict == {"text": ["Skriv kommentaren."]}


# --- The frozen rule covers comments and the answer ------------------------------------------------------------


@pytest.fixture
def answered(amager_plan, people) -> Submission:
    """A submission returned with a comment, and the coordinator's reply."""
    submission = services.report_submit(
        plan=amager_plan, kind="yearly", year=2024, actor=people.coordinator, gaps_confirmed=True
    )
    services.submission_answer(
        submission=submission, outcome="returned", comment="Beskæftigelsen mangler.", actor=people.reviewer
    )
    services.comment_add(submission=submission, text="Rettet.", actor=people.coordinator)
    return Submission.objects.get(pk=submission.pk)


def test_a_comment_is_never_changed_nor_deleted(answered, people):
    comments = Comment.objects.filter(submission=answered)
    before = snapshot()

    comment = comments.get(outcome="returned")
    comment.text = "Alt er fint."
    with pytest.raises(ValidationError, match="kommentarer"):
        comment.save()
    for change in ({"text": "Alt er fint."}, {"outcome": "approved"}, {"author": people.coordinator}):
        with pytest.raises(ValidationError, match="kommentarer"):
            comments.update(**change)
    with pytest.raises(ValidationError):
        comments.delete()
    with pytest.raises(ValidationError):
        comments.first().delete()

    assert snapshot() == before
    assert list(comments.order_by("pk").values_list("text", flat=True)) == [
        "Beskæftigelsen mangler.",
        "Rettet.",
    ]


def test_an_answer_once_given_is_never_changed(answered, people):
    rows = Submission.objects.filter(pk=answered.pk)
    before = snapshot()

    answered.outcome = Submission.Outcome.APPROVED
    with pytest.raises(ValidationError, match="svar"):
        answered.save()
    answered = rows.get()
    answered.answered_by = people.coordinator
    with pytest.raises(ValidationError, match="svar"):
        answered.save()
    for change in (
        {"outcome": "approved"},
        {"outcome": "awaiting"},
        {"answered_at": None},
        {"answered_by": people.coordinator},
        {"answered_by_id": people.coordinator.pk},
    ):
        with pytest.raises(ValidationError, match="svar"):
            rows.update(**change)
    with pytest.raises(ValidationError):
        rows.delete()

    assert snapshot() == before
    assert rows.values_list("outcome", "answered_by", flat=False).get() == ("returned", people.reviewer.pk)


def test_the_answer_is_set_once_while_the_report_awaits_it(amager_plan, people):
    submission = services.report_submit(
        plan=amager_plan, kind="yearly", year=2024, actor=people.coordinator, gaps_confirmed=True
    )
    services.submission_answer(submission=submission, outcome="approved", comment="", actor=people.reviewer)
    assert Submission.objects.get(pk=submission.pk).outcome == "approved"


# --- Before submitting: complete, or consciously not -------------------------------------------------------------


def test_indsend_shows_what_the_final_report_lacks(amager_plan, people):
    html = client_for(people.coordinator).get(url(amager_plan, "submission_create", period="slut")).content
    html = html.decode()
    data = status_report(final_report(amager_plan), as_of=AFTER_THE_PERIOD)
    gaps = data.gaps
    # The Amager plan as seeded: 2025 has no known spend, no 2025 narrative, and indicators without a 2025 value.
    assert gaps.years_without_spend == [2025]
    assert any(year == 2025 for _sub, year in gaps.narratives)
    assert gaps.indicators
    assert "Rapporten mangler følgende." in html
    assert "År uden kendt forbrug: 2025" in html
    assert f"{len(gaps.indicators)} indikatorer uden værdi for 2025" in html
    for indicator in gaps.indicators:
        assert indicator.name in html
    assert "Jeg har læst, hvad rapporten mangler, og indsender den alligevel" in html


def test_submitting_without_confirming_what_is_missing_is_refused_and_freezes_nothing(amager_plan, people):
    coordinator = client_for(people.coordinator)
    before = snapshot()
    response = coordinator.post(
        url(amager_plan, "submission_create", period="slut"), {"reservation": "Uden."}
    )
    assert response.status_code == 200
    assert "Bekræft, at du indsender den alligevel, eller gør den færdig først." in response.content.decode()
    assert snapshot() == before
    with pytest.raises(ValidationError):
        services.report_submit(
            plan=amager_plan, kind="final", year=None, actor=people.coordinator, today=AFTER_THE_PERIOD
        )
    assert snapshot() == before


def test_a_reservation_longer_than_the_field_takes_is_refused_and_freezes_nothing(amager_plan, people):
    from helhedsplan.reports.models import RESERVATION_MAX_LENGTH

    before = snapshot()
    too_long = "x" * (RESERVATION_MAX_LENGTH + 1)
    response = client_for(people.coordinator).post(
        url(amager_plan, "submission_create", period="slut"), {**CONFIRMED, "reservation": too_long}
    )
    assert response.status_code == 200
    assert (
        f"Denne værdi må højst have {RESERVATION_MAX_LENGTH} tegn (den har {RESERVATION_MAX_LENGTH + 1})."
        in response.content.decode()
    )
    assert snapshot() == before


def test_the_reservation_is_printed_on_the_front_page_of_the_pdf_and_the_page(amager_plan, people):
    reservation = "Forbruget for 2025 er endnu ikke revideret og eftersendes."
    response = client_for(people.coordinator).post(
        url(amager_plan, "submission_create", period="slut"), {**CONFIRMED, "reservation": reservation}
    )
    assert response.status_code == 302
    commit_pending()  # the PDF's task, after the commit
    submission = Submission.objects.get(report__plan=amager_plan, report__kind="final")
    assert submission.reservation == reservation
    submission.pdf.open("rb")
    text = " ".join(pdf_text(submission.pdf.read()).split())
    front = text[: text.index("Indhold")]  # before the table of contents: the front page
    assert "Forbehold" in front and reservation in front
    html = client_for(people.reviewer).get(url(amager_plan, "report", period="slut")).content.decode()
    assert reservation in html
    # Frozen like the files.
    submission.reservation = "Noget andet."
    with pytest.raises(ValidationError):
        submission.save()


# --- Layout that holds ----------------------------------------------------------------------------------------------


def pdf_words(content: bytes) -> list[tuple[float, list[tuple[float, float, float, str]]]]:
    """Each page's width and its words as (x min, y min, x max, text), from ``pdftotext -bbox``."""
    import html
    import re

    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True)
    number = r'"([\d.]+)"'
    word = re.compile(rf"<word xMin={number} yMin={number} xMax={number} yMax={number}>(.*?)</word>")
    return [
        (
            float(width),
            [(float(a), float(b), float(c), html.unescape(t)) for a, b, c, _d, t in word.findall(body)],
        )
        for width, body in re.findall(
            r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', out.stdout.decode(), re.S
        )
    ]


def test_every_indicator_rows_percentage_is_on_the_final_reports_pdf_page(amager_plan):
    """Nothing runs off an A4 page, and the "Fremdrift" column holds every indicator row's percentage, in the
    rows' order — however long the status text ("Slutstatus: ikke nået")."""
    import re

    from helhedsplan.core.formatting import format_percent

    data = status_report(final_report(amager_plan), as_of=AFTER_THE_PERIOD)
    pages = pdf_words(documents.report_pdf(data))
    in_column: list[str] = []
    for width, words in pages:
        assert all(x_min >= 0 and x_max <= width for x_min, _y, x_max, _t in words), (
            "a word runs off the page"
        )
        headers = [(x, y) for x, y, _x_max, text in words if text == "Fremdrift"]
        if not headers:
            continue
        left, top = headers[0]
        column = sorted(
            (w for w in words if w[0] >= left - 2 and w[1] > top), key=lambda w: (round(w[1]), w[0])
        )
        in_column += re.findall(r"\d+(?:,\d+)? %", " ".join(w[3] for w in column))
    expected = [
        format_percent(result.progress.value)
        for section in data.sections
        for result in [*section.key_figures, *(r for goal in section.goals for r in goal.indicators)]
        if result.progress.value is not None
    ]
    assert len(expected) >= 10
    # Every row's percentage, in order (a goal's own percentage may stand between them).
    found = iter(in_column)
    assert all(any(value == seen for seen in found) for value in expected), (expected, in_column)


def test_the_spreadsheet_has_frozen_headers_filters_and_measurements_as_numbers(amager_plan):
    data = status_report(final_report(amager_plan), as_of=AFTER_THE_PERIOD)
    book = load_workbook(BytesIO(documents.report_xlsx(data)))
    for name in ("Resultater", "Målinger", "Aktiviteter", "Budget", "Godkendelser", "Beretninger"):
        sheet = book[name]
        header = int(sheet.freeze_panes[1:]) - 1  # the header row stays in view
        assert sheet.freeze_panes == f"A{header + 1}", name
        assert sheet.auto_filter.ref.startswith(f"A{header}:"), name
        assert sheet.cell(row=header, column=1).font.b, name
    sheet = book["Målinger"]
    header = int(sheet.freeze_panes[1:]) - 1
    titles = [c.value for c in sheet[header]]
    assert titles[:7] == ["Delaftale", "Delmål", "Indikator", "Enhed", "Dato", "Værdi", "Eksempel"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=header + 1)]
    made = [
        m
        for s in data.sections
        for r in [*s.key_figures, *(r for g in s.goals for r in g.indicators)]
        for m in r.measurements
    ]
    assert len(rows) == len(made)
    assert all(isinstance(row[4], datetime.datetime) and isinstance(row[5], int | float) for row in rows)
    assert sorted(row[5] for row in rows) == sorted(float(m.value) for m in made)
    # The results sheet counts them instead of listing them as text.
    results = book["Resultater"]
    header = int(results.freeze_panes[1:]) - 1
    texts = [
        c.value for row in results.iter_rows(min_row=header + 1) for c in row if isinstance(c.value, str)
    ]
    assert not any("(" in text and "." in text and text[0].isdigit() for text in texts)


# --- What Landsbyggefonden asks of a final report ---------------------------------------------------------------


def test_the_coordinator_writes_the_final_reports_own_texts_and_they_are_printed(amager_plan, people):
    coordinator = client_for(people.coordinator)
    texts = {
        "conclusion": "Planen nåede de fleste mål for børn og unge, men ikke for beskæftigelse.",
        "anchoring": "Lektiecaféerne fortsætter i kommunens regi, betalt af kommunens budget.",
    }
    # A typed approval date is no longer taken: it is read from the bestyrelse's decision (governance).
    response = coordinator.post(
        url(amager_plan, "report_texts_update", period="slut"), {**texts, "board_approved_on": "2026-03-15"}
    )
    assert response.status_code == 302
    report = Report.objects.get(plan=amager_plan, kind="final")
    assert report.board_approved_on is None
    assert (report.conclusion, report.anchoring) == (texts["conclusion"], texts["anchoring"])

    data = status_report(report, as_of=AFTER_THE_PERIOD)
    flat = " ".join(pdf_text(documents.report_pdf(data)).split())
    assert "Samlet vurdering" in flat and texts["conclusion"] in flat and texts["anchoring"] in flat
    html = client_for(people.reviewer).get(url(amager_plan, "report", period="slut")).content.decode()
    assert texts["conclusion"] in html
    assert "bestyrelsens møde, der godkender rapporten" in html  # where the approval date comes from
    front = load_workbook(BytesIO(documents.report_xlsx(data)))["Forside"]
    values = [[c.value for c in row] for row in front.iter_rows()]
    assert ["Samlet vurdering", texts["conclusion"]] in [row[:2] for row in values]


def test_a_yearly_report_has_no_typed_texts_and_an_old_typed_approval_date_stays_readable_marked(
    amager_plan, people
):
    coordinator = client_for(people.coordinator)
    page = coordinator.get(url(amager_plan, "report", period="2024")).content.decode()
    assert 'id="report-texts"' not in page  # nothing to type on a yearly report
    before = snapshot()
    response = coordinator.post(
        url(amager_plan, "report_texts_update", period="2024"),
        {"board_approved_on": "2025-03-15"},
        follow=True,
    )
    assert "En årsrapport har ingen tekster" in response.content.decode()
    assert snapshot() == before

    # A date typed before the bestyrelse's meetings were kept is shown, marked as typed.
    report = Report.objects.create(
        plan=amager_plan, kind="yearly", year=2024, board_approved_on=datetime.date(2025, 3, 15)
    )
    data = status_report(report, as_of=AFTER_THE_PERIOD)
    assert data.board_approved_on == datetime.date(2025, 3, 15) and data.board_approval_typed
    html = client_for(people.reviewer).get(url(amager_plan, "report", period="2024")).content.decode()
    assert "15. marts 2025" in html and "indtastet på rapporten" in html
    front = load_workbook(BytesIO(documents.report_xlsx(data)))["Forside"]
    assert ["Godkendt af bestyrelsen", datetime.datetime(2025, 3, 15), "indtastet på rapporten"] in [
        [c.value for c in row][:3] for row in front.iter_rows()
    ]


def test_the_reports_texts_are_refused_from_others_before_the_time_and_once_submitted(amager_plan, people):
    before = snapshot()
    for who in (people.editor, people.reviewer):
        response = client_for(who).post(
            url(amager_plan, "report_texts_update", period="slut"), {"conclusion": "Planen nåede sine mål."}
        )
        assert response.status_code == 403
    # A text of control characters is refused with a Danish sentence (the model's rule).
    response = client_for(people.coordinator).post(
        url(amager_plan, "report_texts_update", period="slut"), {"conclusion": "Planen\x00"}
    )
    assert response.status_code == 200 and "tegn" in response.content.decode()
    assert snapshot() == before

    services.report_submit(
        plan=amager_plan,
        kind="final",
        year=None,
        actor=people.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
    )
    submitted = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.report_update(
            plan=amager_plan,
            kind="final",
            year=None,
            data={"conclusion": "Planen nåede sine mål."},
            expected_lock_version=None,
            actor=people.coordinator,
        )
    assert refused.value.messages == [
        "Rapporten er indsendt: dens tekster kan kun ændres, hvis Landsbyggefonden sender den retur."
    ]
    assert snapshot() == submitted


def test_a_deviation_beyond_the_plans_threshold_asks_for_an_explanation(amager_plan, people):
    from helhedsplan.agreements.models import Narrative

    # Every delaftale's known spend deviates by less than 100 %: with a 1 % threshold some are flagged, with
    # 100 % none is.
    amager_plan.budget_deviation_percent = 1
    amager_plan.save()
    data = status_report(Report(plan=amager_plan, kind="yearly", year=2023), as_of=AFTER_THE_PERIOD)
    assert data.deviations
    flagged = data.deviations[0]
    assert abs(flagged.variance.fraction) > Decimal("0.01")
    assert flagged.sub_agreement in data.gaps.unexplained_deviations
    html = client_for(people.coordinator).get(url(amager_plan, "submission_create", period="2023")).content
    assert "uden forklaring" in html.decode() and str(flagged.sub_agreement) in html.decode()

    explanation = "Midtvejsevalueringen blev dyrere end budgetteret."
    narrative, _created = Narrative.objects.get_or_create(sub_agreement=flagged.sub_agreement, year=2023)
    narrative.budget_explanation = explanation
    narrative.save()
    data = status_report(Report(plan=amager_plan, kind="yearly", year=2023), as_of=AFTER_THE_PERIOD)
    assert flagged.sub_agreement not in data.gaps.unexplained_deviations
    flat = " ".join(pdf_text(documents.report_pdf(data)).split())
    assert explanation in flat

    amager_plan.budget_deviation_percent = 100
    amager_plan.save()
    assert not status_report(
        Report(plan=amager_plan, kind="yearly", year=2023), as_of=AFTER_THE_PERIOD
    ).deviations
