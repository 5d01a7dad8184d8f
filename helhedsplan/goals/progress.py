"""How far an indicator, a goal, a delaftale and a plan have come. Computed, never typed in.

An indicator's progress is where its latest measurement lies between baseline and target: 0 at the baseline,
1 at the target, whichever way is better.

Its status is judged *as of* a day (``AsOf``): today while the plan runs, the last day of its period once that
has passed. The progress expected on that day lies on a straight line from the baseline (at the baseline date)
to the target (at the target date). The indicator is *on track* (på sporet) when its progress is at least that;
*behind* (bagud) when it is less; *no data* (ingen data) without a measurement after the baseline. Once the
period has ended the status is final: *reached* (nået) when the target was reached, else *not reached* (ikke
nået), with how far of the way it came.

A row of an indicator's measurement history is judged as of that measurement's own date (``as_of=None``).

Goals, delaftaler and the plan roll up from below: the mean progress and the mean expected progress of the
children that have data, compared the same way; a final roll-up is reached only when every child with data is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helhedsplan.core.dates import add_months
from helhedsplan.core.formatting import percent_of


class Status(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"
    #: Final statuses, once the plan's period has ended.
    REACHED = "reached"
    NOT_REACHED = "not_reached"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ON_TRACK: _("on track"),
    Status.BEHIND: _("behind"),
    Status.NO_DATA: _("no data"),
    Status.REACHED: _("final status: reached"),
    Status.NOT_REACHED: _("final status: not reached"),
}


@dataclass(frozen=True)
class AsOf:
    """The day a status is judged on, and whether that status is final."""

    #: Today while the plan runs; the last day of its period once that has passed.
    day: datetime.date
    #: The period has ended: the status is the plan's final one.
    final: bool


def status_as_of(*, today: datetime.date, period_end: datetime.date) -> AsOf:
    """The day the statuses of a plan ending on ``period_end`` are judged on, seen on ``today``."""
    return AsOf(day=min(today, period_end), final=today > period_end)


@dataclass(frozen=True)
class Progress:
    #: 0 at the baseline, 1 at the target; may lie outside [0, 1] when worse than baseline or past target.
    value: Decimal | None
    #: The progress expected on the day it is judged (the as-of day, or the measurement's own date).
    expected: Decimal | None
    status: Status

    @property
    def final(self) -> bool:
        """The plan's period has ended and this is where it came to."""
        return self.status in (Status.REACHED, Status.NOT_REACHED)

    @property
    def percent(self) -> int | None:
        """Progress in whole per cent, rounded as every percentage is (``core.formatting.percent_of``): the
        figure the dashboard, the report, the spreadsheets, the API and the portfolio all show. Below 0 when
        worse than the baseline, above 100 past the target."""
        rounded = percent_of(self.value)
        return None if rounded is None else int(rounded)

    @property
    def bar_percent(self) -> int | None:
        """``percent`` clamped to 0–100, for a progress bar."""
        return None if self.percent is None else max(0, min(100, self.percent))

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
    as_of: AsOf | None = None,
) -> Progress:
    """Where the latest value lies between baseline and target (the direction is in the sign of the span),
    judged as of ``as_of`` — or, without one, as of the latest measurement's own date (a history row)."""
    if latest_value is None or latest_date is None or latest_date <= baseline_date:
        return NO_DATA
    span = Decimal(target_value) - Decimal(baseline_value)
    if span == 0:
        return NO_DATA
    value = (Decimal(latest_value) - Decimal(baseline_value)) / span
    expected = _share_of_time(baseline_date, target_date, as_of.day if as_of else latest_date)
    return _progress(value, expected, final=bool(as_of and as_of.final))


def _progress(value: Decimal, expected: Decimal, *, final: bool = False) -> Progress:
    """Status from the same rounded figures that are shown, so the two never disagree."""
    value, expected = value.quantize(PRECISION), expected.quantize(PRECISION)
    if final:
        status = Status.REACHED if value >= 1 else Status.NOT_REACHED
    else:
        status = Status.ON_TRACK if value >= expected else Status.BEHIND
    return Progress(value=value, expected=expected, status=status)


