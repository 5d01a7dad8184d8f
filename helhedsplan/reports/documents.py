"""The report's files, all built from the one selector (``reports.report.status_report``): the PDF (WeasyPrint),
the spreadsheet (openpyxl) and the plan file of that moment (the plan-file exporter)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from helhedsplan.core.formatting import percent_of
from helhedsplan.core.validators import without_control_characters
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.plans.exporters import file_name

from .models import Report
from .report import IndicatorResult, StatusReport

KR_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.##"
PERCENT_FORMAT = "0%"
PERCENT_FORMAT_1 = "0.0%"
DATE_FORMAT = "DD.MM.YYYY"
BOLD = Font(bold=True)


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
    from weasyprint import HTML  # imported when used: it loads Pango, which plain page views never need

    return HTML(string=report_document_html(data)).write_pdf()


def report_plan_file(data: StatusReport) -> bytes:
    """The plan file of the moment (the plan's data today; the report's as-of date is in the file's name)."""
    return export_plan(data.plan).encode("utf-8")


# --- The spreadsheet ----------------------------------------------------------------------------------------------


class _Sheet:
    """A worksheet that writes text as text (never a formula) and numbers as numbers in Danish formats, with the
    plan's name, the report and its as-of date on top."""

    def __init__(self, book: Workbook, title: str, data: StatusReport, *, first: bool = False) -> None:
        self.sheet = book.active if first else book.create_sheet()
        self.sheet.title = title[:31]
        self.row = 0
        self.add([data.plan.name], bold=True)
        self.add([f"{data.report} · {_('as of')} {date_format(data.as_of, 'DATE_FORMAT')}"])
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

    def finish(self) -> None:
        for index, column in enumerate(self.sheet.columns, start=1):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            self.sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def _indicator_rows(sheet: _Sheet, area: str, goal: str, results: list[IndicatorResult]) -> None:
    for result in results:
        indicator = result.indicator
        measured = ", ".join(
            f"{m.value.normalize():f} ({date_format(m.date, 'SHORT_DATE_FORMAT')})"
            for m in result.measurements
        )
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
                measured or (_("not measured in the year") if result.not_measured else ""),
                result.latest.value if result.latest else None,
                result.latest.date if result.latest else None,
                _percent(result.progress.value),
                result.progress.label,
                indicator.is_example,
            ],
            formats={5: NUMBER_FORMAT, 7: NUMBER_FORMAT, 10: NUMBER_FORMAT, 12: PERCENT_FORMAT},
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
    if data.submission:
        front.add([_("Submitted"), data.submission.submitted_at.date(), str(data.submission.submitted_by)])
    front.finish()

    results = _Sheet(book, _("Results"), data)
    results.add(
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
            _("Latest"),
            _("Latest date"),
            _("Progress"),
            _("Status"),
            _("Example"),
        ],
        bold=True,
    )
    for section in data.sections:
        area = str(section.sub_agreement)
        _indicator_rows(results, area, _("Strategic key figures"), section.key_figures)
        for goal in section.goals:
            _indicator_rows(results, area, goal.goal.title, goal.indicators)
    results.finish()

    activities = _Sheet(book, _("Activities"), data)
    activities.add(
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
        ],
        bold=True,
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
    budget.add(
        [
            _("Year"),
            _("Budget"),
            _("Actual spend"),
            _("Variance"),
            _("Variance %"),
            _("Unspent"),
            _("Funding"),
            _("Example"),
        ],
        bold=True,
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
    approvals.add(
        [_("Estate"), _("Housing association"), _("Decision"), _("Body"), _("Date"), _("Note"), _("Example")],
        bold=True,
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
    preparedness.add([_("Level"), _("Incidents")], bold=True)
    for name, count in data.incidents.by_level:
        preparedness.add([name, count])
    preparedness.add([])
    preparedness.add([_("Month"), _("Incidents")], bold=True)
    for month, count in data.incidents.by_month:
        preparedness.add([month, count])
    preparedness.finish()

    narratives = _Sheet(book, _("Narratives"), data)
    narratives.add(
        [
            _("Sub-agreement"),
            _("Year"),
            _("What went well"),
            _("What did not go well"),
            _("What changes"),
            _("Example"),
        ],
        bold=True,
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
                    narrative.is_example,
                ]
            )
    narratives.finish()

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
