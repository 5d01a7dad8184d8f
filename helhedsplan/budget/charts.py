"""The budget-against-actual chart as plain geometry for a server-rendered SVG template.

A hand-made SVG (rather than pygal) needs no inline <style>, which the Content-Security-Policy blocks, and lets the
template give every bar its value in words. The chart only draws; the figures come from ``summary``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from helhedsplan.core.formatting import format_number

from .summary import BudgetSummary

WIDTH = 640
HEIGHT = 300
MARGIN_LEFT = 88
MARGIN_RIGHT = 16
MARGIN_TOP = 28
MARGIN_BOTTOM = 40
BAR_GAP = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Decimal | None
    label: str  # the value in millions, drawn above the bar

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def label_y(self) -> float:
        return self.y - 6


@dataclass(frozen=True)
class YearGroup:
    year: int
    budget: Bar
    actual: Bar
    label_x: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BudgetActualChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline_y: int
    groups: list[YearGroup]
    ticks: list[Tick]


def millions(value: Decimal) -> str:
    """7.800.000 → '7,8': bar and axis labels are in millions; the axis title says 'mio. kr.'."""
    return format_number((Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.01")))


def _nice_top(value: Decimal) -> Decimal:
    """A round top for the axis: the next whole million above ``value`` (or half a million for small budgets)."""
    if value <= 0:
        return Decimal(1_000_000)
    step = Decimal(1_000_000) if value > 2_000_000 else Decimal(500_000)
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def budget_actual_chart(summary: BudgetSummary) -> BudgetActualChart:
    years = summary.years
    values = [summary.budget_by_year.get(y, Decimal(0)) for y in years]
    values += [summary.actual_by_year.get(y) or Decimal(0) for y in years]
    top = _nice_top(max(values, default=Decimal(0)))
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    baseline = HEIGHT - MARGIN_BOTTOM
    slot = plot_width / max(len(years), 1)
    bar_width = min(56.0, (slot - 4 * BAR_GAP) / 2)

    def bar(x: float, value: Decimal | None) -> Bar:
        height = float((value or 0) / top) * plot_height
        return Bar(
            x=round(x, 1),
            y=round(baseline - height, 1),
            width=round(bar_width, 1),
            height=round(height, 1),
            value=value,
            label=millions(value) if value is not None else "",
        )

    groups = []
    for index, year in enumerate(years):
        centre = MARGIN_LEFT + slot * index + slot / 2
        groups.append(
            YearGroup(
                year=year,
                budget=bar(centre - BAR_GAP / 2 - bar_width, summary.budget_by_year.get(year)),
                actual=bar(centre + BAR_GAP / 2, summary.actual_by_year.get(year)),
                label_x=round(centre, 1),
            )
        )
    ticks = [
        Tick(y=round(baseline - plot_height * step / 4, 1), label=millions(top * step / 4))
        for step in range(5)
    ]
    return BudgetActualChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=MARGIN_LEFT,
        plot_right=WIDTH - MARGIN_RIGHT,
        baseline_y=baseline,
        groups=groups,
        ticks=ticks,
    )