def roll_up(children: Iterable[Progress]) -> Progress:
    """The progress of a goal, delaftale or plan from its children's.

    Final children (the period has ended) roll up to a final status: reached only when every child with data
    reached its target, so one indicator far past its target does not hide another that fell short.
    """
    # A child has no data exactly when its figures are None (NO_DATA is the only Progress without them).
    with_data = [p for p in children if p.value is not None and p.expected is not None]
    if not with_data:
        return NO_DATA
    count = Decimal(len(with_data))
    value = sum((child.value for child in with_data if child.value is not None), Decimal(0)) / count
    expected = sum((child.expected for child in with_data if child.expected is not None), Decimal(0)) / count
    if all(child.final for child in with_data):
        reached = all(child.status is Status.REACHED for child in with_data)
        value, expected = value.quantize(PRECISION), expected.quantize(PRECISION)
        return Progress(
            value=value, expected=expected, status=Status.REACHED if reached else Status.NOT_REACHED
        )
    return _progress(value, expected)


def sub_agreement_progress(sub_agreement, as_of: AsOf | None = None) -> Progress:
    """A delaftale's progress from its goals (prefetch ``goals__indicators__measurements``), as of ``as_of``
    (without one: as of today in the delaftale's plan)."""
    return roll_up(goal.progress(as_of=as_of) for goal in sub_agreement.goals.all())


def plan_progress(sub_agreements: Iterable, as_of: AsOf | None = None) -> Progress:
    """The plan's progress from its delaftaler."""
    return roll_up(sub_agreement_progress(sub_agreement, as_of) for sub_agreement in sub_agreements)


# --- When a measurement is due --------------------------------------------------------------------------------
#
# The one rule: the indicator and goal pages, the API, the dashboard's "Kræver opmærksomhed" (through
# ``Indicator.next_measurement_due`` / ``measurement_is_overdue``) and the report's "ikke målt i året" ask it.


def next_measurement_due(
    *,
    baseline_date: datetime.date,
    latest_date: datetime.date | None,
    interval_months: int,
    period_end: datetime.date,
) -> datetime.date | None:
    """When a new measurement is due: ``interval_months`` after the latest one (``latest_date``; without one,
    after the baseline).

    None when that falls after the plan's period (ending ``period_end``): measurements are due only inside it,
    so once the period is over nothing more is asked for (one missed inside the period stays overdue).
    """
    due = add_months(latest_date or baseline_date, interval_months)
    return due if due <= period_end else None


def measurement_overdue(due: datetime.date | None, on: datetime.date) -> bool:
    """Whether a measurement due on ``due`` (None: none is due) and not made is overdue on the day ``on``: the
    due day itself is still in time."""
    return due is not None and due < on


# --- How old a measurement is ---------------------------------------------------------------------------------


def whole_months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (31 Jan → 29 Feb is 0, → 1 Mar is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if add_months(start, months) > end else months


def measurement_age(measured: datetime.date, today: datetime.date) -> str:
    """How old a measurement is, in words: 'målt i dag', 'målt for 3 uger siden', 'seneste måling 14 mdr.
    gammel' (days under a week, weeks under two months, then months)."""
    days = (today - measured).days
    if days <= 0:
        return str(_("measured today"))
    if days < 7:
        return ngettext("measured %(n)d day ago", "measured %(n)d days ago", days) % {"n": days}
    months = whole_months_between(measured, today)
    if months < 2:
        weeks = days // 7
        return ngettext("measured %(n)d week ago", "measured %(n)d weeks ago", weeks) % {"n": weeks}
    return ngettext("latest measurement %(n)d month old", "latest measurement %(n)d months old", months) % {
        "n": months
    }
