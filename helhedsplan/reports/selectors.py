"""Reads for the plan's dashboard — headline figures, how each delaftale is going, what needs attention, what
changed lately — in a fixed number of queries. Rows come back with their plan (joined), so links and
permission checks on them never fetch it again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats
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
from helhedsplan.budget.models import BudgetLine
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.core.formatting import format_number
from helhedsplan.goals import progress
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Plan, PlanContent

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


# --- Recent changes -------------------------------------------------------------------------------------------


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


def _budget_line(record) -> str:
    where = record.sub_agreement.get_focus_area_display() if record.sub_agreement_id else _("Shared")
    text = f"{where} · {record.get_category_display()}"
    return f"{text} · {record.description}" if record.description else text


def _estate_decision(record) -> str:
    return f"{record.estate.name} · {record.get_body_display()} · {record.get_result_display()}"


@dataclass(frozen=True)
class Tracked:
    model: type[PlanContent]
    #: Relations the label reads, joined into the one query per model.
    select_related: tuple[str, ...]
    #: Names the change from its record (simple_history's historical model, which has no types).
    label: Callable[[Any], str]


#: What the dashboard's "recent changes" follows: the plan's content that people edit on these pages.
#: Personal data (the emergency plan's contacts) and memberships are left out on purpose.
TRACKED: tuple[Tracked, ...] = (
    Tracked(StrategicAgreement, (), lambda record: _("Strategic agreement")),
    Tracked(StrategicGoal, (), _focus_area),
    Tracked(SubAgreement, (), _focus_area),
    Tracked(SubAgreementParty, ("organisation", "sub_agreement"), _party),
    Tracked(Goal, (), lambda record: record.title),
    Tracked(Indicator, (), lambda record: record.name),
    Tracked(Measurement, ("indicator",), _measurement),
    Tracked(Activity, (), lambda record: record.name),
    Tracked(BudgetLine, ("sub_agreement",), _budget_line),
    Tracked(EstateDecision, ("estate",), _estate_decision),
    Tracked(ApprovalStep, (), lambda record: record.title),
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

    @property
    def kind_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.kind]


def recent_changes(plan: Plan, limit: int = 10) -> list[RecentChange]:
    """The newest ``limit`` changes to the plan's content, newest first.

    One query per tracked model (its newest ``limit`` records, with the user and what the label needs joined,
    and whether the object still exists), then merged here — so the count never grows with the history.
    """
    changes: list[RecentChange] = []
    for tracked in TRACKED:
        model = tracked.model
        records = (
            # Each tracked model declares its own ``history`` (simple_history's manager); PlanContent does not.
            model.history.filter(**{model.plan_lookup: plan})  # type: ignore[attr-defined]
            .select_related("history_user", *tracked.select_related)
            .annotate(still_exists=Exists(model.objects.filter(pk=OuterRef("id"))))
            .order_by("-history_date", "-history_id")[:limit]
        )
        for record in records:
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
            changes.append(
                RecentChange(
                    when=record.history_date,
                    user=record.history_user,
                    kind=record.history_type,
                    model_label=str(model._meta.verbose_name),
                    label=tracked.label(record),
                    history_url=url,
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


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
    #: The day the statuses are judged on: today, or the period's last day once it has ended (then final).
    as_of: progress.AsOf
    cards: list[SubAgreementCard]
    plan_progress: progress.Progress
    attention: Attention
    recent_changes: list[RecentChange]
    total_budget: Decimal
    approvals: ApprovalSummary
    #: The estates' homes and residents added up, for a plan that does not state its own.
    estate_homes: int
    estate_residents: int


def dashboard(plan: Plan, today: datetime.date) -> Dashboard:
    """Everything the dashboard shows of ``plan`` on ``today``, in a number of queries that does not grow with
    the plan: five for the goal tree, two for the key figures, five for the budget, two for the approvals and
    one per model that "recent changes" follows."""
    as_of = progress.status_as_of(today=today, period_end=plan.end_date)
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
                progress=progress.sub_agreement_progress(sub_agreement, as_of),
                goal_count=len(goals),
                indicator_count=len(sub_indicators),
                activity_count=len(sub_activities),
            )
        )
    approvals = approval_summary(plan, today)
    return Dashboard(
        today=today,
        as_of=as_of,
        cards=cards,
        plan_progress=progress.plan_progress(sub_agreements, as_of),
        attention=needs_attention(indicators, activities, today),
        recent_changes=recent_changes(plan),
        total_budget=budget_summary(plan).total_budget,
        approvals=approvals,
        estate_homes=sum(state.estate.homes or 0 for state in approvals.estates),
        estate_residents=sum(state.estate.residents or 0 for state in approvals.estates),
    )
