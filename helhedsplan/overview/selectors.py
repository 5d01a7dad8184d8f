"""Reads for the plan's dashboard — headline figures, how each delaftale is going, what needs attention, what
changed lately — in a fixed number of queries. Rows come back with their plan (joined), so links and
permission checks on them never fetch it again.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import (
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.agreements.selectors import (
    goal_trees,
    key_figure_trees,
)
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.approvals.selectors import ApprovalsOverview, approvals_overviews
from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.budget.selectors import budget_summaries
from helhedsplan.budget.summary import BudgetSummary
from helhedsplan.core.formatting import format_number
from helhedsplan.core.history import FieldChange, changes_of
from helhedsplan.documents.models import DocumentVersion, FactSource, PlanDocument
from helhedsplan.goals import progress
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement, Milestone
from helhedsplan.governance.models import Body, BodyMember, Meeting, MeetingDecision
from helhedsplan.plans.models import Estate, Invitation, Membership, Plan, PlanContent
from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    IncidentLogEntry,
    PreparednessPlan,
)
from helhedsplan.preparedness.selectors import (
    contacts_of,
    open_incidents_by_plan,
    open_incidents_of,
    preparedness_plans_by_plan,
)
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import (
    NEEDS_ATTENTION,
    ArchiveRow,
    ReportState,
    report_archives,
)
from helhedsplan.versions.selectors import VersionAttention, versions_attention
from helhedsplan.versions.snapshot import SECTION_BY_KEY

if TYPE_CHECKING:
    from . import readmodel

# --- What needs attention -------------------------------------------------------------------------------------
#
# "Kræver opmærksomhed" is built from item providers: each reads what ``dashboard`` has already fetched
# (``AttentionSources``) and returns one group of items, most urgent first; ``ATTENTION_PROVIDERS`` lists them in
# order of urgency. A new kind of item — the reports that are due or overdue, once the plan has a report model —
# is one more provider here (and, if it needs rows the dashboard does not read yet, one more field on
# ``AttentionSources`` filled by one fixed query in ``dashboard``).


@dataclass(frozen=True)
class OverdueMeasurement:
    indicator: Indicator
    #: When the next measurement was due; None means the indicator has never been measured.
    due: datetime.date | None
    latest_date: datetime.date | None


def overdue_measurements(indicators: Iterable[Indicator], today: datetime.date) -> list[OverdueMeasurement]:
    """Indicators never measured or whose next measurement is overdue, never measured first, then by due date.

    Works on prefetched rows (``measurements`` on the indicators), so it adds no queries.
    """
    overdue = []
    for indicator in indicators:
        latest = indicator.latest_measurement()
        if latest is None or indicator.measurement_is_overdue(today):
            overdue.append(
                OverdueMeasurement(
                    indicator=indicator,
                    due=indicator.next_measurement_due(),
                    latest_date=latest.date if latest else None,
                )
            )
    overdue.sort(
        key=lambda item: (item.latest_date is not None, item.due or datetime.date.max, item.indicator.pk)
    )
    return overdue


def late_activities(activities: Iterable[Activity], today: datetime.date) -> list[Activity]:
    """Activities past their end and neither completed nor cancelled, the longest overdue first."""
    return sorted(
        (activity for activity in activities if activity.is_overdue(today)),
        key=lambda activity: (activity.end_date, activity.pk),
    )


@dataclass(frozen=True)
class AttentionItem:
    #: What it is about (the link's text).
    title: str
    #: Where to act on it.
    url: str
    #: Why it needs attention, in words.
    detail: str
    #: The row it is about (an indicator, activity, incident …), for the example badge; None for a missing part.
    subject: object | None = None


@dataclass(frozen=True)
class AttentionGroup:
    #: Names the kind in the page (``id="attention-<kind>"``) and in tests.
    kind: str
    heading: str
    items: list[AttentionItem]


@dataclass(frozen=True)
class AttentionSources:
    """Everything the providers read, fetched once by ``dashboard`` in a fixed number of queries."""

    plan: Plan
    today: datetime.date
    sub_agreements: list[SubAgreement]
    indicators: list[Indicator]
    activities: list[Activity]
    approvals: ApprovalsOverview
    budget: BudgetSummary
    incidents: list[Incident]
    #: The emergency plan, or None when it has not been written.
    preparedness_plan: PreparednessPlan | None
    contacts: list[Contact]
    #: Every report the plan owes Landsbyggefonden, with where it stands.
    reports: list[ArchiveRow]
    #: Whether the reader may see contacts (reviewers may not: their names and numbers are personal data).
    may_see_contacts: bool
    #: Whether the reader answers submitted reports (a reviewer of Landsbyggefonden): the reports awaiting an
    #: answer are theirs to answer.
    may_review: bool = False
    #: Whether the reader submits reports (a coordinator): the returned reports are theirs to answer.
    may_submit: bool = False
    #: The plan's approved and awaiting versions and where the live plan differs from the approved one.
    versions: VersionAttention = VersionAttention()
    #: Whether the reader submits versions of the plan (a coordinator): changes awaiting submission are theirs.
    may_submit_versions: bool = False
    #: The organisations the reader signs for in the app (``versions.selectors.signing_organisations``).
    signs_for: frozenset[int] = frozenset()


def _url(name: str, plan: Plan, anchor: str = "") -> str:
    return reverse(name, kwargs={"plan": plan.slug}) + anchor


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def open_incidents(sources: AttentionSources) -> AttentionGroup:
    """Open incidents, the highest escalation level (akut, bydækkende) first, then the newest."""
    incidents = sorted(
        (incident for incident in sources.incidents if incident.is_open),
        key=lambda incident: (-incident.level.order, -incident.occurred_at.timestamp(), -incident.pk),
    )
    return AttentionGroup(
        "incidents",
        _("Open incidents"),
        [
            AttentionItem(
                # Its summary can name people: a reviewer gets the date (and the level below) only.
                title=str(incident)
                if sources.may_see_contacts
                else formats.date_format(timezone.localtime(incident.occurred_at), "DATE_FORMAT"),
                url=incident.get_absolute_url()
                if sources.may_see_contacts
                else _url("preparedness:incidents", sources.plan),
                detail=_("level %(level)s, still open") % {"level": incident.level.name},
                subject=incident,
            )
            for incident in incidents
        ],
    )


def missing_parts(sources: AttentionSources) -> AttentionGroup:
    """What a new plan still lacks, in the order it is usually set up."""
    plan, items = sources.plan, []

    def missing(condition: bool, title: str, url: str, detail: str) -> None:
        if condition:
            items.append(AttentionItem(title=title, url=url, detail=detail))

    goals = [goal for sub_agreement in sources.sub_agreements for goal in sub_agreement.goals.all()]
    missing(
        not sources.sub_agreements,
        _("No sub-agreements"),
        _url("agreements:sub_agreements", plan),
        _("a plan from the template gets one per focus area; otherwise an administrator adds them"),
    )
    missing(
        bool(sources.sub_agreements) and not goals,
        _("No goals"),
        _url("agreements:sub_agreements", plan),
        _("add the goals of each sub-agreement"),
    )
    missing(
        bool(goals) and not any(goal.indicators.all() for goal in goals),
        _("No indicators"),
        _url("agreements:sub_agreements", plan),
        _("add what is measured for each goal, with baseline and target"),
    )
    missing(
        not sources.budget.lines,
        _("No budget"),
        _url("budget:overview", plan),
        _("add the budget lines"),
    )
    missing(
        not sources.budget.sources,
        _("No funding sources"),
        _url("budget:overview", plan, "#sources"),
        _("add who pays: Landsbyggefonden, the municipality, the housing associations"),
    )
    missing(
        not sources.approvals.summary.estates,
        _("No estates"),
        _url("approvals:overview", plan),
        _("an administrator adds the estates taking part"),
    )
    missing(
        not sources.approvals.steps,
        _("No approval steps"),
        _url("approvals:overview", plan, "#steps-heading"),
        _("add the political and funder steps the plan goes through"),
    )
    missing(
        sources.preparedness_plan is None,
        _("No emergency plan"),
        _url("preparedness:overview", plan),
        _("write the emergency plan: levels, contacts and action cards"),
    )
    return AttentionGroup("setup", _("The plan is not complete yet"), items)


def overdue_approvals(sources: AttentionSources) -> AttentionGroup:
    """Approval steps and estate decisions whose expected date has passed, the longest overdue first."""
    dated: list[tuple[datetime.date, AttentionItem]] = []
    for row in sources.approvals.steps:
        if row.overdue and row.date is not None:
            dated.append(
                (
                    row.date,
                    AttentionItem(
                        title=row.step.title,
                        url=row.step.get_absolute_url(),
                        detail=_("expected %(day)s, still %(status)s")
                        % {"day": _date(row.date), "status": row.status_label},
                        subject=row.step,
                    ),
                )
            )
    summary = sources.approvals.summary
    for state in summary.overdue:
        assert state.expected_date is not None  # an overdue estate has an expected date
        decision = state.decision
        dated.append(
            (
                state.expected_date,
                AttentionItem(
                    title=state.estate.name,
                    url=decision.get_absolute_url() if decision else _url("approvals:overview", sources.plan),
                    detail=_("the decision (%(body)s) was expected %(day)s")
                    % {
                        "body": decision.get_body_display() if decision else "—",
                        "day": _date(state.expected_date),
                    },
                    subject=decision,
                ),
            )
        )
    dated.sort(key=lambda pair: pair[0])
    return AttentionGroup(
        "approvals", _("Approvals past their expected date"), [item for _day, item in dated]
    )


def measurements_due(sources: AttentionSources) -> AttentionGroup:
    items = []
    for item in overdue_measurements(sources.indicators, sources.today):
        if item.latest_date is None:
            detail = _("never measured")
        else:
            assert item.due is not None  # measured and overdue: a measurement was due
            detail = _("a new measurement was due %(due)s (last measured %(latest)s)") % {
                "due": _date(item.due),
                "latest": _date(item.latest_date),
            }
        items.append(
            AttentionItem(
                title=item.indicator.name,
                url=item.indicator.get_absolute_url(),
                detail=detail,
                subject=item.indicator,
            )
        )
    return AttentionGroup("measurements", _("Measurements due"), items)


def activities_past_their_end(sources: AttentionSources) -> AttentionGroup:
    return AttentionGroup(
        "activities",
        _("Activities past their end and not completed"),
        [
            AttentionItem(
                title=activity.name,
                url=activity.get_absolute_url(),
                detail=_("ended %(end)s, still %(status)s")
                % {"end": _date(activity.end_date), "status": activity.get_status_display()},
                subject=activity,
            )
            for activity in late_activities(sources.activities, sources.today)
            if activity.end_date is not None
        ],
    )


def missing_actual_spend(sources: AttentionSources) -> AttentionGroup:
    return AttentionGroup(
        "actual_spend",
        _("Finished years without actual spend"),
        [
            AttentionItem(
                title=_("Actual spend %(year)s") % {"year": year},
                url=_url("budget:overview", sources.plan, f"#finished-year-{year}"),
                detail=_("the year has ended, but its actual spend has not been recorded"),
            )
            for year in sources.budget.finished_years_without_actual(sources.today)
        ],
    )


def contacts_to_verify(sources: AttentionSources) -> AttentionGroup:
    """Contacts not verified in 12 months, never verified first — only for those who may see contacts."""
    contacts = []
    if sources.may_see_contacts:
        contacts = sorted(
            (contact for contact in sources.contacts if contact.needs_verification(sources.today)),
            key=lambda contact: (contact.last_verified or datetime.date.min, contact.pk),
        )
    return AttentionGroup(
        "contacts",
        _("Contacts not verified in 12 months"),
        [
            AttentionItem(
                title=f"{contact.name}, {contact}",
                url=contact.get_absolute_url(),
                detail=_("last verified %(day)s") % {"day": _date(contact.last_verified)}
                if contact.last_verified
                else _("never verified"),
                subject=contact,
            )
            for contact in contacts
        ],
    )


def _submitted_on(row: ArchiveRow) -> str:
    latest = row.submissions[-1]
    return _date(timezone.localtime(latest.submitted_at).date())


def reports_awaiting_you(sources: AttentionSources) -> AttentionGroup:
    """ "Afventer dit svar": for a reviewer the reports awaiting Landsbyggefonden's answer, for a coordinator
    the reports returned by Landsbyggefonden — the oldest submission first."""
    rows = [
        row
        for row in sources.reports
        if (sources.may_review and row.state == ReportState.AWAITING)
        or (sources.may_submit and row.state == ReportState.RETURNED)
    ]
    rows.sort(key=lambda row: (row.submissions[-1].submitted_at, row.report.pk))
    return AttentionGroup(
        "your-answer",
        _("Awaiting your answer"),
        [
            AttentionItem(
                title=str(row.report),
                url=reverse("reports:report", kwargs={"plan": sources.plan.slug, **row.report.url_kwargs()}),
                detail=(
                    _("submitted %(day)s: approve it or return it with a comment")
                    if row.state == ReportState.AWAITING
                    else _("returned by Landsbyggefonden: answer and submit again")
                )
                % {"day": _submitted_on(row)},
            )
            for row in rows
        ],
    )


def reports_due(sources: AttentionSources) -> AttentionGroup:
    """Reports to Landsbyggefonden that are overdue, returned for a new submission, or due — in that order (a
    returned report heads a coordinator's list instead: ``reports_awaiting_you``)."""
    rows = sorted(
        (
            row
            for row in sources.reports
            if row.needs_attention and not (sources.may_submit and row.state == ReportState.RETURNED)
        ),
        key=lambda row: (NEEDS_ATTENTION.index(row.state), row.report.due_date),
    )
    return AttentionGroup(
        "reports",
        _("Reports to Landsbyggefonden"),
        [
            AttentionItem(
                title=str(row.report),
                url=reverse("reports:report", kwargs={"plan": sources.plan.slug, **row.report.url_kwargs()}),
                detail=_("returned by Landsbyggefonden: answer and submit again")
                if row.state == ReportState.RETURNED
                else (_("overdue since %(day)s") if row.state == ReportState.OVERDUE else _("due %(day)s"))
                % {"day": _date(row.report.due_date)},
            )
            for row in rows
        ],
    )


def versions_awaiting_your_signature(sources: AttentionSources) -> AttentionGroup:
    """ "Afventer din underskrift": the version awaiting its sign-offs, once for each party the reader signs for
    that has not decided yet — Landsbyggefonden's only once every local party has. Each item's subject is the
    sign-off (the digest gives it to those who sign for its organisation)."""
    version = sources.versions.awaiting
    group = AttentionGroup("your-signature", _("Awaiting your signature"), [])
    if version is None:
        return group
    signoffs = [s for s in sources.versions.awaiting_signoffs() if s.organisation_id in sources.signs_for]
    return dataclasses.replace(
        group,
        items=[
            AttentionItem(
                title=str(version),
                url=version.get_absolute_url(),
                detail=_("submitted %(day)s: sign for %(organisation)s")
                % {
                    "day": _date(timezone.localtime(version.submitted_at).date()),
                    "organisation": signoff.organisation.short_name if signoff.organisation else "",
                },
                subject=signoff,
            )
            for signoff in signoffs
        ],
    )


def changes_awaiting_submission(sources: AttentionSources) -> AttentionGroup:
    """For a coordinator: the live plan differs from its approved version (by the plan's fingerprint) and no
    version awaits its sign-offs — the changes are not agreed until a version is submitted and signed."""
    versions = sources.versions
    items = []
    if sources.may_submit_versions and versions.awaiting is None and versions.changed_sections:
        approved = versions.approved
        assert approved is not None  # changed sections are only known against an approved version
        items.append(
            AttentionItem(
                title=_("Changes since approved version %(number)s") % {"number": approved.number},
                url=_url("versions:changes", sources.plan),
                detail=_("changed, not yet submitted as a new version: %(sections)s")
                % {
                    "sections": ", ".join(
                        str(SECTION_BY_KEY[key].title).lower() for key in versions.changed_sections
                    )
                },
            )
        )
    return AttentionGroup("version-changes", _("Changes awaiting submission"), items)


def attention_sources(
    plan: Plan,
    today: datetime.date,
    *,
    sub_agreements: list[SubAgreement],
    strategic_goals: list[StrategicGoal],
    approvals: ApprovalsOverview,
    budget: BudgetSummary,
    incidents: list[Incident],
    preparedness_plan: PreparednessPlan | None,
    contacts: list[Contact],
    reports: list[ArchiveRow],
    may_see_contacts: bool,
    may_review: bool = False,
    may_submit: bool = False,
    versions: VersionAttention | None = None,
    may_submit_versions: bool = False,
    signs_for: frozenset[int] = frozenset(),
) -> AttentionSources:
    """What the providers read, from rows already fetched (the delaftaler with their goal tree and activities,
    the strategic goals with their key figures): no query. The dashboard gives one plan's, the portfolio every
    plan's."""
    indicators: list[Indicator] = [
        indicator for goal in strategic_goals for indicator in goal.key_figures.all()
    ]
    activities: list[Activity] = []
    for sub_agreement in sub_agreements:
        indicators.extend(
            indicator for goal in sub_agreement.goals.all() for indicator in goal.indicators.all()
        )
        activities.extend(sub_agreement.activities.all())
    return AttentionSources(
        plan=plan,
        today=today,
        sub_agreements=sub_agreements,
        indicators=indicators,
        activities=activities,
        approvals=approvals,
        budget=budget,
        incidents=incidents,
        preparedness_plan=preparedness_plan,
        contacts=contacts,
        reports=reports,
        may_see_contacts=may_see_contacts,
        may_review=may_review,
        may_submit=may_submit,
        versions=versions or VersionAttention(),
        may_submit_versions=may_submit_versions,
        signs_for=signs_for,
    )


@dataclass(frozen=True)
class PlansRows:
    """What "needs attention" reads of many plans, each by plan pk, read once for all of them (the portfolio,
    the daily digest): each app's set-of-plans selector, in a number of queries that does not grow with the
    plans — six for the goal trees with their activities, three for the key figures, five for the budgets, three
    for the approvals, one each for the open incidents, the emergency plans and the contacts, three for the
    reports to Landsbyggefonden, three for the versions and fingerprints."""

    today: datetime.date
    trees: dict[int, list[SubAgreement]]
    key_figures: dict[int, list[StrategicGoal]]
    budgets: dict[int, BudgetSummary]
    approvals: dict[int, ApprovalsOverview]
    incidents: dict[int, list[Incident]]
    preparedness_plans: dict[int, PreparednessPlan | None]
    contacts: dict[int, list[Contact]]
    reports: dict[int, list[ArchiveRow]]
    versions: dict[int, VersionAttention]

    def sources(
        self,
        plan: Plan,
        *,
        may_see_contacts: bool,
        may_review: bool = False,
        may_submit: bool = False,
        may_submit_versions: bool = False,
        signs_for: frozenset[int] = frozenset(),
    ) -> AttentionSources:
        """One plan's sources of "needs attention", from the rows read (no query)."""
        return attention_sources(
            plan,
            self.today,
            sub_agreements=self.trees[plan.pk],
            strategic_goals=self.key_figures[plan.pk],
            approvals=self.approvals[plan.pk],
            budget=self.budgets[plan.pk],
            incidents=self.incidents[plan.pk],
            preparedness_plan=self.preparedness_plans[plan.pk],
            contacts=self.contacts[plan.pk],
            reports=self.reports[plan.pk],
            may_see_contacts=may_see_contacts,
            may_review=may_review,
            may_submit=may_submit,
            versions=self.versions[plan.pk],
            may_submit_versions=may_submit_versions,
            signs_for=signs_for,
        )


def plans_rows(
    plans: list[Plan],
    *,
    today: datetime.date,
    contacts: Callable[[list[Plan]], dict[int, list[Contact]]],
    with_versions: bool = True,
) -> PlansRows:
    """Read what "needs attention" reads, for every one of ``plans`` at once. ``contacts`` reads the emergency
    contacts by plan: those a user may see (the portfolio) or all of them (the digest, which gives them only to
    coordinators). ``with_versions=False`` leaves out the versions (the kept figures, ``readmodel``, whose version
    groups are the reader's own and read for each request)."""
    return PlansRows(
        today=today,
        trees=goal_trees(plans, with_activities=True),
        key_figures=key_figure_trees(plans),
        budgets=budget_summaries(plans),
        approvals=approvals_overviews(plans, today),
        incidents=open_incidents_by_plan(plans),
        preparedness_plans=preparedness_plans_by_plan(plans),
        contacts=contacts(plans),
        reports=report_archives(plans, today=today),
        versions=versions_attention(plans)
        if with_versions
        else {plan.pk: VersionAttention() for plan in plans},
    )


#: The providers of "Kræver opmærksomhed", most urgent kind first.
ATTENTION_PROVIDERS: tuple[Callable[[AttentionSources], AttentionGroup], ...] = (
    reports_awaiting_you,
    versions_awaiting_your_signature,
    open_incidents,
    missing_parts,
    overdue_approvals,
    reports_due,
    measurements_due,
    activities_past_their_end,
    missing_actual_spend,
    contacts_to_verify,
    changes_awaiting_submission,
)


@dataclass(frozen=True)
class Attention:
    #: The kinds that have items, most urgent first.
    groups: list[AttentionGroup]

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)

    def of(self, kind: str) -> list[AttentionItem]:
        """The items of one kind (none when it has none)."""
        return next((group.items for group in self.groups if group.kind == kind), [])


