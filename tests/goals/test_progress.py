"""Progress and status of indicators, rolled up to goal, delaftale and plan."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helhedsplan.agreements.models import FocusArea
from helhedsplan.goals import progress
from helhedsplan.goals.models import Indicator
from helhedsplan.goals.progress import NO_DATA, Progress, Status, indicator_progress, roll_up
from tests.agreements.factories import SubAgreementFactory
from tests.goals.factories import GoalFactory, IndicatorFactory, MeasurementFactory

BASELINE_DATE = datetime.date(2021, 12, 31)
TARGET_DATE = datetime.date(2025, 12, 31)
HALF_WAY = datetime.date(2023, 12, 31)  # 730 of 1461 days: expected progress 0.4997


def young_people_outside_education(latest_value, latest_date=HALF_WAY) -> Progress:
    """The seed's own indicator: 375 young people outside education and work, fewer is better."""
    return indicator_progress(
        baseline_value=Decimal(375),
        baseline_date=BASELINE_DATE,
        target_value=Decimal(300),
        target_date=TARGET_DATE,
        latest_value=None if latest_value is None else Decimal(latest_value),
        latest_date=latest_date,
    )


def share_in_work(latest_value, latest_date=HALF_WAY) -> Progress:
    """Higher is better: share of 18-64-year-olds in work, 40 % → 50 % (example figures)."""
    return indicator_progress(
        baseline_value=Decimal(40),
        baseline_date=BASELINE_DATE,
        target_value=Decimal(50),
        target_date=TARGET_DATE,
        latest_value=None if latest_value is None else Decimal(latest_value),
        latest_date=latest_date,
    )


class TestIndicatorProgress:
    def test_lower_is_better_part_of_the_way(self):
        result = young_people_outside_education(340)  # 35 of the 75 fewer
        assert result.value == Decimal("0.4667")
        assert result.expected == Decimal("0.4997")
        assert result.status is Status.BEHIND
        assert result.percent == 47  # 46,67 % rounded half up, as every percentage is

    def test_lower_is_better_on_track(self):
        result = young_people_outside_education(335)
        assert result.value == Decimal("0.5333")
        assert result.status is Status.ON_TRACK

    def test_higher_is_better(self):
        assert share_in_work(45).value == Decimal("0.5000")
        assert share_in_work(45).status is Status.ON_TRACK
        assert share_in_work(44).status is Status.BEHIND

    def test_exactly_as_expected_is_on_track(self):
        # A measurement on 1 Jan 2024 of the 2022-2025 period: 1461 days, 730 passed → 0.4997 expected.
        result = indicator_progress(
            baseline_value=Decimal(0),
            baseline_date=BASELINE_DATE,
            target_value=Decimal(1461),
            target_date=TARGET_DATE,
            latest_value=Decimal(730),
            latest_date=HALF_WAY,
        )
        assert result.value == result.expected
        assert result.status is Status.ON_TRACK

    def test_status_agrees_with_the_rounded_figures_shown(self):
        # 200,00 of 200,01 on the target date is shown as 100 % of 100 % expected: that is on track, even though
        # the unrounded progress (0,99995) lies a hair below. Found by hypothesis.
        result = indicator_progress(
            baseline_value=Decimal(0),
            baseline_date=datetime.date(2000, 1, 1),
            target_value=Decimal("200.01"),
            target_date=datetime.date(2000, 1, 2),
            latest_value=Decimal("200.00"),
            latest_date=datetime.date(2000, 1, 2),
        )
        assert (result.value, result.expected) == (Decimal(1), Decimal(1))
        assert result.status is Status.ON_TRACK

    def test_worse_than_baseline_is_negative_and_behind(self):
        result = young_people_outside_education(390)
        assert result.value == Decimal("-0.2000")
        assert result.status is Status.BEHIND
        assert (result.percent, result.bar_percent) == (-20, 0)  # shown as it is; the bar stops at 0

    def test_beyond_the_target(self):
        result = young_people_outside_education(270, latest_date=TARGET_DATE)
        assert result.value == Decimal("1.4000")
        assert result.expected == Decimal(1)
        assert result.status is Status.ON_TRACK
        assert (result.percent, result.bar_percent) == (140, 100)

    def test_after_the_target_date_the_whole_way_is_expected(self):
        result = share_in_work(49, latest_date=datetime.date(2026, 6, 30))
        assert result.expected == Decimal(1)
        assert result.status is Status.BEHIND

    @pytest.mark.parametrize(
        ("latest_value", "latest_date"),
        [(None, None), (None, HALF_WAY), (Decimal(340), None), (Decimal(340), BASELINE_DATE)],
    )
    def test_no_measurement_after_the_baseline_is_no_data(self, latest_value, latest_date):
        result = young_people_outside_education(latest_value, latest_date)
        assert result == NO_DATA
        assert result.status is Status.NO_DATA
        assert result.percent is None

    def test_measurement_before_the_baseline_is_no_data(self):
        assert young_people_outside_education(340, datetime.date(2021, 6, 30)) == NO_DATA

    def test_labels_are_the_statuses_in_words(self):
        assert young_people_outside_education(335).label == str(progress.STATUS_LABELS[Status.ON_TRACK])
        assert young_people_outside_education(340).label == str(progress.STATUS_LABELS[Status.BEHIND])
        assert NO_DATA.label == str(progress.STATUS_LABELS[Status.NO_DATA])
        assert len({Status.ON_TRACK.label, Status.BEHIND.label, Status.NO_DATA.label}) == 3


