"""The report's files, all built from the one selector (``reports.report.status_report``): the PDF (WeasyPrint),
the spreadsheet (openpyxl) and the plan file of that moment (the plan-file exporter)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from helhedsplan.core.validators import without_control_characters
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.plans.exporters import PDF, XLSX, YAML, Format, file_name

from .models import Report, Submission
from .report import IndicatorResult, StatusReport

KR_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.##"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "DD.MM.YYYY"
BOLD = Font(bold=True)

#: A submission's stored files: each format (from the exporter registry, the one list of formats) and its field.
STORED_FILES: dict[Format, str] = {PDF: "pdf", XLSX: "spreadsheet", YAML: "plan_file"}


def stored_file(submission: Submission, extension: str) -> tuple[Format, FieldFile]:
    """The stored file of ``submission`` in the format named ``extension``; a format not stored is a 404 (the
    pages' and the API's alike)."""
    for file_format, field in STORED_FILES.items():
        if file_format.extension == extension:
            return file_format, getattr(submission, field)
    raise Http404(f"a submission has no file of format {extension!r}")


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
    from weasyprint import HTML  # imported when used: it loads Pango, which plain page views never need

    return HTML(string=report_document_html(data)).write_pdf()


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
                result.latest.value if result.latest else None,
                result.latest.date if result.latest else None,
                result.progress.value,
                result.progress.label,
                indicator.is_example,
            ],
            formats={5: NUMBER_FORMAT, 7: NUMBER_FORMAT, 11: NUMBER_FORMAT, 13: PERCENT_FORMAT},
        )


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
                    measurement.value,
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
    front.add([_("Overall status"), data.progress.label, data.progress.value], formats={3: PERCENT_FORMAT})
    if data.filing:
        front.add([_("Submitted"), data.filing.text])
    elif data.submission:
        front.add([_("Submitted"), data.submission.submitted_at.date(), str(data.submission.submitted_by)])
    front.add([_("Approved by the board"), data.report.board_approved_on])
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
                activities.add(base)
            for milestone in milestones:
                activities.add([*base, milestone.name, milestone.due_date, milestone.done_date])
    activities.finish()

    budget = _Sheet(book, _("Budget"), data)
    budget.header(
        [
            _("Year"),
            _("Budget"),
            _("Actual spend"),
            _("Variance"),
            _("Variance %"),
            _("Unspent"),
            _("Funding"),
        ]
    )
    for year_row in data.budget.by_year:
        budget.add(
            [
                year_row.year,
                year_row.budget,
                year_row.actual,
                year_row.variance.amount,
                year_row.variance.fraction,
                year_row.unspent,
                year_row.funding,
            ],
            formats={1: "0", 5: PERCENT_FORMAT},
        )
    budget.add(
        [_("Total"), data.budget.total.budget, data.budget.total.actual, data.budget.total.variance.amount],
        bold=True,
    )
    for heading, rows in (
        (_("By sub-agreement"), data.budget.by_sub_agreement),
        (_("By category"), data.budget.by_category),
    ):
        budget.add([])
        budget.add([heading, _("Budget"), _("Actual spend"), _("Variance"), _("Variance %")], bold=True)
        for budget_row in rows:
            variance = budget_row.variance
            budget.add(
                [budget_row.label, budget_row.budget, budget_row.actual, variance.amount, variance.fraction],
                formats={5: PERCENT_FORMAT},
            )
    budget.add([])
    budget.add([_("Funding source"), _("Amount"), _("Share")], bold=True)
    for name, amount, share in data.budget.by_source:
        budget.add([name, amount, share], formats={3: PERCENT_FORMAT})
    budget.add([_("Landsbyggefonden's share of actual spend"), data.budget.lbf_share_of_actual])
    budget.finish()

    approvals = _Sheet(book, _("Approvals"), data)
    approvals.add(
        [_("Estates approved"), data.approvals.summary.approved_count, data.approvals.summary.total]
    )
    approvals.add([])
    approvals.header([_("Step"), _("Body"), _("Date"), _("Expected"), _("Status")])
    for step in data.approvals.steps:
        approvals.add([step.step.title, step.step.body, step.date, step.date_is_expected, step.status_label])
    approvals.finish()

    preparedness = _Sheet(book, _("Emergency plan"), data)
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
        ]
    )
    for section in data.sections:
        deviation = deviations.get(section.sub_agreement.pk)
        conclusions.add(
            [
                str(section.sub_agreement),
                section.sub_agreement.conclusion if data.covers_period else None,
                section.sub_agreement.anchoring,
                deviation.variance.fraction if deviation else None,
                bool(deviation.explanations) if deviation else None,
            ],
            formats={4: PERCENT_FORMAT},
        )
    conclusions.finish()

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
