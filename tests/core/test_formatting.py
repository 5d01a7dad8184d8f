from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhedsplan.core.formatting import (
    format_kr,
    format_mio_kr,
    format_number,
    format_percent,
    parse_danish_number,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("31200000"), "31.200.000 kr."),
        (Decimal("4620000.00"), "4.620.000 kr."),
        (Decimal("0"), "0 kr."),
        (Decimal("-1155000"), "−1.155.000 kr."),
    ],
)
def test_kroner_are_grouped_with_dots(value, expected):
    assert format_kr(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("31200000"), "31,2 mio. kr."),
        (Decimal("4620000"), "4,62 mio. kr."),
        (Decimal("2910000"), "2,91 mio. kr."),
        (Decimal("19050000"), "19,05 mio. kr."),
        (Decimal("12150000"), "12,15 mio. kr."),
    ],
)
def test_millions_as_the_seed_writes_them(value, expected):
    assert format_mio_kr(value) == expected


def test_shares_in_danish_percent():
    assert format_percent(Decimal("12150000") / Decimal("31200000")) == "39 %"
    assert format_percent(Decimal("19050000") / Decimal("31200000")) == "61 %"
    assert format_percent(Decimal("0.125"), 1) == "12,5 %"


def test_numbers_use_a_decimal_comma():
    assert format_number(Decimal("12.50")) == "12,5"
    assert format_number(Decimal("1234.5"), 2) == "1.234,50"
    assert format_number(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.200.000", Decimal("31200000")),
        ("31.200.000,00", Decimal("31200000")),
        ("4,62 mio.", Decimal("4620000")),
        ("4,62 mio. kr.", Decimal("4620000")),
        ("1 155 000 kr.", Decimal("1155000")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("375", Decimal("375")),
        ("-3,5", Decimal("-3.5")),
    ],
)
def test_danish_written_numbers_are_read(text, expected):
    assert parse_danish_number(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "12a", "1,2,3", "1.23.4", "31.20.000,00", "kr."])
def test_unreadable_numbers_are_refused(text):
    with pytest.raises(ValueError):
        parse_danish_number(text)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_formatted_numbers_read_back_the_same(value):
    assert parse_danish_number(format_number(value, 2)) == value


def test_a_day_is_written_in_the_language_active_when_asked_though_kept_once_made(settings):
    """``format_date`` keeps each day's text per language and format: switching language or a format setting
    never gives the other's text."""
    import datetime

    from django.utils import translation

    from helhedsplan.core.formatting import format_date, format_short_date

    day = datetime.date(2024, 3, 12)
    with translation.override("da"):
        assert (format_date(day), format_short_date(day)) == ("12. marts 2024", "12.03.2024")
    with translation.override("en"):
        assert format_date(day) == "March 12, 2024"
    with translation.override("da"):
        assert format_date(day) == "12. marts 2024"
    settings.FORMAT_MODULE_PATH = None  # a format setting changed: what was kept is forgotten
    with translation.override("da"):
        assert format_date(day) == "12. marts 2024"
