"""The indicator chart: measurements against baseline and target over the plan's period, as inline SVG.

Drawn by hand (a template of lines, a polyline and circles) rather than with pygal: pygal's SVG carries an
embedded ``<style>`` element and ``style=""`` attributes, which the site's Content-Security-Policy
(``style-src 'self'``) blocks, so its chart would render unstyled or invisible. Here every colour comes from
classes in ``static/css/goals.css``, no script is involved, and the geometry is plain, testable Python.

Coordinates are handed to the template as preformatted strings: Django localises numbers in templates, and a
Danish decimal comma inside an SVG attribute would break the drawing.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helhedsplan.core.formatting import format_date, format_number

WIDTH = 640
HEIGHT = 300
LEFT = 72  # room for the value labels
RIGHT = 16
TOP = 16
BOTTOM = 36  # room for the year labels


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Tick:
    position: str
    label: str


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class Line:
    x1: str
    y1: str
    x2: str
    y2: str


@dataclass(frozen=True)
class IndicatorChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    baseline: Line
    target: Line
    #: The straight way from baseline to target: a measurement on or beyond it is on track.
    expected: Line
    points: list[Point]
    title: str
    description: str

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round values (…, 10, 20, 25, 50, …) from at or below ``low`` to at or above ``high``."""
    if high == low:
        low, high = low - 1, high + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks, value = [], first
    while value <= last + step / 1000:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _label(value: float) -> str:
    return format_number(Decimal(str(value)))


def _day(day: datetime.date) -> str:
    return format_date(day)


def indicator_chart(indicator, measurements: Sequence, plan) -> IndicatorChart:
    """The chart of ``indicator``'s ``measurements`` (in date order) over the plan's period; a suppressed figure
    has no value and no point."""
    measurements = [m for m in measurements if m.value is not None]
    dates = [m.date for m in measurements]
    start = min([plan.start_date, indicator.baseline_date, *dates])
    end = max([plan.end_date, indicator.target_date, *dates])
    values = [
        float(indicator.baseline_value),
        float(indicator.target_value),
        *(float(m.value) for m in measurements),
    ]
    y_ticks = nice_ticks(min(values), max(values))
    y_low, y_high = y_ticks[0], y_ticks[-1]

    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    days = max((end - start).days, 1)

    def x(day: datetime.date) -> float:
        return LEFT + (day - start).days / days * (plot_right - LEFT)

    def y(value) -> float:
        return plot_bottom - (float(value) - y_low) / (y_high - y_low) * (plot_bottom - TOP)

    def across(value) -> Line:
        return Line(_coordinate(LEFT), _coordinate(y(value)), _coordinate(plot_right), _coordinate(y(value)))

    year_starts = [datetime.date(year, 1, 1) for year in range(start.year, end.year + 2)]
    x_ticks = [Tick(_coordinate(x(day)), str(day.year)) for day in year_starts if start <= day <= end]
    unit = indicator.unit
    points = [
        Point(
            _coordinate(x(m.date)),
            _coordinate(y(m.value)),
            _("%(value)s %(unit)s on %(date)s")
            % {"value": format_number(m.value), "unit": unit, "date": _day(m.date)},
        )
        for m in measurements
    ]
    return IndicatorChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=plot_right,
        top=TOP,
        bottom=plot_bottom,
        x_ticks=x_ticks,
        y_ticks=[Tick(_coordinate(y(value)), _label(value)) for value in y_ticks],
        baseline=across(indicator.baseline_value),
        target=across(indicator.target_value),
        expected=Line(
            _coordinate(x(indicator.baseline_date)),
            _coordinate(y(indicator.baseline_value)),
            _coordinate(x(indicator.target_date)),
            _coordinate(y(indicator.target_value)),
        ),
        points=points,
        title=_("%(name)s: measurements against baseline and target") % {"name": indicator.name},
        description=_describe(indicator, measurements),
    )


def _describe(indicator, measurements: Sequence) -> str:
    """The chart in words, for screen readers (the table below the chart has every value)."""
    unit = indicator.unit
    text = _(
        "Baseline %(baseline)s %(unit)s on %(baseline_date)s; target %(target)s %(unit)s by %(target_date)s."
    ) % {
        "baseline": format_number(indicator.baseline_value),
        "baseline_date": _day(indicator.baseline_date),
        "target": format_number(indicator.target_value),
        "target_date": _day(indicator.target_date),
        "unit": unit,
    }
    if not measurements:
        return f"{text} {_('No measurements yet.')}"
    latest = measurements[-1]
    return " ".join(
        [
            text,
            ngettext(
                "%(count)d measurement: %(value)s %(unit)s on %(date)s.",
                "%(count)d measurements; the latest is %(value)s %(unit)s on %(date)s.",
                len(measurements),
            )
            % {
                "count": len(measurements),
                "value": format_number(latest.value),
                "unit": unit,
                "date": _day(latest.date),
            },
        ]
    )
