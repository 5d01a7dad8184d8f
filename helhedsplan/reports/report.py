"""The report to Landsbyggefonden as data: the one selector the web page, the PDF and the spreadsheet are built from.

``status_report(report, as_of=…)`` reads the plan as it stood on ``as_of`` — only measurements made by then count,
progress and status are judged at that day — in a fixed number of queries, whatever the number of delaftaler,
indicators, measurements or incidents. A yearly report covers one year of the period, the final report all of it.
No personal data is read: incidents are counted, never named; contacts are not read at all.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import (
    FOCUS_AREA_RANK,
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
)
from helhedsplan.agreements.selectors import strategic_goals_with_key_figures, sub_agreements_with_goal_tree
from helhedsplan.approvals.selectors import ApprovalsOverview, approvals_overview
from helhedsplan.budget.models import BudgetCategory
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.budget.summary import (
    BudgetSummary,
    LineRow,
    Variance,
    share,
)
from helhedsplan.goals import progress as progress_rules
from helhedsplan.goals.charts import IndicatorChart, indicator_chart
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement, Milestone
from helhedsplan.goals.selectors import every_measurement
from helhedsplan.governance.selectors import BoardApproval, report_approval
from helhedsplan.plans.locations import map_estate_rows, static_map
from helhedsplan.plans.models import Organisation, Plan
from helhedsplan.preparedness.models import EscalationLevel, Incident
from helhedsplan.versions.selectors import ApprovedVersion, versions_approved_between

from .changes import ChangeSince, changes_since
from .models import Comment, Report, Submission

ZERO = Decimal(0)


# --- Results: indicators, goals, delaftaler ---------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    #: The measurements in the time the report covers, up to its as-of date, oldest first.
    measurements: list[Measurement]
    #: The latest measurement made by the as-of date (possibly before the covered time).
    latest: Measurement | None
    progress: progress_rules.Progress
    #: A measurement was due in the covered time and none was made: "ikke målt i året".
    not_measured: bool
    chart: IndicatorChart

    @property
    def chart_id(self) -> str:
        return f"indicator-{self.indicator.pk}"

    @property
    def measurements_are_examples(self) -> bool:
        """Every measurement shown is example data: one mark stands for them all."""
        return bool(self.measurements) and all(m.is_example for m in self.measurements)


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    progress: progress_rules.Progress
    indicators: list[IndicatorResult]


@dataclass(frozen=True)
class ActivityResult:
    activity: Activity
    #: Milestones due or reached in the covered time.
    milestones: list[Milestone]
    #: For a yearly report: the milestones due next year (the milestone plan).
    next_year: list[Milestone]


@dataclass(frozen=True)
class SubAgreementSection:
    sub_agreement: SubAgreement
    progress: progress_rules.Progress
    key_figures: list[IndicatorResult]
    goals: list[GoalResult]
    activities: list[ActivityResult]
    narratives: list[Narrative]


# --- Budget against actual spend --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetRow:
    label: str
    #: The budget of every year the report covers.
    budget: Decimal
    #: The budget of the covered years whose spend is known: what the actual spend is compared with.
    budget_known: Decimal
    #: The actual spend of those years; None while no actual spend of the covered years is known.
    actual: Decimal | None

    @property
    def variance(self) -> Variance:
        """Actual against budget over the years with known spend only, as the budget page compares them (an
        unfinished or unrecorded year is not an underspend)."""
        return Variance(self.budget_known, self.actual)


@dataclass(frozen=True)
class YearRow:
    year: int
    budget: Decimal
    actual: Decimal | None
    funding: Decimal
    #: The year is over by the as-of date.
    finished: bool

    @property
    def variance(self) -> Variance:
        return Variance(self.budget, self.actual)

    @property
    def unspent(self) -> Decimal | None:
        """What was left unspent of a finished year with known spend (negative: overspent)."""
        if not self.finished or self.actual is None:
            return None
        return self.budget - self.actual

    @property
    def missing_actual(self) -> bool:
        return self.finished and self.actual is None


@dataclass(frozen=True)
class BudgetSection:
    summary: BudgetSummary
    years: list[int]
    #: The covered years whose actual spend is known (on any budget line), as the budget page counts them.
    known_years: list[int]
    by_sub_agreement: list[BudgetRow]
    by_category: list[BudgetRow]
    by_year: list[YearRow]
    #: Funding per source in the covered years, with its share of all funding of those years.
    #: (name, amount, share, is_example) per source.
    by_source: list[tuple[str, Decimal, Decimal | None, bool]]
    total: BudgetRow
    lbf_share: Decimal | None

    @property
    def has_examples(self) -> bool:
        """Some budget line is example data: so is every sum, variance and split built from the lines."""
        return any(row.line.is_example for row in self.summary.lines)

    @property
    def unknown_years(self) -> list[YearRow]:
        """The covered years without known spend, shown apart and left out of the comparison ("mangler: året er
        omme" for a year that is over)."""
        return [row for row in self.by_year if row.actual is None]

    @property
    def lbf_share_of_actual(self) -> Decimal | None:
        """Landsbyggefonden's part of the actual spend, at its share of the funding."""
        if self.total.actual is None or self.lbf_share is None:
            return None
        return self.total.actual * self.lbf_share


@dataclass(frozen=True)
class BudgetDeviation:
    """A delaftale whose actual spend deviates from its budget by more than the plan's threshold
    (``Plan.budget_deviation_percent``), over the covered years with known spend; LBF asks why."""

    sub_agreement: SubAgreement
    variance: Variance
    #: The narratives of the covered years that explain it (``Narrative.budget_explanation``).
    explanations: list[Narrative]


# --- The emergency plan in numbers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentCounts:
    total: int
    by_level: list[tuple[str, int]]
    #: (first day of the month, count), months with incidents only, oldest first.
    by_month: list[tuple[datetime.date, int]]
    closed: int
    closed_with_evaluation: int
    #: Some incident counted is example data.
    has_examples: bool = False


# --- The report ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """What a submitted report's files say they are: "Indsendt 3. marts 2026 af Anna Holm, Københavns Kommune ·
    indsendelse 2", and for a resubmission the submission it answers (returned on a day)."""

    number: int
    date: datetime.date
    name: str
    organisation: str
    #: For a resubmission: the number of the submission Landsbyggefonden returned, and the day it did.
    answers: int | None = None
    answers_returned_on: datetime.date | None = None

    @property
    def text(self) -> str:
        """The line the front page, every sheet and the stored page carry."""
        text = gettext("Submitted %(date)s by %(name)s, %(organisation)s · submission %(number)s") % {
            "date": date_format(self.date, "DATE_FORMAT"),
            "name": self.name,
            "organisation": self.organisation or "—",
            "number": self.number,
        }
        if self.answers is None:
            return text
        answers = gettext("answers submission %(number)s, returned by Landsbyggefonden on %(date)s") % {
            "number": self.answers,
            "date": date_format(self.answers_returned_on, "DATE_FORMAT") if self.answers_returned_on else "—",
        }
        return f"{text} · {answers}"


@dataclass(frozen=True)
class StatusReport:
    report: Report
    plan: Plan
    as_of: datetime.date
    first_day: datetime.date
    last_day: datetime.date
    parties: list[Organisation]
    progress: progress_rules.Progress
    sections: list[SubAgreementSection]
    budget: BudgetSection
    approvals: ApprovalsOverview
    incidents: IncidentCounts
    #: The latest submission, if the report has been submitted.
    submission: Submission | None
    #: The strategic agreement the report opens with (its vision, steering tools, resident involvement), and
    #: its goals in LBF's order of the focus areas.
    strategic_agreement: StrategicAgreement | None = None
    strategic_goals: list[StrategicGoal] = field(default_factory=list)
    #: Some of what the report shows is example data (marked as such in every form).
    has_examples: bool = field(default=False)
    #: Set in the files a submission stores (``services.report_submit``): what they are, who filed them.
    filing: Filing | None = None
    #: Delaftaler whose spend deviates from the budget by more than the plan's threshold.
    deviations: list[BudgetDeviation] = field(default_factory=list)
    #: The coordinator's reservation ("forbehold") the report is submitted with, printed on its front page: the
    #: latest submission's, or the one being submitted (``services.report_submit``).
    reservation: str = ""
    #: A yearly report's changes to the plan in its year, from the history, newest first: what changed and
    #: when, never who, nor a personal field (the report leaves the plan's staff).
    changes: list[ChangeSince] = field(default_factory=list)
    #: A yearly report's versions of the agreement approved in its year (``versions``): number, reason, hash.
    versions: list[ApprovedVersion] = field(default_factory=list)
    #: The bestyrelse's approval of the report, read from the meeting's decision that approved it
    #: (``governance.selectors.report_approval``); None while no decision approves it.
    board_approval: BoardApproval | None = None

    @property
    def board_approved_on(self) -> datetime.date | None:
        """The day the bestyrelse approved the report: its meeting's, when a decision approves it (never typed
        twice); else a date typed on the report before its meetings were kept (``board_approval_typed``), kept
        readable and marked as typed, as no form writes it any more."""
        if self.board_approval is not None:
            return self.board_approval.date
        return self.report.board_approved_on

    @property
    def board_approval_typed(self) -> bool:
        """Whether the approval date shown is one typed on the report, not read from a decision."""
        return self.board_approval is None and self.report.board_approved_on is not None

    @property
    def estate_map_svg(self) -> str:
        """The estates with a location as a static picture (an inline SVG; the PDF and print view fetch
        nothing), from the estates the approvals part already read; empty when none has a location."""
        return static_map(
            map_estate_rows(self.approvals.summary.estates), title=gettext("Map of the estates")
        )

    @property
    def covers_period(self) -> bool:
        return self.report.is_final

    @property
    def gaps(self) -> ReportGaps:
        return report_gaps(self)


# --- What the report lacks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportGaps:
    """What a report lacks, shown before it is submitted: the coordinator submits it complete, or confirms the
    list (and may write a reservation)."""

    #: The year the indicators' values are asked for: the report's year, or the period's last year.
    year: int
    #: Indicators (key figures and goal indicators) without a measurement in ``year``.
    indicators: list[Indicator]
    #: (delaftale, year) without a written narrative of that year.
    narratives: list[tuple[SubAgreement, int]]
    #: Years that are over without known actual spend.
    years_without_spend: list[int]
    #: (activity, milestone) past its due date by the as-of day and not reached.
    milestones: list[tuple[Activity, Milestone]]
    #: Delaftaler whose spend deviates from the budget by more than the plan's threshold, unexplained.
    unexplained_deviations: list[SubAgreement] = field(default_factory=list)
    #: The final report's delaftaler without a conclusion over the period.
    conclusions: list[SubAgreement] = field(default_factory=list)
    #: What the report itself lacks: the board's approval date, and for the final report the plan's
    #: conclusion and anchoring (their field names' labels).
    report_fields: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.indicators
            or self.narratives
            or self.years_without_spend
            or self.milestones
            or self.unexplained_deviations
            or self.conclusions
            or self.report_fields
        )


