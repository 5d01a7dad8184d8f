"""The report's files, all built from the one selector (``reports.report.status_report``): the PDF (WeasyPrint),
the spreadsheet (openpyxl) and the plan file of that moment (the plan-file exporter)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import IO

from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from helhedsplan.core.formatting import percent_of
from helhedsplan.core.stored_files import open_checked
from helhedsplan.core.validators import without_control_characters
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.plans.exporters import PDF, XLSX, YAML, Format, file_name

from .models import Report, Submission
from .report import IndicatorResult, StatusReport

KR_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.##"
PERCENT_FORMAT = "0%"
PERCENT_FORMAT_1 = "0.0%"
DATE_FORMAT = "DD.MM.YYYY"
BOLD = Font(bold=True)

#: A submission's stored files: each format (from the exporter registry, the one list of formats) and its field.
STORED_FILES: dict[Format, str] = {PDF: "pdf", XLSX: "spreadsheet", YAML: "plan_file"}


class FileNotMadeYet(Exception):
    """The submission's PDF is still being made by the background task (the answer: 503, try again soon)."""


def stored_file(submission: Submission, extension: str) -> tuple[Format, FieldFile]:
    """The stored file of ``submission`` in the format named ``extension``; a format not stored is a 404 (the
    pages' and the API's alike); a PDF not made yet raises ``FileNotMadeYet``."""
    for file_format, field in STORED_FILES.items():
        if file_format.extension == extension:
            stored = getattr(submission, field)
            if not stored:
                raise FileNotMadeYet(extension)
            return file_format, stored
    raise Http404(f"a submission has no file of format {extension!r}")


def open_stored_file(submission: Submission, extension: str) -> tuple[Format, str, IO[bytes]]:
    """A submission's stored file to send: its format, its name and its bytes, checked against the SHA-256
    kept with the submission (``core.stored_files.open_checked``: ``StoredFileDamaged`` when they differ, and a
    file gone from storage is a 404)."""
    file_format, stored = stored_file(submission, extension)
    sha256 = getattr(submission, f"{STORED_FILES[file_format]}_sha256")
    try:
        return file_format, Path(str(stored.name)).name, open_checked(stored, sha256)
    except FileNotFoundError as error:
        raise Http404("the submitted file is gone from storage") from error


def _percent(fraction, decimals: int = 0) -> Decimal | None:
    """A share as the spreadsheet stores it: rounded once, by ``core.formatting.percent_of`` (as the page and the
    PDF show it), then as a fraction for a per-cent format with as many decimals."""
    rounded = percent_of(fraction, decimals)
    return None if rounded is None else rounded / 100


def report_what(report: Report) -> str:
    """What a report's file is, in its name: 'aarsrapport-2024', 'slutrapport'."""
    if report.is_final:
        return _("final-report")
    return "%s-%s" % (_("yearly-report"), report.year)  # noqa: UP031 - xgettext cannot read an f-string


def file_stem(data: StatusReport, *, number: int | None = None) -> str:
    """'amager-2022-2025-aarsrapport-2024-2024-12-31-1': plan, report, as-of date and submission number."""
    return file_name(
        plan=data.plan,
        what=report_what(data.report),
        as_of=data.as_of,
        suffix="" if number is None else str(number),
    )


# --- HTML and PDF -------------------------------------------------------------------------------------------------


def _static_text(path: str) -> str:
    found = finders.find(path)
    return Path(found).read_text(encoding="utf-8") if found else ""


def report_document_html(data: StatusReport) -> str:
    """The report as one self-contained HTML document, styled for paper: what the PDF is made from."""
    styles = "\n".join(_static_text(p) for p in ("css/report.css", "css/report-pdf.css"))
    return render_to_string("reports/report_document.html", {"data": data, "styles": styles, "for_pdf": True})


def report_pdf(data: StatusReport) -> bytes:
    return pdf_from_html(report_document_html(data))


