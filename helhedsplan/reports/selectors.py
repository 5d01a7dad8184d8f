"""Reads for the plan's dashboard — headline figures, how each delaftale is going, what needs attention, what
changed lately — in a fixed number of queries. Rows come back with their plan (joined), so links and
permission checks on them never fetch it again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import (
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.agreements.selectors import strategic_goals_with_key_figures, sub_agreements_with_goal_tree
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.approvals.selectors import approval_summary
from helhedsplan.approvals.summary import ApprovalSummary
from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.core.formatting import format_number
from helhedsplan.core.history import FieldChange, changes_of
from helhedsplan.goals import progress
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Estate, Membership, Plan, PlanContent
from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    IncidentLogEntry,
    PreparednessPlan,
)

# --- What needs attention -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueMeasurement:
    indicator: Indicator
    #: When the next measurement was due; None means the indicator has never been measured.
    due: datetime.date | None
    latest_date: datetime.date | None


@dataclass(frozen=True)
class Attention:
    indicators: list[OverdueMeasurement]
    activities: list[Activity]

    @property
    def count(self) -> int:
        return len(self.indicators) + len(self.activities)


def needs_attention(indicators: Iterable[Indicator], activities: Iterable[Activity], today) -> Attention:
    """Indicators never measured or whose next measurement is overdue, and activities past their end.

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
    late_activities = sorted(
        (activity for activity in activities if activity.is_overdue(today)),
        key=lambda activity: (activity.end_date, activity.pk),
    )
    return Attention(indicators=overdue, activities=late_activities)


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
        "value": format_number(record.value),
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
    Tracked(BudgetLine, ("sub_agreement",), _line),
    Tracked(BudgetAmount, ("line__sub_agreement",), _yearly),
    Tracked(ActualSpend, ("line__sub_agreement",), _yearly),
    Tracked(FundingSource, (), lambda record: record.name),
    Tracked(Funding, ("source",), lambda record: f"{record.source.name} · {record.year}"),
    Tracked(Estate, (), lambda record: record.name),
    Tracked(EstateDecision, ("estate",), _estate_decision),
    Tracked(ApprovalStep, (), lambda record: record.title),
    Tracked(PreparednessPlan, (), lambda record: _("Emergency plan")),
    Tracked(EscalationLevel, (), lambda record: record.name),
    Tracked(ActionCard, (), lambda record: record.scenario),
    Tracked(Incident, (), lambda record: Truncator(record.summary).chars(60)),
    Tracked(IncidentLogEntry, (), lambda record: Truncator(record.text).chars(60)),
    Tracked(Contact, ("organisation",), lambda record: f"{record.name} · {record.role}", personal=True),
    Tracked(Membership, ("user",), lambda r: f"{r.user.username} · {r.get_role_display()}", personal=True),
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


def tracked_for(plan: Plan, user) -> tuple[Tracked, ...]:
    """The models whose changes ``user`` may read in ``plan``: personal data only with contact details."""
    personal = user is not None and user.has_perm("plan.view_contact_details", plan)
    return tuple(tracked for tracked in TRACKED if personal or not tracked.personal)


class ChangeKeys:
    """The plan's changes, newest first, as (date, record id, position in ``tracked``) rows: a UNION ALL over
    the historical tables, each read by plan through its (plan, date) index. Counted and sliced in the database,
    one query each — what a ``Paginator`` asks of it.

    Written as SQL rather than as a union of querysets: the ORM took longer to compile the union of twenty-odd
    tables than the database took to answer it.
    """

    def __init__(self, plan: Plan, tracked: tuple[Tracked, ...]):
        self.plan_id = plan.pk
        quote = connection.ops.quote_name
        self.union = " UNION ALL ".join(
            # Each tracked model declares its own ``history`` (simple_history's manager); PlanContent does not.
            f"SELECT history_date, history_id, {index} AS tracked FROM "  # noqa: S608 (names from the models)
            f"{quote(item.model.history.model._meta.db_table)} WHERE history_plan_id = %s"  # type: ignore[attr-defined]
            for index, item in enumerate(tracked)
        )
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