def needs_attention(sources: AttentionSources) -> Attention:
    """Every provider's items, over rows already read: adds no queries."""
    groups = [provider(sources) for provider in ATTENTION_PROVIDERS]
    return Attention(groups=[group for group in groups if group.items])


# --- Recent changes and the change log ------------------------------------------------------------------------
#
# Every historical record of a model in a plan carries its plan (``history_plan``, see
# ``plans.models.PlanHistoricalRecords``), indexed with the date: a plan's changes are read by plan, never by
# scanning the whole country's history.


def _deleted(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """A label that names a related object which may since have been deleted (joined as None)."""

    def label(record) -> str:
        try:
            return function(record)
        except AttributeError:
            return _("(deleted)")

    return label


def _focus_area(record) -> str:
    return record.get_focus_area_display()


def _party(record) -> str:
    return f"{record.organisation.short_name} · {record.sub_agreement.get_focus_area_display()}"


def _measurement(record) -> str:
    return _("%(indicator)s: %(value)s on %(date)s") % {
        "indicator": record.indicator.name,
        "value": format_number(record.value) if record.value is not None else _("suppressed"),
        "date": formats.date_format(record.date, "DATE_FORMAT"),
    }


def _line(line) -> str:
    where = line.sub_agreement.get_focus_area_display() if line.sub_agreement_id else _("Shared")
    text = f"{where} · {line.get_category_display()}"
    return f"{text} · {line.description}" if line.description else text


def _yearly(record) -> str:
    return f"{_line(record.line)} · {record.year}"


def _estate_decision(record) -> str:
    return f"{record.estate.name} · {record.get_body_display()} · {record.get_result_display()}"


@dataclass(frozen=True)
class Tracked:
    model: type[PlanContent]
    #: Relations the label reads, joined into the one query per model.
    select_related: tuple[str, ...]
    #: Names the change from its record (simple_history's historical model, which has no types).
    label: Callable[[Any], str]
    #: Personal data (the emergency plan's contacts, who has which role): only for those who may see contact
    #: details (coordinators and editors), never for reviewers.
    personal: bool = False


#: What the change log follows: every model in a plan.
TRACKED: tuple[Tracked, ...] = (
    Tracked(StrategicAgreement, (), lambda record: _("Strategic agreement")),
    Tracked(StrategicGoal, (), _focus_area),
    Tracked(SubAgreement, (), _focus_area),
    Tracked(SubAgreementParty, ("organisation", "sub_agreement"), _party),
    Tracked(Goal, (), lambda record: record.title),
    Tracked(Indicator, (), lambda record: record.name),
    Tracked(Measurement, ("indicator",), _measurement),
    Tracked(Activity, (), lambda record: record.name),
    Tracked(Milestone, (), lambda record: record.name),
    Tracked(Narrative, ("sub_agreement",), lambda record: f"{record.sub_agreement} · {record.year}"),
    Tracked(BudgetLine, ("sub_agreement",), _line),
    Tracked(BudgetAmount, ("line__sub_agreement",), _yearly),
    Tracked(ActualSpend, ("line__sub_agreement",), _yearly),
    Tracked(FundingSource, (), lambda record: record.name),
    Tracked(Funding, ("source",), lambda record: f"{record.source.name} · {record.year}"),
    Tracked(Estate, (), lambda record: record.name),
    Tracked(EstateDecision, ("estate",), _estate_decision),
    Tracked(ApprovalStep, (), lambda record: record.title),
    Tracked(Report, (), lambda record: str(record.instance)),  # the report, not "… as of <timestamp>"
    Tracked(PlanDocument, (), lambda record: record.title),
    Tracked(DocumentVersion, ("document",), lambda r: f"{r.document.title} · {_('version')} {r.number}"),
    Tracked(
        FactSource, (), lambda record: str(record.instance)
    ),  # names the fact from the registry, no query
    Tracked(Body, (), lambda record: record.name),
    Tracked(BodyMember, ("body",), lambda record: f"{record.body.name} · {record.name}"),
    Tracked(Meeting, ("body",), lambda r: f"{r.body.name} · {formats.date_format(r.date, 'DATE_FORMAT')}"),
    Tracked(MeetingDecision, (), lambda record: Truncator(record.text).chars(60)),
    Tracked(PreparednessPlan, (), lambda record: _("Emergency plan")),
    Tracked(EscalationLevel, (), lambda record: record.name),
    Tracked(ActionCard, (), lambda record: record.scenario),
    # An incident's texts can name people (``core.personal``): its changes are the plan staff's.
    Tracked(Incident, (), lambda record: Truncator(record.summary).chars(60), personal=True),
    Tracked(IncidentLogEntry, (), lambda record: Truncator(record.text).chars(60), personal=True),
    Tracked(Contact, (), lambda record: f"{record.name} · {record.role}", personal=True),
    Tracked(Membership, ("user",), lambda r: f"{r.user.username} · {r.get_role_display()}", personal=True),
    Tracked(Invitation, (), lambda r: f"{r.email} · {r.get_role_display()}", personal=True),
)


@dataclass(frozen=True)
class RecentChange:
    when: datetime.datetime
    user: object
    kind: str  # "+", "~", "-"
    model_label: str
    label: str
    #: The object's history page, or None when the object no longer exists.
    history_url: str | None
    #: What a change ("~") changed, field by field (old → new); empty for a creation or a deletion.
    changes: tuple[FieldChange, ...] = ()

    @property
    def kind_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.kind]