def pdf_from_html(html: str) -> bytes:
    """A self-contained HTML document (``report_document_html``) laid out as a PDF."""
    from weasyprint import HTML  # imported when used: it loads Pango, which plain page views never need

    return HTML(string=html).write_pdf()


def report_plan_file(data: StatusReport) -> bytes:
    """The plan file of the moment (the plan's data today; the report's as-of date is in the file's name), without
    personal data: a stored file leaves the plan's own staff, so it never carries any (``core.personal``)."""
    return export_plan(data.plan, personal_data=False).encode("utf-8")


# --- The spreadsheet ----------------------------------------------------------------------------------------------


class _Sheet:
    """A worksheet that writes text as text (never a formula) and numbers as numbers in Danish formats, with the
    plan's name, the report and its as-of date on top."""

    def __init__(self, book: Workbook, title: str, data: StatusReport, *, first: bool = False) -> None:
        self.sheet = book.active if first else book.create_sheet()
        self.sheet.title = title[:31]
        self.row = 0
        #: The row of the sheet's (first) table's header: frozen, with filters (``finish``).
        self.header_row: int | None = None
        self.add([data.plan.name], bold=True)
        self.add([f"{data.report} · {_('as of')} {date_format(data.as_of, 'DATE_FORMAT')}"])
        if data.filing:
            self.add([data.filing.text])
        if data.has_examples:
            self.add([_("Contains example data (marked “example”).")])
        self.add([])

    def add(self, values: list, *, bold: bool = False, formats: dict[int, str] | None = None) -> None:
        self.row += 1
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=self.row, column=column)
            if value is None:
                continue
            if isinstance(value, bool):
                cell.value = _("yes") if value else _("no")
                cell.data_type = "s"
            elif isinstance(value, Decimal | int | float):
                cell.value = float(value) if isinstance(value, Decimal) else value
                cell.number_format = (formats or {}).get(
                    column, KR_FORMAT if isinstance(value, Decimal) else "0"
                )
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            else:
                cell.value = without_control_characters(str(value))
                cell.data_type = "s"  # "=1+2" stays text: no formula from stored data (as core.spreadsheet)
            if bold:
                cell.font = BOLD

    def header(self, values: list) -> None:
        """A table's header row, in bold; the sheet's first one stays in view (frozen) and gets filters."""
        self.add(values, bold=True)
        if self.header_row is None:
            self.header_row = self.row

    def finish(self) -> None:
        if self.header_row is not None:
            top = self.header_row
            # The first table runs from its header to the row before the first empty row.
            end = top
            while end < self.row and any(
                self.sheet.cell(row=end + 1, column=c).value is not None
                for c in range(1, self.sheet.max_column + 1)
            ):
                end += 1
            width = max(
                c for c in range(1, self.sheet.max_column + 1) if self.sheet.cell(row=top, column=c).value
            )
            self.sheet.freeze_panes = f"A{top + 1}"
            self.sheet.auto_filter.ref = f"A{top}:{get_column_letter(width)}{end}"
        for index, column in enumerate(self.sheet.columns, start=1):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            self.sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def _indicator_rows(sheet: _Sheet, area: str, goal: str, results: list[IndicatorResult]) -> None:
    for result in results:
        indicator = result.indicator
        sheet.add(
            [
                area,
                goal,
                indicator.name,
                indicator.unit,
                indicator.baseline_value,
                indicator.baseline_date,
                indicator.target_value,
                indicator.target_date,
                len(result.measurements),
                result.not_measured,
                _figure(result.latest) if result.latest else None,
                result.latest.date if result.latest else None,
                _percent(result.progress.value),
                result.progress.label,
                indicator.is_example,
            ],
            formats={5: NUMBER_FORMAT, 7: NUMBER_FORMAT, 11: NUMBER_FORMAT, 13: PERCENT_FORMAT},
        )


def _figure(measurement):
    """A measurement's value as a number cell, or the text "diskretioneret" — never an empty cell or a zero."""
    return measurement.value if measurement.value is not None else _("suppressed")


