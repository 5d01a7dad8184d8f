"""Danish formats, in one place: 31.200.000 kr., 31,2 mio. kr., 39 %, 12,5 — and dates.

Numbers: money, shares and measured values, where the product needs more control (rounding, 'mio. kr.') than
``floatformat`` gives.

Dates have two forms, from Django's Danish locale, and every page uses them through the template filters
``long_date`` / ``short_date`` / ``long_datetime`` / ``short_datetime`` (``core.templatetags.helhedsplan``):

- the long form, "1. januar 2022", everywhere people read a date: in sentences, headings, facts and the
  measurement table's rows;
- the short form, "01.01.2022", only in dense tables where a date is secondary to the figures beside it (the
  indicators' baseline/latest/target dates, activity periods, incident lists, the estates' decisions).
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

THOUSANDS = "."
DECIMAL = ","
MINUS = "−"  # a real minus sign reads better than a hyphen and screen readers say 'minus'


def _group(digits: str) -> str:
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return THOUSANDS.join(parts)


def format_number(value, decimals: int | None = None) -> str:
    """12.345,5 — thousands grouped with '.', decimals after ','. ``decimals=None`` drops trailing zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{abs(number):.{decimals}f}"
    else:
        text = format(abs(number).normalize(), "f")
    whole, _sep, fraction = text.partition(".")
    result = _group(whole) + (DECIMAL + fraction if fraction else "")
    return (MINUS + result) if number < 0 and Decimal(text) != 0 else result


def format_kr(value, decimals: int = 0) -> str:
    """31.200.000 kr."""
    if value is None:
        return ""
    return _("%(amount)s kr.") % {"amount": format_number(value, decimals)}


def format_mio_kr(value) -> str:
    """31,2 mio. kr. — millions with up to two decimals, trailing zeros dropped (4,62 / 31,2 / 19,05)."""
    if value is None:
        return ""
    millions = (Decimal(str(value)) / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _("%(amount)s mio. kr.") % {"amount": format_number(millions)}


def percent_of(fraction, decimals: int = 0) -> Decimal | None:
    """0.6375 → Decimal('64'): a fraction in per cent, rounded half up to ``decimals`` places.

    The one rounding of a percentage: the pages, the report and its PDF, the spreadsheets, the API and the
    portfolio all round through here, so the same figure shows the same digits everywhere (a spreadsheet stores
    ``percent_of(...) / 100`` with a format of as many decimals).
    """
    if fraction is None or fraction == "":
        return None
    return (Decimal(str(fraction)) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_percent(fraction, decimals: int = 0) -> str:
    """0.3894 → '39 %' (Danish puts a space before the per cent sign), rounded by ``percent_of``."""
    rounded = percent_of(fraction, decimals)
    if rounded is None:
        return ""
    return f"{format_number(rounded, decimals)} %"


_MIO = re.compile(r"\s*(mio\.?|millioner|million)\s*$", re.IGNORECASE)
_KR = re.compile(r"\s*(kr\.?|dkk)\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_danish_number(text: str) -> Decimal:
    """Read a number as Danes write it: '31.200.000', '31.200.000,00', '4,62 mio.', '12,5', '1 155 000 kr.'.

    A comma is the decimal separator; dots are thousands separators, except a lone dot that is not followed by
    groups of three digits (``12.5``), which is read as a decimal point. Raises ``ValueError`` when unreadable.
    """
    cleaned = str(text).strip().replace("\u00a0", " ").replace(MINUS, "-")
    cleaned = _KR.sub("", cleaned)
    factor = Decimal(1)
    if _MIO.search(cleaned):
        factor = Decimal(1_000_000)
        cleaned = _MIO.sub("", cleaned)
    cleaned = _KR.sub("", cleaned).replace(" ", "")
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("+-")
    if not cleaned or not re.fullmatch(r"[\d.,]+", cleaned) or cleaned.count(",") > 1:
        raise ValueError(text)
    if "," in cleaned:
        whole, fraction = cleaned.split(",")
        if "." in whole and not _GROUPED.match(whole):
            raise ValueError(text)
        cleaned = whole.replace(".", "") + "." + fraction
    elif cleaned.count(".") > 1 or _GROUPED.match(cleaned):
        if not _GROUPED.match(cleaned):
            raise ValueError(text)
        cleaned = cleaned.replace(".", "")
    try:
        number = Decimal(cleaned) * factor
    except InvalidOperation as error:
        raise ValueError(text) from error
    return -number if negative else number


def _local(value):
    """A datetime in the plan's time zone (a date as it is)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


# A day (not a moment) in the active language's format, kept once made: Django looks the format up anew for every
# date (``get_format`` through the language's format modules), and a report writes hundreds of them.
@functools.lru_cache(maxsize=8192)
def _long_day(day: datetime.date, language: str | None) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@functools.lru_cache(maxsize=8192)
def _short_day(day: datetime.date, language: str | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@receiver(setting_changed)
def _forget_days(**kwargs) -> None:
    """A test that changes a format setting reads it at once (as ``get_format`` forgets its own cache)."""
    _long_day.cache_clear()
    _short_day.cache_clear()


def format_date(value) -> str:
    """1. januar 2022 — the date as pages write it."""
    if value in (None, ""):
        return ""
    if type(value) is datetime.date:
        return _long_day(value, get_language())
    return formats.date_format(_local(value), "DATE_FORMAT")


def format_short_date(value) -> str:
    """01.01.2022 — only in dense tables."""
    if value in (None, ""):
        return ""
    if type(value) is datetime.date:
        return _short_day(value, get_language())
    return formats.date_format(_local(value), "SHORT_DATE_FORMAT")


def format_datetime(value) -> str:
    """1. januar 2022 14:05 — a moment (a change, an incident), in the plan's time zone."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value), "DATETIME_FORMAT")


def format_short_datetime(value) -> str:
    """01.01.2022 14:05 — a moment in a dense table."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value), "SHORT_DATETIME_FORMAT")
