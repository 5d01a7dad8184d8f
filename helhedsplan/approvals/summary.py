"""'n af N godkendt' as of any date: an estate counts as approved on a day when one of its decisions approved
the plan on or before that day."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import Prefetch

from helhedsplan.plans.models import Estate, Plan

from .models import EstateDecision


@dataclass(frozen=True)
class EstateState:
    estate: Estate
    result: str  # an EstateDecision.Result value, as of the date
    decision: EstateDecision | None  # the decision that settles it, or the pending one
    expected_date: datetime.date | None

    @property
    def result_label(self) -> str:
        """The result in words, as the pages show it."""
        return str(EstateDecision.Result(self.result).label)


@dataclass(frozen=True)
class ApprovalSummary:
    as_of: datetime.date
    estates: list[EstateState]

    @property
    def total(self) -> int:
        return len(self.estates)

    def _with(self, result: str) -> list[EstateState]:
        return [state for state in self.estates if state.result == result]

    @property
    def approved(self) -> list[EstateState]:
        return self._with(EstateDecision.Result.APPROVED)

    @property
    def rejected(self) -> list[EstateState]:
        return self._with(EstateDecision.Result.REJECTED)

    @property
    def pending(self) -> list[EstateState]:
        return self._with(EstateDecision.Result.PENDING)

    @property
    def approved_count(self) -> int:
        return len(self.approved)

    @property
    def all_approved(self) -> bool:
        return self.total > 0 and self.approved_count == self.total


def estate_state(estate: Estate, decisions: list[EstateDecision], as_of: datetime.date) -> EstateState:
    decided = sorted(
        (d for d in decisions if d.result != EstateDecision.Result.PENDING and d.date and d.date <= as_of),
        key=attrgetter("date"),  # every decision kept has a date
    )
    approvals = [d for d in decided if d.result == EstateDecision.Result.APPROVED]
    if approvals:
        return EstateState(estate, EstateDecision.Result.APPROVED, approvals[-1], None)
    if decided:
        return EstateState(estate, EstateDecision.Result.REJECTED, decided[-1], None)
    upcoming = [d for d in decisions if d not in decided]
    expected = min((day for d in upcoming if (day := d.expected_date or d.date) is not None), default=None)
    return EstateState(estate, EstateDecision.Result.PENDING, upcoming[0] if upcoming else None, expected)


def approval_summaries(plans: Iterable[Plan], on: datetime.date) -> dict[int, ApprovalSummary]:
    """The summary of each plan as of ``on``, keyed by plan id: two queries however many plans and estates.

    The estates come with their housing association and their plan, the decisions with their estate, so pages
    link to them and check permissions without a query per row.
    """
    plan_ids = [plan.pk for plan in plans]
    estates = (
        Estate.objects.filter(plan_id__in=plan_ids)
        .select_related("housing_association", "plan")
        .prefetch_related(Prefetch("decisions", queryset=EstateDecision.objects.order_by("body", "pk")))
    )
    states: dict[int, list[EstateState]] = {plan_id: [] for plan_id in plan_ids}
    for estate in estates:
        states[estate.plan_id].append(estate_state(estate, list(estate.decisions.all()), on))
    return {
        plan_id: ApprovalSummary(as_of=on, estates=estate_states) for plan_id, estate_states in states.items()
    }


def approval_summary(plan: Plan, on: datetime.date) -> ApprovalSummary:
    """One plan's summary as of ``on``: two queries (the estates, their decisions)."""
    return approval_summaries([plan], on)[plan.pk]