def tracked_for(*, personal: bool) -> tuple[Tracked, ...]:
    """The models whose changes a reader sees: with ``personal`` (the reader may see contact details:
    ``plan.view_contact_details``) also contacts and memberships."""
    return tuple(tracked for tracked in TRACKED if personal or not tracked.personal)


@functools.cache
def _union_of_history_tables(tracked: tuple[Tracked, ...]) -> str:
    """The SQL of ``ChangeKeys``' union, made once per process: reaching a model's historical model through its
    ``history`` descriptor builds a manager class each time (simple_history), which cost more than the query."""
    quote = connection.ops.quote_name
    return " UNION ALL ".join(
        # Each tracked model declares its own ``history`` (simple_history's manager); PlanContent does not.
        f"SELECT history_date, history_id, {index} AS tracked FROM "  # noqa: S608 (names from the models)
        f"{quote(item.model.history.model._meta.db_table)} WHERE history_plan_id = %s"  # type: ignore[attr-defined]
        for index, item in enumerate(tracked)
    )


class ChangeKeys:
    """The plan's changes, newest first, as (date, record id, position in ``tracked``) rows: a UNION ALL over
    the historical tables, each read by plan through its (plan, date) index. Counted and sliced in the database,
    one query each — what a ``Paginator`` asks of it.

    Written as SQL rather than as a union of querysets: the ORM took longer to compile the union of twenty-odd
    tables than the database took to answer it.
    """

    def __init__(self, plan: Plan, tracked: tuple[Tracked, ...]):
        self.plan_id = plan.pk
        self.union = _union_of_history_tables(tracked)
        self.parameters = [self.plan_id] * len(tracked)

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({self.union}) AS changes", self.parameters)  # noqa: S608
            return cursor.fetchone()[0]

    def __getitem__(self, window: slice) -> list[tuple]:
        start, stop = window.start or 0, window.stop
        assert stop is not None and window.step is None, "only a window of rows is read"
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.union} ORDER BY 1 DESC, 2 DESC LIMIT %s OFFSET %s",  # noqa: S608
                [*self.parameters, stop - start, start],
            )
            return [(when, history_id, index) for when, history_id, index in cursor.fetchall()]


