"""'n af N godkendt' as of any date, computed from rows already read (``selectors`` reads them): an estate
counts as approved on a day when one of its decisions approved the plan on or before that day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from operator import attrgetter

from helhedsplan.plans.models import Estate

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