class TestRollUp:
    def test_mean_of_the_children_with_data(self):
        on_track = young_people_outside_education(335)  # 0.5333 / 0.4997
        behind = share_in_work(42)  # 0.2000 / 0.4997
        result = roll_up([on_track, behind, NO_DATA])
        # (0.5333 + 0.2000) / 2 = 0.36665, rounded half to even; NO_DATA is left out, not counted as 0.
        assert result.value == Decimal("0.3666")
        assert result.expected == Decimal("0.4997")
        assert result.status is Status.BEHIND

    def test_children_ahead_make_up_for_children_behind(self):
        result = roll_up([young_people_outside_education(320), share_in_work(44)])  # 0.7333 and 0.4
        assert result.value == Decimal("0.5666")  # (0.7333 + 0.4000) / 2, rounded half to even
        assert result.status is Status.ON_TRACK

    @pytest.mark.parametrize("children", [[], [NO_DATA], [NO_DATA, NO_DATA]])
    def test_no_children_with_data_is_no_data(self, children):
        assert roll_up(children) == NO_DATA

    def test_accepts_a_generator(self):
        assert roll_up(p for p in [share_in_work(45)]).value == Decimal("0.5000")


class TestAddMonths:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (datetime.date(2022, 1, 31), 1, datetime.date(2022, 2, 28)),
            (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
            (datetime.date(2022, 11, 15), 2, datetime.date(2023, 1, 15)),
            (datetime.date(2021, 12, 31), 12, datetime.date(2022, 12, 31)),
            (datetime.date(2022, 6, 30), 0, datetime.date(2022, 6, 30)),
        ],
    )
    def test_same_day_months_later_clamped_to_month_end(self, day, months, expected):
        assert progress.add_months(day, months) == expected


# --- Properties ---------------------------------------------------------------------------------------------

values = st.decimals(min_value=-100_000, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 12, 31))
directions = st.sampled_from(["higher", "lower"])


@st.composite
def indicators(draw):
    """Baseline and target of a valid indicator: target in its direction, after the baseline."""
    direction = draw(directions)
    baseline = draw(values)
    distance = draw(st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2))
    target = baseline + distance if direction == "higher" else baseline - distance
    baseline_date = draw(dates)
    target_date = baseline_date + datetime.timedelta(days=draw(st.integers(min_value=1, max_value=3000)))
    return {
        "baseline_value": baseline,
        "baseline_date": baseline_date,
        "target_value": target,
        "target_date": target_date,
    }