def change_keys(plan: Plan, tracked: tuple[Tracked, ...]) -> ChangeKeys:
    return ChangeKeys(plan, tracked)


def changes_for_keys(plan: Plan, tracked: tuple[Tracked, ...], keys: Iterable[tuple]) -> list[RecentChange]:
    """The changes ``keys`` (rows of ``change_keys``) name, in their order, each saying what it changed.

    Per model among them: one query for its records (with the user, what the label reads, whether the object
    still exists and which record came before), one for those previous records when any record is a change;
    related objects only when a relation changed (``core.history.changes_of``).
    """
    keys = list(keys)
    wanted: dict[int, list[int]] = defaultdict(list)
    for _when, history_id, index in keys:
        wanted[index].append(history_id)
    found: dict[tuple[int, int], RecentChange] = {}
    for index, history_ids in wanted.items():
        item = tracked[index]
        model = item.model
        history = model.history  # type: ignore[attr-defined]
        previous = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id"
        )
        records = list(
            history.filter(history_plan=plan, history_id__in=history_ids)
            .select_related("history_user", *item.select_related)
            .annotate(
                still_exists=Exists(model.objects.filter(pk=OuterRef("id"))),
                previous_id=Subquery(previous.values("history_id")[:1]),
            )
        )
        previous_ids = [record.previous_id for record in records if record.history_type == "~"]
        before = history.in_bulk([pk for pk in previous_ids if pk is not None]) if previous_ids else {}
        pairs = [
            (before.get(record.previous_id) if record.history_type == "~" else None, record)
            for record in records
        ]
        for record, changes in zip(records, changes_of(model, pairs), strict=True):
            url = None
            if record.still_exists:
                url = reverse(
                    "history",
                    kwargs={
                        "plan": plan.slug,
                        "app_label": model._meta.app_label,
                        "model_name": model._meta.model_name,
                        "pk": record.id,
                    },
                )
            found[(index, record.history_id)] = RecentChange(
                when=record.history_date,
                user=record.history_user,
                kind=record.history_type,
                model_label=str(model._meta.verbose_name),
                label=_deleted(item.label)(record),
                history_url=url,
                changes=tuple(changes),
            )
    return [found[(index, history_id)] for _when, history_id, index in keys if (index, history_id) in found]