def report_gaps(data: StatusReport) -> ReportGaps:
    """What ``data`` lacks, from the rows it already holds: no query."""
    year = data.report.year if data.report.year is not None else data.last_day.year
    indicators: dict[int, Indicator] = {}
    for section in data.sections:
        results = [*section.key_figures, *(r for goal in section.goals for r in goal.indicators)]
        for result in results:
            if not any(m.date.year == year for m in result.measurements):
                indicators.setdefault(result.indicator.pk, result.indicator)
    years = [
        y
        for y in range(data.first_day.year, data.last_day.year + 1)
        if datetime.date(y, 12, 31) <= data.as_of
    ]
    if data.report.year is not None:
        years = [data.report.year]
    narratives: list[tuple[SubAgreement, int]] = []
    for section in data.sections:
        written = {n.year for n in section.narratives if not n.is_empty()}
        narratives.extend((section.sub_agreement, y) for y in years if y not in written)
    milestones = [
        (row.activity, milestone)
        for section in data.sections
        for row in section.activities
        for milestone in row.milestones
        if milestone.done_date is None and milestone.due_date <= data.as_of
    ]
    report = data.report
    wanted = ["board_approved_on", "conclusion", "anchoring"] if report.is_final else ["board_approved_on"]
    return ReportGaps(
        year=year,
        indicators=list(indicators.values()),
        narratives=narratives,
        years_without_spend=[row.year for row in data.budget.by_year if row.missing_actual],
        milestones=milestones,
        unexplained_deviations=[d.sub_agreement for d in data.deviations if not d.explanations],
        conclusions=[s.sub_agreement for s in data.sections if not s.sub_agreement.conclusion.strip()]
        if report.is_final
        else [],
        report_fields=[
            str(Report._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            for name in wanted
            if not str(
                (data.board_approved_on if name == "board_approved_on" else getattr(report, name)) or ""
            ).strip()
        ],
    )


def _indicator_result(
    indicator: Indicator,
    plan: Plan,
    first_day: datetime.date,
    judged: progress_rules.AsOf,
    final: bool,
    due_on: datetime.date,
) -> IndicatorResult:
    made = list(indicator.measurements.all())  # those made by the as-of date, oldest first (the prefetch's)
    latest = made[-1] if made else None
    in_time = [m for m in made if first_day <= m.date]
    # Judged as the pages judge it (goals.progress): the latest measurement made by then, against the progress
    # expected on the as-of day — final once the report covers a period that has ended.
    result = progress_rules.indicator_progress(
        baseline_value=indicator.baseline_value,
        baseline_date=indicator.baseline_date,
        target_value=indicator.target_value,
        target_date=indicator.target_date,
        latest_value=latest.value if latest else None,
        latest_date=latest.date if latest else None,
        as_of=judged,
    )
    return IndicatorResult(
        indicator=indicator,
        measurements=made if final else in_time,
        latest=latest,
        progress=result,
        # "Ikke målt i året": none made in the covered time, though one was overdue on ``due_on`` — the
        # dashboard's rule, from the latest measurement made by the as-of date.
        not_measured=not in_time and indicator.measurement_is_overdue(due_on),
        chart=indicator_chart(indicator, made, plan),
    )


def status_report(report: Report, *, as_of: datetime.date) -> StatusReport:
    """The report's content as of ``as_of``, in a number of queries that does not grow with the plan (each named
    below): for a stored yearly report, 25 and one per model the report reads that changed in the year (at most
    43, when every one did and no link between objects changed); 24 for the stored final report (no history read);
    two fewer for a report not stored (neither its submission nor the bestyrelse's approval is read)."""
    plan = report.plan
    final = report.is_final
    first_day, last_day = report.first_day, report.last_day
    # A measurement is overdue as the dashboard sees it on that day: today while the covered time runs, the day
    # after it once it is over (one due on its last day and not made by then was missed).
    due_on = min(as_of, last_day + datetime.timedelta(days=1))
    # Nothing after the covered time counts: a yearly report of 2024 read in 2026 is the report as of 31 Dec 2024.
    as_of = min(as_of, last_day)
    until = as_of
    # The final report of an ended period states where the plan came to (the pages' "Slutstatus").
    judged = progress_rules.AsOf(day=as_of, final=final and as_of >= plan.end_date)

    # 1 delaftaler, 2 goals, 3 indicators, 4 measurements, 5 activities with responsible organisation,
    # 6 milestones, 7 narratives.
    # The goal tree as the pages read it, with every measurement made by the as-of date.
    measurements = every_measurement(up_to=as_of)
    sub_agreements = sorted(
        sub_agreements_with_goal_tree(plan, measurements=measurements).prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("responsible_organisation")
                .order_by("name", "pk")
                .prefetch_related(
                    Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk"))
                ),
            ),
            Prefetch("narratives", queryset=Narrative.objects.order_by("year")),
        ),
        key=lambda s: FOCUS_AREA_RANK.get(s.focus_area, len(FOCUS_AREA_RANK)),
    )
    # 8 strategic goals, 9 key figures, 10 their measurements.
    strategic = {
        goal.focus_area: goal for goal in strategic_goals_with_key_figures(plan, measurements=measurements)
    }
    examples = False
    sections = []
    for sub in sub_agreements:
        goals = []
        for goal in sub.goals.all():
            indicators = [
                _indicator_result(i, plan, first_day, judged, final, due_on) for i in goal.indicators.all()
            ]
            examples = (
                examples
                or goal.is_example
                or any(
                    r.indicator.is_example or any(m.is_example for m in r.measurements) for r in indicators
                )
            )
            goals.append(
                GoalResult(
                    goal=goal,
                    progress=progress_rules.roll_up(r.progress for r in indicators),
                    indicators=indicators,
                )
            )
        strategic_goal = strategic.get(sub.focus_area)
        key_figures = (
            [
                _indicator_result(i, plan, first_day, judged, final, due_on)
                for i in strategic_goal.key_figures.all()
            ]
            if strategic_goal
            else []
        )
        activities = []
        for activity in sub.activities.all():
            if (activity.start_date and activity.start_date > last_day) or (
                activity.end_date and activity.end_date < first_day
            ):
                continue  # not running in the covered time
            milestones = list(activity.milestones.all())
            examples = examples or activity.is_example
            activities.append(
                ActivityResult(
                    activity=activity,
                    milestones=[
                        m
                        for m in milestones
                        if first_day <= m.due_date <= last_day
                        or (m.done_date is not None and first_day <= m.done_date <= last_day)
                    ],
                    next_year=[]
                    if report.year is None
                    else [m for m in milestones if m.due_date.year == report.year + 1],
                )
            )
        narratives = [n for n in sub.narratives.all() if final or n.year == report.year]
        examples = examples or any(n.is_example for n in narratives)
        sections.append(
            SubAgreementSection(
                sub_agreement=sub,
                progress=progress_rules.roll_up(g.progress for g in goals),
                key_figures=key_figures,
                goals=goals,
                activities=activities,
                narratives=narratives,
            )
        )

    budget = _budget_section(plan, report, until)  # 11–15: lines, amounts, actuals, sources, fundings
    examples = (
        examples
        or any(row.line.is_example for row in budget.summary.lines)
        or any(source.is_example for source, _amounts in budget.summary.sources)
    )
    deviations = _budget_deviations(plan, budget, sections)
    approvals = approvals_overview(plan, on=as_of)  # 16 estates, 17 decisions, 18 steps
    incidents = _incident_counts(plan, first_day, until)  # 19 levels, 20 incidents
    examples = (
        examples
        or incidents.has_examples
        or any(s.decision is not None and s.decision.is_example for s in approvals.summary.estates)
        or any(s.step.is_example for s in approvals.steps)
    )
    submission = (
        report.submissions.select_related("submitted_by", "answered_by").order_by("-number").first()
        if report.pk
        else None
    )  # 21, for a stored report only
    # 22–, a yearly report only: the plan's history in the year — one query for which of the models the report
    # reads (``changes.REPORTED``, 18) changed in the year, then one per model that did, whatever the number of
    # changes, and one per related model whose link changed in the year, to name it (``core.history.changes_of``).
    changes = (
        []
        if final
        else changes_since(
            plan,
            _midnight(first_day) - datetime.timedelta(microseconds=1),
            until=_midnight(last_day + datetime.timedelta(days=1)),
            personal=False,
        )
    )
    # 42–43, a yearly report only: the versions approved in the year (the versions, their sign-offs).
    versions = [] if final else versions_approved_between(plan, first_day, min(last_day, as_of))
    return StatusReport(
        report=report,
        plan=plan,
        as_of=as_of,
        first_day=first_day,
        last_day=last_day,
        parties=list(plan.organisations.order_by("name")),  # 40
        progress=progress_rules.roll_up(s.progress for s in sections),
        sections=sections,
        budget=budget,
        approvals=approvals,
        incidents=incidents,
        submission=submission,
        deviations=deviations,
        strategic_agreement=StrategicAgreement.objects.filter(plan=plan).first(),  # 41
        strategic_goals=sorted(
            strategic.values(), key=lambda g: FOCUS_AREA_RANK.get(g.focus_area, len(FOCUS_AREA_RANK))
        ),
        has_examples=examples,
        reservation=submission.reservation if submission else "",
        changes=changes,
        versions=versions,
        board_approval=report_approval(report),  # 42 (none for a report not stored)
    )


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the plan's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _budget_section(plan: Plan, report: Report, as_of: datetime.date) -> BudgetSection:
    summary = budget_summary(plan)
    years = summary.years if report.year is None else [report.year]
    # The budget page's rule (``BudgetSummary.total_variance``): a year's spend is known once any line has it,
    # and only such years are compared; within them a line without a recorded amount spent nothing.
    known_years = [y for y in years if summary.actual_by_year.get(y) is not None]

    def row(label: str, rows: list[LineRow]) -> BudgetRow:
        return BudgetRow(
            label=label,
            budget=sum((r.budget_by_year.get(y, ZERO) for r in rows for y in years), ZERO),
            budget_known=sum((r.budget_by_year.get(y, ZERO) for r in rows for y in known_years), ZERO),
            actual=sum((r.actual_by_year.get(y) or ZERO for r in rows for y in known_years), ZERO)
            if known_years
            else None,
        )

    by_sub_agreement = [
        row(str(group.sub_agreement) if group.sub_agreement else _shared_label(), group.rows)
        for group in summary.groups
    ]
    by_category_rows: dict[str, list[LineRow]] = {}
    for line_row in summary.lines:
        by_category_rows.setdefault(line_row.line.category, []).append(line_row)
    by_category = [row(str(BudgetCategory(c).label), rows) for c, rows in by_category_rows.items()]
    by_year = [
        YearRow(
            year=y,
            budget=summary.budget_by_year.get(y, ZERO),
            actual=summary.actual_by_year.get(y),
            funding=summary.funding_by_year.get(y, ZERO),
            finished=datetime.date(y, 12, 31) <= as_of,
        )
        for y in years
    ]
    funding_total = sum((summary.funding_by_year.get(y, ZERO) for y in years), ZERO)
    by_source = []
    for source, amounts in summary.sources:
        amount = sum((amounts.get(y, ZERO) for y in years), ZERO)
        by_source.append((source.name, amount, share(amount, funding_total), source.is_example))
    return BudgetSection(
        summary=summary,
        years=years,
        known_years=known_years,
        by_sub_agreement=by_sub_agreement,
        by_category=by_category,
        by_year=by_year,
        by_source=by_source,
        total=row("", summary.lines),
        lbf_share=summary.lbf_share,
    )