def measured(indicator: dict, value: Decimal, days_after_baseline: int = 1) -> Progress:
    return indicator_progress(
        **indicator,
        latest_value=value,
        latest_date=indicator["baseline_date"] + datetime.timedelta(days=days_after_baseline),
    )


@given(indicators(), st.integers(min_value=1, max_value=5000))
def test_progress_is_zero_at_the_baseline(indicator, days):
    assert measured(indicator, indicator["baseline_value"], days).value == 0


@given(indicators(), st.integers(min_value=1, max_value=5000))
def test_progress_is_one_at_the_target_and_reaching_it_is_on_track(indicator, days):
    result = measured(indicator, indicator["target_value"], days)
    assert result.value == 1
    assert result.status is Status.ON_TRACK


@given(indicators(), values, values)
def test_progress_rises_as_the_value_moves_the_good_way(indicator, a, b):
    assume(a != b)
    higher_is_better = indicator["target_value"] > indicator["baseline_value"]
    worse, better = sorted([a, b]) if higher_is_better else sorted([a, b], reverse=True)
    assert measured(indicator, worse).value <= measured(indicator, better).value


@given(indicators(), values, st.integers(min_value=1, max_value=5000))
def test_status_follows_progress_against_expected(indicator, value, days):
    result = measured(indicator, value, days)
    assert Decimal(0) <= result.expected <= Decimal(1)
    assert result.status is (Status.ON_TRACK if result.value >= result.expected else Status.BEHIND)


@given(indicators(), values, st.integers(min_value=1, max_value=5000), st.integers(min_value=1, max_value=30))
def test_roll_up_of_equal_children_equals_the_child(indicator, value, days, count):
    child = measured(indicator, value, days)
    assert roll_up([child] * count) == child
    assert roll_up([child] * count + [NO_DATA] * count) == child


@given(st.lists(st.tuples(indicators(), values), min_size=1, max_size=8))
def test_roll_up_lies_between_its_childrens_extremes(children):
    results = [measured(indicator, value) for indicator, value in children]
    rolled = roll_up(results)
    assert min(r.value for r in results) <= rolled.value <= max(r.value for r in results)
    assert rolled.status in (Status.ON_TRACK, Status.BEHIND)


# --- The models roll up through the tree --------------------------------------------------------------------


@pytest.fixture
def education(db):
    """Uddannelse og livschancer with two goals: one with two indicators, one with none measured."""
    sub_agreement = SubAgreementFactory(focus_area=FocusArea.EDUCATION)
    reading = GoalFactory(sub_agreement=sub_agreement, title="Flere læser alderssvarende")
    outside = GoalFactory(sub_agreement=sub_agreement, title="Færre unge uden for uddannelse og job")
    school_ready = IndicatorFactory(goal=reading, baseline_value=40, target_value=60)  # higher is better
    MeasurementFactory(indicator=school_ready, date=datetime.date(2022, 12, 31), value=44)
    MeasurementFactory(indicator=school_ready, date=datetime.date(2023, 12, 31), value=52)  # latest: 0.6
    IndicatorFactory(goal=reading, baseline_value=10, target_value=20)  # not measured yet
    neet = IndicatorFactory(
        goal=outside,
        direction=Indicator.Direction.LOWER_IS_BETTER,
        baseline_value=375,
        baseline_date=BASELINE_DATE,
        target_value=300,
        target_date=TARGET_DATE,
    )
    MeasurementFactory(indicator=neet, date=HALF_WAY, value=360)  # 0.2
    return sub_agreement


#: Judged on the day of the fixture's latest measurements, while the plan (2022–2025) runs.
END_OF_2023 = progress.status_as_of(today=HALF_WAY, period_end=TARGET_DATE)


