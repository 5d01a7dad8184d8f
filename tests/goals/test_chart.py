"""The indicator chart's geometry and words (the SVG itself is checked on the page and in Chromium)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from helhedsplan.goals.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, indicator_chart, nice_ticks

PLAN = SimpleNamespace(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2025, 12, 31))


def indicator(**overrides):
    values = {
        "name": "Unge uden for uddannelse og job",
        "unit": "personer",
        "baseline_value": Decimal("375"),
        "baseline_date": datetime.date(2021, 6, 30),
        "target_value": Decimal("300"),
        "target_date": datetime.date(2025, 12, 31),
    }
    return SimpleNamespace(**{**values, **overrides})


def measurement(day: datetime.date, value: str):
    return SimpleNamespace(date=day, value=Decimal(value))


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (40, 60, [40, 45, 50, 55, 60]),
        (300, 375, [300, 320, 340, 360, 380]),
        (0.2, 0.9, [0.2, 0.4, 0.6, 0.8, 1.0]),
        (7, 7, [6, 6.5, 7, 7.5, 8]),
    ],
)
def test_nice_ticks_cover_the_values_in_round_steps(low, high, expected):
    assert nice_ticks(low, high) == pytest.approx(expected)


def test_lower_is_better_chart_puts_the_target_below_the_baseline():
    chart = indicator_chart(indicator(), [measurement(datetime.date(2023, 6, 30), "340")], PLAN)

    assert float(chart.target.y1) > float(chart.baseline.y1)  # SVG y grows downwards
    # The time axis runs from the baseline (before the plan) to the plan's end.
    assert chart.x_ticks[0].label == "2022" and chart.x_ticks[-1].label == "2025"
    assert float(chart.expected.x1) == LEFT and float(chart.expected.x2) == WIDTH - RIGHT
    [point] = chart.points
    assert LEFT < float(point.x) < WIDTH - RIGHT
    assert TOP <= float(point.y) <= HEIGHT - BOTTOM
    assert chart.polyline == f"{point.x},{point.y}"


def test_points_follow_the_measurements_in_order():
    measurements = [
        measurement(datetime.date(2022, 6, 30), "44"),
        measurement(datetime.date(2023, 6, 30), "50"),
        measurement(datetime.date(2024, 6, 30), "48"),
    ]
    chart = indicator_chart(
        indicator(
            baseline_value=Decimal("40"),
            baseline_date=datetime.date(2022, 1, 1),
            target_value=Decimal("60"),
            unit="%",
        ),
        measurements,
        PLAN,
    )
    xs = [float(p.x) for p in chart.points]
    ys = [float(p.y) for p in chart.points]
    assert xs == sorted(xs)
    assert ys[1] < ys[0] and ys[2] > ys[1]  # 44 → 50 rises, 50 → 48 falls
    assert [t.label for t in chart.y_ticks] == ["40", "45", "50", "55", "60"]
    assert chart.points[1].label == "50 % den 30. juni 2023"


def test_coordinates_never_use_a_decimal_comma():
    """Django localises numbers in templates; SVG needs a point, so the chart hands over strings."""
    chart = indicator_chart(indicator(), [measurement(datetime.date(2023, 1, 15), "351.5")], PLAN)
    for value in [
        chart.baseline.y1,
        chart.expected.x2,
        *(p.x for p in chart.points),
        *(t.position for t in chart.y_ticks),
    ]:
        assert isinstance(value, str) and "," not in value


def test_measurements_outside_the_period_widen_the_axes():
    late = measurement(datetime.date(2026, 3, 31), "280")
    chart = indicator_chart(indicator(), [late], PLAN)
    assert chart.x_ticks[-1].label == "2026"
    assert float(chart.y_ticks[0].label) <= 280


def test_title_and_description_say_it_in_words():
    chart = indicator_chart(indicator(), [], PLAN)
    assert chart.title.startswith("Unge uden for uddannelse og job")
    assert "375 personer" in chart.description and "30. juni 2021" in chart.description
    assert "300 personer" in chart.description and "31. december 2025" in chart.description
    assert chart.points == [] and chart.polyline == ""

    with_one = indicator_chart(indicator(), [measurement(datetime.date(2023, 6, 30), "340")], PLAN)
    assert "340 personer" in with_one.description and "30. juni 2023" in with_one.description