def _budget_deviations(
    plan: Plan, budget: BudgetSection, sections: list[SubAgreementSection]
) -> list[BudgetDeviation]:
    """Each delaftale's budget against its actual spend over the covered years with known spend, where the
    difference is larger than the plan's threshold — with the covered years' explanations (no query)."""
    threshold = Decimal(plan.budget_deviation_percent) / 100
    narratives = {section.sub_agreement.pk: section.narratives for section in sections}
    found = []
    for group in budget.summary.groups:
        if group.sub_agreement is None:
            continue
        known = [y for y in budget.years if any(r.actual_by_year.get(y) is not None for r in group.rows)]
        if not known:
            continue
        variance = Variance(
            sum((group.budget_by_year.get(y, ZERO) for y in known), ZERO),
            sum((r.actual_by_year.get(y) or ZERO for r in group.rows for y in known), ZERO),
        )
        if variance.fraction is None or abs(variance.fraction) <= threshold:
            continue
        found.append(
            BudgetDeviation(
                sub_agreement=group.sub_agreement,
                variance=variance,
                explanations=[
                    n for n in narratives.get(group.sub_agreement.pk, []) if n.budget_explanation.strip()
                ],
            )
        )
    return found


def _shared_label() -> str:
    return gettext("Shared / secretariat")