@pytest.fixture
def in_2024(monkeypatch):
    """Today is 1 January 2024, inside the plan's period."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 1, 1))


def test_indicator_uses_its_latest_measurement(education, in_2024):
    indicator = Indicator.objects.get(baseline_value=40)
    result = indicator.progress()
    assert result.value == Decimal("0.6000")
    assert result.status is Status.ON_TRACK


def test_indicator_uses_prefetched_measurements_without_queries(education, django_assert_num_queries):
    indicator = (
        Indicator.objects.select_related("plan").prefetch_related("measurements").get(baseline_value=40)
    )
    with django_assert_num_queries(0):
        assert indicator.progress().value == Decimal("0.6000")
        assert indicator.latest_measurement().value == 52


def test_unmeasured_indicator_has_no_data_and_is_due_after_the_interval(education):
    indicator = Indicator.objects.get(baseline_value=10)
    assert indicator.progress() == NO_DATA
    assert indicator.next_measurement_due() == datetime.date(2023, 1, 1)


def test_goal_rolls_up_its_indicators_with_data(education):
    reading = education.goals.get(title="Flere læser alderssvarende")
    assert reading.progress().value == Decimal("0.6000")


def test_delaftale_and_plan_roll_up_their_goals(education):
    # Goal "reading": 0.6 (expected about 0.5 on 31 Dec 2023 between 1 Jan 2022 and 31 Dec 2025);
    # goal "outside": 0.2 (expected 0.4997).
    result = progress.sub_agreement_progress(education, END_OF_2023)
    assert result.value == Decimal("0.4000")
    assert result.status is Status.BEHIND
    empty = SubAgreementFactory(plan=education.plan, focus_area=FocusArea.EMPLOYMENT)
    assert progress.sub_agreement_progress(empty, END_OF_2023) == NO_DATA
    assert progress.plan_progress([education, empty], END_OF_2023) == result


@pytest.mark.django_db
def test_no_measurement_is_due_after_the_plans_period_but_one_missed_inside_it_stays_overdue():
    # The plan runs 1 Jan 2022 – 31 Dec 2025 (the factory's period); the indicator is measured yearly.
    after_the_end = datetime.date(2026, 12, 1)
    measured_late = IndicatorFactory(measurement_interval_months=12)
    MeasurementFactory(indicator=measured_late, date=datetime.date(2025, 6, 30))
    assert measured_late.next_measurement_due() is None  # 30 June 2026 lies after the period
    assert not measured_late.measurement_is_overdue(after_the_end)

    missed = IndicatorFactory(measurement_interval_months=12)
    MeasurementFactory(indicator=missed, date=datetime.date(2024, 6, 30))
    assert missed.next_measurement_due() == datetime.date(2025, 6, 30)
    assert missed.measurement_is_overdue(after_the_end)


# --- Judged as of a day; final once the period has ended ------------------------------------------------------


def test_the_as_of_day_is_today_while_the_plan_runs_and_its_last_day_after():
    running = progress.status_as_of(today=datetime.date(2024, 3, 1), period_end=TARGET_DATE)
    assert running == progress.AsOf(day=datetime.date(2024, 3, 1), final=False)
    ended = progress.status_as_of(today=datetime.date(2026, 12, 1), period_end=TARGET_DATE)
    assert ended == progress.AsOf(day=TARGET_DATE, final=True)
    assert progress.status_as_of(today=TARGET_DATE, period_end=TARGET_DATE).final is False


def test_the_expected_progress_is_the_straight_line_at_the_as_of_day_not_at_the_measurement():
    # 45 % in work (half the way) measured mid-period: on track then, behind a year later with no new figure.
    measured_then = share_in_work(45)
    assert measured_then.status is Status.ON_TRACK
    a_year_later = indicator_progress(
        baseline_value=Decimal(40),
        baseline_date=BASELINE_DATE,
        target_value=Decimal(50),
        target_date=TARGET_DATE,
        latest_value=Decimal(45),
        latest_date=HALF_WAY,
        as_of=progress.status_as_of(today=datetime.date(2024, 12, 31), period_end=TARGET_DATE),
    )
    assert a_year_later.value == Decimal("0.5000")
    assert a_year_later.expected == Decimal("0.7502")
    assert a_year_later.status is Status.BEHIND


def test_sixty_per_cent_can_be_on_track_while_sixty_six_is_behind():
    # The legend's example: each indicator has its own line from baseline to target.
    as_of = progress.status_as_of(today=datetime.date(2024, 1, 1), period_end=TARGET_DATE)
    slow = indicator_progress(
        baseline_value=Decimal(0),
        baseline_date=BASELINE_DATE,
        target_value=Decimal(100),
        target_date=TARGET_DATE,
        latest_value=Decimal(60),
        latest_date=datetime.date(2023, 12, 1),
        as_of=as_of,
    )
    fast = indicator_progress(
        baseline_value=Decimal(0),
        baseline_date=BASELINE_DATE,
        target_value=Decimal(100),
        target_date=datetime.date(2024, 6, 30),
        latest_value=Decimal(66),
        latest_date=datetime.date(2023, 12, 1),
        as_of=as_of,
    )
    assert (slow.percent, slow.status) == (60, Status.ON_TRACK)
    assert (fast.percent, fast.status) == (66, Status.BEHIND)


AFTER_THE_END = progress.status_as_of(today=datetime.date(2026, 12, 1), period_end=TARGET_DATE)


@pytest.mark.parametrize(
    ("latest_value", "status", "label"),
    [(47, Status.NOT_REACHED, "slutstatus: ikke nået"), (50, Status.REACHED, "slutstatus: nået")],
)
def test_after_the_period_the_status_is_final(latest_value, status, label):
    result = indicator_progress(
        baseline_value=Decimal(40),
        baseline_date=BASELINE_DATE,
        target_value=Decimal(50),
        target_date=TARGET_DATE,
        latest_value=Decimal(latest_value),
        latest_date=datetime.date(2025, 6, 30),
        as_of=AFTER_THE_END,
    )
    assert result.status is status and result.final
    assert result.label == label


def test_a_final_roll_up_is_reached_only_when_every_child_is():
    reached = Progress(value=Decimal("1.5"), expected=Decimal(1), status=Status.REACHED)
    short = Progress(value=Decimal("0.6"), expected=Decimal(1), status=Status.NOT_REACHED)
    assert roll_up([reached, short]).status is Status.NOT_REACHED  # the mean, 1.05, would hide the shortfall
    assert roll_up([reached, reached, NO_DATA]).status is Status.REACHED
    assert roll_up([short, NO_DATA]).percent == 60


def test_models_judge_as_of_the_plans_end_once_it_has_passed(education, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 12, 1))
    indicator = Indicator.objects.get(baseline_value=40)
    assert indicator.status_as_of() == progress.AsOf(day=indicator.plan.end_date, final=True)
    assert indicator.progress().status is Status.NOT_REACHED
    assert progress.sub_agreement_progress(education).status is Status.NOT_REACHED
    # A row of the measurement history is still judged on its own date.
    assert indicator.progress(at=indicator.latest_measurement()).status is Status.ON_TRACK


# --- How old the latest measurement is ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measured", "words"),
    [
        (datetime.date(2026, 12, 1), "målt i dag"),
        (datetime.date(2026, 11, 30), "målt for 1 dag siden"),
        (datetime.date(2026, 11, 10), "målt for 3 uger siden"),
        (datetime.date(2026, 10, 2), "målt for 8 uger siden"),
        (datetime.date(2026, 10, 1), "seneste måling 2 mdr. gammel"),
        (datetime.date(2025, 10, 1), "seneste måling 14 mdr. gammel"),
    ],
)
def test_the_age_of_a_measurement_in_words(measured, words):
    assert progress.measurement_age(measured, datetime.date(2026, 12, 1)) == words
