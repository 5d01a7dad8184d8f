"""The one frozen-record machinery (``core.frozen``): how a stored value is compared."""

from __future__ import annotations

from helhedsplan.core.frozen import columns, differs


def test_a_json_value_is_compared_as_a_value_whatever_its_key_order():
    assert not differs({"b": "2", "a": "1"}, {"a": "1", "b": "2"})
    assert differs({"a": "1"}, {"a": "2"})
    assert not differs([1, 2], [1, 2])


def test_other_values_compare_as_text_and_empty_as_empty():
    assert not differs(None, "")
    assert not differs(3, "3")
    assert differs("a", "b")


def test_update_may_name_a_foreign_key_by_its_field_or_its_column():
    assert columns(["answered_by_id"]) == {"answered_by_id", "answered_by"}