def recent_changes(plan: Plan, user=None, limit: int = 10) -> list[RecentChange]:
    """The newest ``limit`` changes to the plan's content that ``user`` may read, newest first.

    One query for which changes (``change_keys``), then what ``changes_for_keys`` reads of the models among them
    — so the count never grows with the history, only with how many kinds of object the newest changes touch.
    """
    tracked = tracked_for(plan, user)
    return changes_for_keys(plan, tracked, change_keys(plan, tracked)[:limit])


@dataclass(frozen=True)
class ChangeLog:
    page: Page
    changes: list[RecentChange]


CHANGE_LOG_PAGE_SIZE = 50


def change_log(
    plan: Plan, user, page_number: int | str | None = 1, per_page: int = CHANGE_LOG_PAGE_SIZE
) -> ChangeLog:
    """One page of the plan's full change log that ``user`` may read, newest first: a count and a slice of
    ``change_keys``, then ``changes_for_keys`` for the page's changes."""
    tracked = tracked_for(plan, user)
    # ChangeKeys counts and slices as a Paginator asks, without the full sequence protocol the stubs declare.
    keys: Any = change_keys(plan, tracked)
    page: Page = Paginator(keys, per_page).get_page(page_number)
    return ChangeLog(page=page, changes=changes_for_keys(plan, tracked, page.object_list))


# --- The dashboard --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubAgreementCard:
    sub_agreement: SubAgreement
    progress: progress.Progress
    goal_count: int
    indicator_count: int
    activity_count: int


@dataclass(frozen=True)
class Dashboard:
    """What the plan's start page shows."""

    today: datetime.date
    cards: list[SubAgreementCard]
    plan_progress: progress.Progress
    attention: Attention
    recent_changes: list[RecentChange]
    total_budget: Decimal
    approvals: ApprovalSummary
    #: The estates' homes and residents added up, for a plan that does not state its own.
    estate_homes: int
    estate_residents: int


def dashboard(plan: Plan, today: datetime.date, user=None) -> Dashboard:
    """Everything the dashboard shows of ``plan`` on ``today``, in a number of queries that does not grow with
    the plan: five for the goal tree, two for the key figures, five for the budget, two for the approvals and
    those of "recent changes" (``recent_changes``: one, and one or two per kind of object among them)."""
    sub_agreements = list(sub_agreements_with_goal_tree(plan, with_activities=True))
    indicators: list[Indicator] = [
        indicator for goal in strategic_goals_with_key_figures(plan) for indicator in goal.key_figures.all()
    ]
    activities: list[Activity] = []
    cards = []
    for sub_agreement in sub_agreements:
        goals = list(sub_agreement.goals.all())
        sub_indicators = [indicator for goal in goals for indicator in goal.indicators.all()]
        sub_activities = list(sub_agreement.activities.all())
        indicators.extend(sub_indicators)
        activities.extend(sub_activities)
        cards.append(
            SubAgreementCard(
                sub_agreement=sub_agreement,
                progress=progress.sub_agreement_progress(sub_agreement),
                goal_count=len(goals),
                indicator_count=len(sub_indicators),
                activity_count=len(sub_activities),
            )
        )
    approvals = approval_summary(plan, today)
    return Dashboard(
        today=today,
        cards=cards,
        plan_progress=progress.plan_progress(sub_agreements),
        attention=needs_attention(indicators, activities, today),
        recent_changes=recent_changes(plan, user),
        total_budget=budget_summary(plan).total_budget,
        approvals=approvals,
        estate_homes=sum(state.estate.homes or 0 for state in approvals.estates),
        estate_residents=sum(state.estate.residents or 0 for state in approvals.estates),
    )