def recent_changes(plan: Plan, *, personal: bool = False, limit: int = 10) -> list[RecentChange]:
    """The newest ``limit`` changes to the plan's content, newest first (with ``personal``, those of contacts
    and memberships too: see ``tracked_for``).

    One query for which changes (``change_keys``), then what ``changes_for_keys`` reads of the models among them
    — so the count never grows with the history, only with how many kinds of object the newest changes touch.
    """
    tracked = tracked_for(personal=personal)
    return changes_for_keys(plan, tracked, change_keys(plan, tracked)[:limit])


@dataclass(frozen=True)
class ChangeLog:
    page: Page
    changes: list[RecentChange]


CHANGE_LOG_PAGE_SIZE = 50


def change_log(
    plan: Plan, *, personal: bool, page_number: int | str | None = 1, per_page: int = CHANGE_LOG_PAGE_SIZE
) -> ChangeLog:
    """One page of the plan's full change log, newest first (``personal``: see ``tracked_for``): a count and a
    slice of ``change_keys``, then ``changes_for_keys`` for the page's changes."""
    tracked = tracked_for(personal=personal)
    # ChangeKeys counts and slices as a Paginator asks, without the full sequence protocol the stubs declare.
    keys: Any = change_keys(plan, tracked)
    page: Page = Paginator(keys, per_page).get_page(page_number)
    return ChangeLog(page=page, changes=changes_for_keys(plan, tracked, page.object_list))