def _incident_counts(plan: Plan, first_day: datetime.date, until: datetime.date) -> IncidentCounts:
    """Incidents in the covered time, counted by level and month — never a name, a phone or an e-mail."""
    levels = list(EscalationLevel.objects.filter(preparedness_plan__plan=plan).order_by("order"))
    rows = list(
        Incident.objects.in_plan(plan)
        .filter(occurred_at__date__gte=first_day, occurred_at__date__lte=until)
        .values_list(
            "level_id", "occurred_at", "status", "evaluation_what_worked", "evaluation_lessons", "is_example"
        )
    )
    level_counts = Counter(level_id for level_id, *_rest in rows)
    month_counts = Counter(
        timezone.localtime(moment).date().replace(day=1) for _level, moment, *_rest in rows
    )
    closed = [r for r in rows if r[2] == Incident.Status.CLOSED]
    return IncidentCounts(
        total=len(rows),
        by_level=[(str(level), level_counts.get(level.pk, 0)) for level in levels],
        by_month=sorted(month_counts.items()),
        closed=len(closed),
        closed_with_evaluation=sum(1 for r in closed if (r[3] or "").strip() or (r[4] or "").strip()),
        has_examples=any(r[5] for r in rows),
    )


# --- The archive: what the plan owes, where each report stands ------------------------------------------------