def _measurement_rows(sheet: _Sheet, area: str, goal: str, results: list[IndicatorResult]) -> None:
    """One row per measurement: its value a number and its date a date (never "81.5 (30.06.2023)" as text)."""
    for result in results:
        for measurement in result.measurements:
            sheet.add(
                [
                    area,
                    goal,
                    result.indicator.name,
                    result.indicator.unit,
                    measurement.date,
                    _figure(measurement),
                    measurement.is_example,
                ],
                formats={6: NUMBER_FORMAT},
            )


def report_xlsx(data: StatusReport) -> bytes:
    """A sheet per part of the report; every figure a number, every sheet naming the plan and the as-of date."""
    book = Workbook()

    front = _Sheet(book, _("Front page"), data, first=True)
    front.add([_("Area"), data.plan.area])
    front.add([_("Period"), data.plan.start_date, data.plan.end_date])
    front.add([_("Covers"), data.first_day, data.last_day])
    front.add([_("As of"), data.as_of])
    front.add([_("Parties"), ", ".join(o.name for o in data.parties)])
    front.add([_("Contains example data"), data.has_examples])
    front.add(
        [_("Overall status"), data.progress.label, _percent(data.progress.value)], formats={3: PERCENT_FORMAT}
    )
    if data.filing:
        front.add([_("Submitted"), data.filing.text])
    elif data.submission:
        front.add([_("Submitted"), data.submission.submitted_at.date(), str(data.submission.submitted_by)])
    front.add(
        [
            _("Approved by the board"),
            data.board_approved_on,
            _("typed on the report") if data.board_approval_typed else "",
        ]
    )
    if data.reservation:
        front.add([_("Reservation"), data.reservation])
    if data.covers_period:
        front.add([_("Overall conclusion"), data.report.conclusion])
        front.add([_("Anchoring after the period"), data.report.anchoring])
    front.finish()

    results = _Sheet(book, _("Results"), data)
    results.header(
        [
            _("Sub-agreement"),
            _("Goal"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Baseline date"),
            _("Target"),
            _("Target date"),
            _("Measurements"),
            _("Not measured in the year"),
            _("Latest"),
            _("Latest date"),
            _("Progress"),
            _("Status"),
            _("Example"),
        ]
    )
    for section in data.sections:
        area = str(section.sub_agreement)
        _indicator_rows(results, area, _("Strategic key figures"), section.key_figures)
        for goal in section.goals:
            _indicator_rows(results, area, goal.goal.title, goal.indicators)
    results.finish()

    measurements = _Sheet(book, _("Measurements"), data)
    measurements.header(
        [_("Sub-agreement"), _("Goal"), _("Indicator"), _("Unit"), _("Date"), _("Value"), _("Example")]
    )
    for section in data.sections:
        area = str(section.sub_agreement)
        _measurement_rows(measurements, area, _("Strategic key figures"), section.key_figures)
        for goal in section.goals:
            _measurement_rows(measurements, area, goal.goal.title, goal.indicators)
    measurements.finish()

    activities = _Sheet(book, _("Activities"), data)
    activities.header(
        [
            _("Sub-agreement"),
            _("Activity"),
            _("Status"),
            _("Start"),
            _("End"),
            _("Responsible"),
            _("Milestone"),
            _("Due"),
            _("Done"),
            _("Example"),
        ]
    )
    for section in data.sections:
        for row in section.activities:
            activity = row.activity
            base = [
                str(section.sub_agreement),
                activity.name,
                activity.get_status_display(),
                activity.start_date,
                activity.end_date,
                activity.responsible_organisation.short_name if activity.responsible_organisation else "",
            ]
            milestones = row.milestones + row.next_year
            if not milestones:
                activities.add([*base, None, None, None, activity.is_example])
            for milestone in milestones:
                activities.add(
                    [
                        *base,
                        milestone.name,
                        milestone.due_date,
                        milestone.done_date,
                        activity.is_example or milestone.is_example,
                    ]
                )
    activities.finish()

    budget = _Sheet(book, _("Budget"), data)
    examples = data.budget.has_examples
    budget.header(
        [
            _("Year"),
            _("Budget"),
            _("Actual spend"),
            _("Variance"),
            _("Variance %"),
            _("Unspent"),
            _("Funding"),
            _("Example"),
        ]
    )
    for year_row in data.budget.by_year:
        budget.add(
            [
                year_row.year,
                year_row.budget,
                year_row.actual
                if year_row.actual is not None
                else (_("missing: the year is over") if year_row.missing_actual else _("not yet known")),
                year_row.variance.amount,
                _percent(year_row.variance.fraction, 1),
                year_row.unspent,
                year_row.funding,
                examples,
            ],
            formats={1: "0", 5: PERCENT_FORMAT_1},
        )
    total = data.budget.total
    budget.add(
        [
            _("Years with known spend"),
            total.budget_known if total.actual is not None else None,
            total.actual,
            total.variance.amount,
            _percent(total.variance.fraction, 1),
            None,
            None,
            examples,
        ],
        bold=True,
        formats={5: PERCENT_FORMAT_1},
    )
    budget.add([_("Budget of the whole time covered"), total.budget, None, None, None, None, None, examples])
    for heading, rows in (
        (_("By sub-agreement"), data.budget.by_sub_agreement),
        (_("By category"), data.budget.by_category),
    ):
        budget.add([])
        budget.add(
            [
                heading,
                _("Budget"),
                _("Budget, years with known spend"),
                _("Actual spend"),
                _("Variance"),
                _("Variance %"),
                None,
                _("Example"),
            ],
            bold=True,
        )
        for budget_row in rows:
            variance = budget_row.variance
            budget.add(
                [
                    budget_row.label,
                    budget_row.budget,
                    budget_row.budget_known if budget_row.actual is not None else None,
                    budget_row.actual,
                    variance.amount,
                    _percent(variance.fraction, 1),
                    None,
                    examples,
                ],
                formats={6: PERCENT_FORMAT_1},
            )
    budget.add([])
    budget.add(
        [_("Funding source"), _("Amount"), _("Share"), None, None, None, None, _("Example")], bold=True
    )
    for name, amount, share, is_example in data.budget.by_source:
        budget.add(
            [name, amount, _percent(share), None, None, None, None, is_example], formats={3: PERCENT_FORMAT}
        )
    budget.add(
        [
            _("Local co-financing"),
            data.budget.summary.local_amount,
            _percent(data.budget.summary.local_share),
            _("Landsbyggefonden asks for at least"),
            _percent(data.budget.summary.minimum_local_share),
            data.budget.summary.meets_lbf_local_minimum,
        ],
        formats={3: PERCENT_FORMAT, 5: PERCENT_FORMAT},
    )
    budget.add(
        [
            _("The municipality"),
            data.budget.summary.municipality_amount,
            _percent(data.budget.summary.municipality_share, 1),
            _("Its obligation"),
            _percent(data.budget.summary.municipal_commitment_share, 1),
            data.budget.summary.meets_municipal_commitment,
        ],
        formats={3: PERCENT_FORMAT_1, 5: PERCENT_FORMAT_1},
    )
    budget.add(
        [
            _("Landsbyggefonden's share of actual spend"),
            data.budget.lbf_share_of_actual,
            None,
            None,
            None,
            None,
            None,
            examples,
        ]
    )
    budget.finish()

    approvals = _Sheet(book, _("Approvals"), data)
    approvals.add(
        [_("Estates approved"), data.approvals.summary.approved_count, data.approvals.summary.total]
    )
    for approval_count in data.approvals.summary.counts:
        approvals.add(
            [
                _("Estates approved by"),
                approval_count.date,
                approval_count.approved,
                approval_count.total,
                ", ".join(s.estate.name for s in approval_count.waiting),
            ]
        )
    approvals.add([])
    approvals.header(
        [_("Estate"), _("Housing association"), _("Decision"), _("Body"), _("Date"), _("Note"), _("Example")]
    )
    for state in data.approvals.summary.estates:
        decision = state.decision
        approvals.add(
            [
                state.estate.name,
                state.estate.housing_association.short_name if state.estate.housing_association else "",
                state.result_label,
                decision.get_body_display() if decision else "",
                (decision.date if decision and decision.date else state.expected_date),
                decision.note if decision else "",
                bool(decision and decision.is_example),
            ]
        )
    approvals.add([])
    approvals.add(
        [_("Step"), _("Body"), _("Date"), _("Expected"), _("Status"), _("Note"), _("Example")], bold=True
    )
    for step in data.approvals.steps:
        approvals.add(
            [
                step.step.title,
                step.step.body,
                step.date,
                step.date_is_expected,
                step.status_label,
                step.step.note,
                step.step.is_example,
            ]
        )
    approvals.finish()

    preparedness = _Sheet(book, _("Emergency plan"), data)
    preparedness.add([_("Example"), data.incidents.has_examples])
    preparedness.add([_("Incidents"), data.incidents.total])
    preparedness.add([_("Closed"), data.incidents.closed])
    preparedness.add([_("Closed with an evaluation"), data.incidents.closed_with_evaluation])
    preparedness.add([])
    preparedness.header([_("Level"), _("Incidents")])
    for name, count in data.incidents.by_level:
        preparedness.add([name, count])
    preparedness.add([])
    preparedness.add([_("Month"), _("Incidents")], bold=True)
    for month, count in data.incidents.by_month:
        preparedness.add([month, count])
    preparedness.finish()

    narratives = _Sheet(book, _("Narratives"), data)
    narratives.header(
        [
            _("Sub-agreement"),
            _("Year"),
            _("What went well"),
            _("What did not go well"),
            _("What changes"),
            _("Why the spend deviates from the budget"),
            _("Example"),
        ]
    )
    for section in data.sections:
        for narrative in section.narratives:
            narratives.add(
                [
                    str(section.sub_agreement),
                    narrative.year,
                    narrative.went_well,
                    narrative.went_badly,
                    narrative.changes,
                    narrative.budget_explanation,
                    narrative.is_example,
                ]
            )
    narratives.finish()

    deviations = {d.sub_agreement.pk: d for d in data.deviations}
    conclusions = _Sheet(book, _("Sub-agreements"), data)
    conclusions.header(
        [
            _("Sub-agreement"),
            _("Conclusion over the period"),
            _("Anchoring"),
            _("Deviation from the budget"),
            _("Explained"),
            _("Example"),
        ]
    )
    for section in data.sections:
        deviation = deviations.get(section.sub_agreement.pk)
        conclusions.add(
            [
                str(section.sub_agreement),
                section.sub_agreement.conclusion if data.covers_period else None,
                section.sub_agreement.anchoring,
                _percent(deviation.variance.fraction, 1) if deviation else None,
                bool(deviation.explanations) if deviation else None,
                # The texts are the plan's own; a deviation is figured from the budget, example data or not.
                bool(deviation) and data.budget.has_examples,
            ],
            formats={4: PERCENT_FORMAT_1},
        )
    conclusions.finish()

    if not data.covers_period:
        changes = _Sheet(book, _("Changes in the year"), data)
        changes.header([_("Date"), _("What"), _("Name"), _("Change"), _("Field"), _("Before"), _("After")])
        for change in data.changes:
            what = [
                timezone.localtime(change.when).date(),
                change.model_label[:1].upper() + change.model_label[1:],
                change.label,
                change.kind_label[:1].upper() + change.kind_label[1:],
            ]
            if not change.changes:
                changes.add(what)
            for field_change in change.changes:
                changes.add([*what, field_change.label, str(field_change.old), str(field_change.new)])
        changes.finish()

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
