"""Text that must say something holds a character one can see, judged by Unicode category, not ``strip()``."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.core.validators import VisibleText, has_visible_character

INVISIBLE = [
    "",
    "   ",
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "\u200b\ufeff\u200d\u2060\u00a0\u3000",  # zero-width joiner, word joiner, no-break and ideographic spaces
    "\u200e\u200f",  # direction marks
    "\u0301",  # a combining accent over nothing
    "\u3164",  # Hangul filler: a "letter" that shows nothing
    "\u2800",  # the blank Braille cell
    "\n\t ",
]
VISIBLE = ["a", "Æ", "7", ".", "€", "✓", "\u200b ok \ufeff", "é", "日本"]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_text_is_refused_with_the_fields_message(text):
    assert not has_visible_character(text)
    with pytest.raises(ValidationError) as refused:
        VisibleText("Skriv kommentaren.")(text)
    assert refused.value.messages == ["Skriv kommentaren."]


@pytest.mark.parametrize("text", VISIBLE)
def test_text_with_a_visible_character_passes(text):
    assert has_visible_character(text)
    VisibleText("Skriv kommentaren.")(text)