class ReportState:
    NOT_YET = "not_yet"  # the time it covers is still running
    DUE = "due"  # can be written, not submitted, due date not passed
    OVERDUE = "overdue"
    AWAITING = "awaiting"
    APPROVED = "approved"
    RETURNED = "returned"  # returned: a new submission is due


#: The states "Kræver opmærksomhed" lists, most urgent first.
NEEDS_ATTENTION = (ReportState.OVERDUE, ReportState.RETURNED, ReportState.DUE)

STATE_LABELS = {
    ReportState.NOT_YET: _("not yet: the time it covers is running"),
    ReportState.DUE: _("due"),
    ReportState.OVERDUE: _("overdue"),
    ReportState.AWAITING: _("awaiting Landsbyggefonden's answer"),
    ReportState.APPROVED: _("approved"),
    ReportState.RETURNED: _("returned: submit again"),
}


@dataclass(frozen=True)
class ArchiveRow:
    report: Report
    state: str
    submissions: list[Submission]

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def needs_attention(self) -> bool:
        return self.state in NEEDS_ATTENTION


def report_state(report: Report, submissions: list[Submission], today: datetime.date) -> str:
    latest = submissions[-1] if submissions else None
    if latest is not None:
        return {
            Submission.Outcome.AWAITING: ReportState.AWAITING,
            Submission.Outcome.APPROVED: ReportState.APPROVED,
            Submission.Outcome.RETURNED: ReportState.RETURNED,
        }[Submission.Outcome(latest.outcome)]
    if not report.can_be_made(today):
        return ReportState.NOT_YET
    return ReportState.OVERDUE if report.due_date < today else ReportState.DUE


