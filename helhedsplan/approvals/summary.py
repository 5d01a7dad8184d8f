"""'n af N godkendt' as of any date, computed from rows already read (``selectors`` reads them): an estate
counts as approved on a day when one of its decisions approved the plan on or before that day.

The political and funder steps are read the same way (``step_states``): the estates' own step takes its status
from the estate decisions — one source — and a step whose expected date has passed while it is not done is
overdue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from operator import attrgetter

from helhedsplan.plans.models import Estate

from .models import ApprovalStep, EstateDecision


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

    def is_overdue(self, as_of: datetime.date) -> bool:
        """Still pending although the decision was expected before ``as_of``."""
        return (
            self.result == EstateDecision.Result.PENDING
            and self.expected_date is not None
            and self.expected_date < as_of
        )


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

    @property
    def overdue(self) -> list[EstateState]:
        """Estates still pending whose decision was expected before the summary's day, the longest overdue
        first."""
        late = [state for state in self.estates if state.is_overdue(self.as_of)]
        return sorted(late, key=lambda state: (state.expected_date, state.estate.name))

    @property
    def notes(self) -> dict[str, int]:
        """The estates' decision notes, each text once, numbered in the order of the estates (many estates share
        one note, such as the seed's sentence on the 18 approvals): note → its number."""
        numbered: dict[str, int] = {}
        for state in self.estates:
            if state.decision is not None and state.decision.note and state.decision.note not in numbered:
                numbered[state.decision.note] = len(numbered) + 1
        return numbered

    @property
    def counts(self) -> list[ApprovalCount]:
        return approval_counts(self)

    @property
    def expected_date(self) -> datetime.date | None:
        """When the last pending estates are expected to decide (the seed's "endeligt godkendt den 4. november
        2021")."""
        return max((s.expected_date for s in self.pending if s.expected_date), default=None)

    @property
    def last_approval_date(self) -> datetime.date | None:
        """When the last of the approving estates approved (the day the estates' step was done)."""
        return max((s.decision.date for s in self.approved if s.decision and s.decision.date), default=None)


@dataclass(frozen=True)
class ApprovalCount:
    """'n af N godkendt' on a day an estate approved, with the estates that had not approved by then."""

    date: datetime.date
    approved: int
    total: int
    waiting: list[EstateState]


def approval_counts(summary: ApprovalSummary) -> list[ApprovalCount]:
    """The count on each day the approvals changed, oldest first: each count names its own date (the seed's
    "18 af 19 pr. 27. september 2021"), never the day the summary is read on."""
    dates = sorted({s.decision.date for s in summary.approved if s.decision and s.decision.date})
    counts = []
    for day in dates:
        done = [s for s in summary.approved if s.decision and s.decision.date and s.decision.date <= day]
        counts.append(
            ApprovalCount(
                date=day,
                approved=len(done),
                total=summary.total,
                waiting=[s for s in summary.estates if s not in done],
            )
        )
    return counts


@dataclass(frozen=True)
class StepState:
    """A political or funder step as of a day: its status (read from the estates for their own step) and
    whether its expected date has passed without it being done."""

    step: ApprovalStep
    #: An ApprovalStep.Status value, never FROM_ESTATES.
    status: str
    date: datetime.date | None
    date_is_expected: bool
    #: For the estates' step: the estates' summary its status is read from ("n af N godkendt").
    estates: ApprovalSummary | None
    overdue: bool

    @property
    def status_label(self) -> str:
        return str(ApprovalStep.Status(self.status).label)

    @property
    def follows_estates(self) -> bool:
        return self.estates is not None


def step_state(step: ApprovalStep, summary: ApprovalSummary) -> StepState:
    """``step`` as of ``summary.as_of``; the estates' step reads its status from ``summary``."""
    status, date, expected = step.status, step.date, step.date_is_expected
    estates = None
    if step.status == ApprovalStep.Status.FROM_ESTATES:
        estates = summary
        if summary.all_approved:
            status, date, expected = ApprovalStep.Status.DONE, summary.last_approval_date, False
        else:
            status = ApprovalStep.Status.PENDING
    overdue = (
        status not in (ApprovalStep.Status.DONE, ApprovalStep.Status.REJECTED)
        and expected
        and date is not None
        and date < summary.as_of
    )
    return StepState(step, status, date, expected, estates, bool(overdue))


def step_states(steps: list[ApprovalStep], summary: ApprovalSummary) -> list[StepState]:
    return [step_state(step, summary) for step in steps]


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