# --- The dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """What the plan's start page shows: the plan's kept figures (``readmodel.PlanFigures``) and what depends on
    the reader."""

    today: datetime.date
    #: The day the statuses are judged on: today, or the period's last day once it has ended (then final).
    as_of: progress.AsOf
    cards: list[readmodel.CardFigures]
    plan_progress: progress.Progress
    attention: Attention
    recent_changes: list[RecentChange]
    total_budget: Decimal
    approvals: readmodel.ApprovalFigures
    #: The estates' homes and residents added up, for a plan that does not state its own.
    estate_homes: int
    estate_residents: int
    #: What the map of the estates draws (``plans.locations.map_estate_rows``).
    map_rows: list[dict[str, Any]]


def dashboard(
    plan: Plan,
    today: datetime.date,
    *,
    may_see_contacts: bool = False,
    may_review: bool = False,
    may_submit: bool = False,
    may_submit_versions: bool = False,
    signs_for: frozenset[int] = frozenset(),
) -> Dashboard:
    """Everything the dashboard shows of ``plan`` on ``today``: the plan's figures from the shared cache (one
    lookup; computed in the fixed queries of ``readmodel.plan_figures_fresh`` once per change of the plan and
    day), then what depends on the reader, read for each request — the open incidents and the emergency plan's
    contacts (one query each, for every role alike: their texts and names are personal data, never kept in the
    shared entry) and "recent changes" (``recent_changes``: one, and one or two per kind of object among them).
    ``may_see_contacts``: list contacts to verify (not for reviewers); ``may_review``/``may_submit``: which
    reports await the reader's answer. The plan's versions are read for each request too (three queries:
    versions, sign-offs, the agreement's fingerprint), as what they ask of the reader depends on whom they sign
    for (``signs_for``) and whether they submit versions (``may_submit_versions``)."""
    from . import readmodel  # it builds on this module's providers

    figures = readmodel.plan_figures_of(plan, today=today)
    attention = readmodel.attention_for(
        plan,
        figures,
        readmodel.Reader(
            incidents=open_incidents_of(plan),
            contacts=contacts_of(plan),
            may_see_contacts=may_see_contacts,
            may_review=may_review,
            may_submit=may_submit,
            versions=versions_attention([plan])[plan.pk],
            may_submit_versions=may_submit_versions,
            signs_for=signs_for,
        ),
    )
    return Dashboard(
        today=today,
        as_of=figures.as_of,
        cards=list(figures.cards),
        plan_progress=figures.plan_progress,
        attention=attention,
        recent_changes=recent_changes(plan, personal=may_see_contacts),
        total_budget=figures.total_budget,
        approvals=figures.approvals,
        estate_homes=figures.estate_homes,
        estate_residents=figures.estate_residents,
        map_rows=list(figures.map_rows),
    )