def _submissions() -> QuerySet[Submission]:
    """Submissions oldest first, with who submitted and answered, and their comments with their authors."""
    return (
        Submission.objects.select_related("submitted_by", "answered_by")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.select_related("author")))
        .order_by("number")
    )


def _submissions_prefetch() -> Prefetch:
    return Prefetch("submissions", queryset=_submissions())


def report_archive(plan: Plan, *, today: datetime.date) -> list[ArchiveRow]:
    """Every yearly report of the period and the final report, stored or not: three queries (reports,
    submissions with who submitted and answered, comments with their authors)."""
    return report_archives([plan], today=today)[plan.pk]


def report_archives(plans: Iterable[Plan], *, today: datetime.date) -> dict[int, list[ArchiveRow]]:
    """``report_archive`` of each of ``plans`` (plan pk → rows), in the same three queries however many plans:
    reports, submissions with who submitted and answered, comments with their authors."""
    plans = list(plans)
    stored = {
        (r.plan_id, r.kind, r.year): r
        for r in Report.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related(_submissions_prefetch())
    }
    archives: dict[int, list[ArchiveRow]] = {}
    for plan in plans:
        wanted = [(Report.Kind.YEARLY, year) for year in plan.years] + [(Report.Kind.FINAL, None)]
        rows = []
        for kind, year in wanted:
            report = stored.get((plan.pk, kind, year)) or Report(plan=plan, kind=kind, year=year)
            submissions: list[Submission] = list(report.submissions.all()) if report.pk else []  # type: ignore[misc]
            rows.append(
                ArchiveRow(
                    report=report, state=report_state(report, submissions, today), submissions=submissions
                )
            )
        archives[plan.pk] = rows
    return archives


def report_of(plan: Plan, *, kind: str, year: int | None) -> Report:
    """The plan's report of that kind (and year): the stored row, or a new unsaved one — a draft (one query)."""
    stored = Report.objects.filter(plan=plan, kind=kind, year=year).select_related("plan").first()
    return stored or Report(plan=plan, kind=kind, year=year)


def submissions_matching(plan: Plan, sha256: str) -> list[tuple[Submission, str]]:
    """The plan's submitted files whose SHA-256 is ``sha256``: (submission, the file's format) — one query."""
    rows = (
        Submission.objects.filter(report__plan=plan)
        .filter(Q(pdf_sha256=sha256) | Q(spreadsheet_sha256=sha256) | Q(plan_file_sha256=sha256))
        .select_related("report__plan")
        .order_by("report__kind", "report__year", "number")
    )
    return [
        (submission, name)
        for submission in rows
        for _format, name, digest in submission.files
        if digest == sha256
    ]


def report_submissions(report: Report) -> list[Submission]:
    """A report's submissions, oldest first, with their comments (two queries; none for a report not stored)."""
    if report.pk is None:
        return []
    return list(_submissions().filter(report=report))
