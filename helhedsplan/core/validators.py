"""Bounds every value the app takes must keep, whatever the field: dates within sane years, text without
control characters; and, for text that must say something (a comment), a character one can see.

A date in year 1 is a valid Python date, but PostgreSQL stores it as a BC timestamp that later reads fail on,
and SQLite's time zone conversion overflows on it; a vertical tab pasted from Word is valid text, but no
spreadsheet (XML) may hold it. These rules are the models' (``core.constraints.dates_in_bounds`` and
``core.models.CleanInput``), so forms, the admin, services and the plan-file importer all refuse the same way.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: The first and last day any date of a plan may fall on: far wider than any plan, far narrower than Python's.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
#: The same bounds for a time (in UTC): from the first moment of EARLIEST_DATE to before the day after LATEST_DATE.
EARLIEST_TIME = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
END_OF_TIME = datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC)

DATE_OUT_OF_BOUNDS = _("Write a date between the years 1900 and 2100.")
CONTROL_CHARACTERS_MESSAGE = _(
    "Remove the invisible control characters (often pasted from Word). Tabs and line breaks are fine."
)

#: C0 controls except tab, line feed and carriage return; DEL and the C1 controls; lone surrogates; the two
#: non-characters XML refuses.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def date_in_bounds(value: datetime.date | datetime.datetime | None) -> bool:
    """Whether ``value`` (a date, or a naive or aware time; None is not a date to judge) lies in the bounds."""
    if value is None:
        return True
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=datetime.UTC)
        try:
            value = value.astimezone(datetime.UTC)
        except OverflowError:  # year 1 in a time zone east of UTC
            return False
        return EARLIEST_TIME <= value < END_OF_TIME
    if isinstance(value, datetime.date):
        return EARLIEST_DATE <= value <= LATEST_DATE
    return True


def validate_date_in_bounds(value) -> None:
    if not date_in_bounds(value):
        raise ValidationError(DATE_OUT_OF_BOUNDS, code="date_out_of_bounds")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def validate_no_control_characters(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def without_control_characters(text: str) -> str:
    """``text`` with its control characters removed: for writers (a spreadsheet) that must never fail."""
    return CONTROL_CHARACTERS.sub("", text)


#: The Unicode categories of characters one can see: letters, numbers, punctuation and symbols. Not: separators
#: (spaces of every width), marks on their own (a combining accent over nothing), format characters (the
#: zero-width space's neighbours: zero-width joiners, the BOM, direction marks), controls, private use, unassigned.
VISIBLE_CATEGORIES = frozenset("LNPS")
#: Letters and symbols by category that nevertheless show nothing: the Hangul fillers and the blank Braille cell.
BLANK_DESPITE_CATEGORY = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_visible(character: str) -> bool:
    """Whether ``character`` shows as something, judged by its Unicode category (not by ``str.isspace``: the
    zero-width space and the BOM are not spaces to Python, yet show nothing)."""
    return (
        unicodedata.category(character)[0] in VISIBLE_CATEGORIES and character not in BLANK_DESPITE_CATEGORY
    )


def has_visible_character(text: str | None) -> bool:
    return any(is_visible(character) for character in text or "")


@deconstructible
class VisibleText:
    """A field validator: the text must hold at least one visible character (``is_visible``), with the
    field's own message (a comment's: "Write the comment.")."""

    code = "no_visible_character"

    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, value) -> None:
        if isinstance(value, str) and not has_visible_character(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisibleText) and self.message == other.message

    def __hash__(self) -> int:
        return hash((type(self), str(self.message)))
