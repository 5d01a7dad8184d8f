"""How far an indicator, a goal, a delaftale and a plan have come. Computed, never typed in.

An indicator's progress is where its latest measurement lies between baseline and target: 0 at the baseline,
1 at the target, whichever way is better. It is *on track* (på sporet) when that progress is at least the share
of the way from the baseline date to the target date that had passed when the measurement was taken; *behind*
(bagud) when it is less; *no data* (ingen data) without a measurement after the baseline.

Goals, delaftaler and the plan roll up from below: the mean progress and the mean expected progress of the
children that have data, compared the same way.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ON_TRACK: _("on track"),
    Status.BEHIND: _("behind"),
    Status.NO_DATA: _("no data"),
}


@dataclass(frozen=True)
class Progress:
    #: 0 at the baseline, 1 at the target; may lie outside [0, 1] when worse than baseline or past target.
    value: Decimal | None
    #: The progress expected by the date of the latest measurement.
    expected: Decimal | None
    status: Status

    @property
    def percent(self) -> int | None:
        """Progress in whole per cent, clamped to 0–100 for bars."""
        if self.value is None:
            return None
        return int(max(Decimal(0), min(Decimal(1), self.value)) * 100)

    @property
    def label(self) -> str:
        return self.status.label


PRECISION = Decimal("0.0001")

NO_DATA = Progress(value=None, expected=None, status=Status.NO_DATA)


def _share_of_time(start: datetime.date, end: datetime.date, at: datetime.date) -> Decimal:
    total = (end - start).days
    if total <= 0:
        return Decimal(1)
    elapsed = (at - start).days
    return max(Decimal(0), min(Decimal(1), Decimal(elapsed) / Decimal(total)))


def indicator_progress(
    *,
    baseline_value: Decimal,
    baseline_date: datetime.date,
    target_value: Decimal,
    target_date: datetime.date,
    latest_value: Decimal | None,
    latest_date: datetime.date | None,
) -> Progress:
    """Where the latest value lies between baseline and target (the direction is in the sign of the span)."""
    if latest_value is None or latest_date is None or latest_date <= baseline_date:
        return NO_DATA
    span = Decimal(target_value) - Decimal(baseline_value)
    if span == 0:
        return NO_DATA
    value = (Decimal(latest_value) - Decimal(baseline_value)) / span
    expected = _share_of_time(baseline_date, target_date, latest_date)
    return _progress(value, expected)


def _progress(value: Decimal, expected: Decimal) -> Progress:
    """Status from the same rounded figures that are shown, so the two never disagree."""
    value, expected = value.quantize(PRECISION), expected.quantize(PRECISION)
    return Progress(
        value=value, expected=expected, status=Status.ON_TRACK if value >= expected else Status.BEHIND
    )


def roll_up(children: Iterable[Progress]) -> Progress:
    """The progress of a goal, delaftale or plan from its children's."""
    # A child has no data exactly when its figures are None (NO_DATA is the only Progress without them).
    with_data = [(p.value, p.expected) for p in children if p.value is not None and p.expected is not None]
    if not with_data:
        return NO_DATA
    count = Decimal(len(with_data))
    value = sum((child_value for child_value, _expected in with_data), Decimal(0)) / count
    expected = sum((child_expected for _value, child_expected in with_data), Decimal(0)) / count
    return _progress(value, expected)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sub_agreement_progress(sub_agreement) -> Progress:
    """A delaftale's progress from its goals (prefetch ``goals__indicators__measurements``)."""
    return roll_up(goal.progress() for goal in sub_agreement.goals.all())


def plan_progress(sub_agreements: Iterable) -> Progress:
    """The plan's progress from its delaftaler."""
    return roll_up(sub_agreement_progress(sub_agreement) for sub_agreement in sub_agreements)
