"""What changed between two snapshots: section, object, field, old → new.

Pure: it reads two snapshots (``versions.snapshot``) and no database. Objects are matched by their id, so a
renamed goal is one change of its title, not a removal and an addition. A long text's change carries a word
diff (``words``) that the pages show with what was taken out and put in.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

#: A text at least this long (or with a line break) is shown as a word diff.
LONG_TEXT = 60

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Word:
    """A run of words of a word diff: kept (``equal``), taken out (``delete``) or put in (``insert``)."""

    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True)
class Change:
    section: str
    part: str
    object_id: int
    #: What names the object (its title, name …), as in the newer snapshot (the older one for a removal).
    label: str
    kind: Kind
    #: The field changed; empty for an object added or removed.
    field: str = ""
    old: Any = None
    new: Any = None
    words: tuple[Word, ...] = ()


def _is_long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) >= LONG_TEXT or "\n" in value)


def word_diff(old: str, new: str) -> tuple[Word, ...]:
    """The words of ``old`` and ``new`` as kept, deleted and inserted runs (spaces between words normalised)."""
    a, b = old.split(), new.split()
    words: list[Word] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            words.append(Word("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            words.append(Word("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            words.append(Word("insert", " ".join(b[j1:j2])))
    return tuple(words)


def _label(obj: dict[str, Any], label_field: str) -> str:
    value = obj.get(label_field)
    text = "" if value is None else str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"


def diff(
    old: dict[str, Any], new: dict[str, Any], *, label_fields: dict[str, str] | None = None
) -> list[Change]:
    """Every change from ``old`` to ``new``, in the sections' and parts' order of ``new`` (then ``old``'s), each
    part's objects in id order, each object's fields in name order."""
    label_fields = label_fields or {}
    changes: list[Change] = []
    old_sections, new_sections = old.get("sections", {}), new.get("sections", {})
    for section in dict.fromkeys([*new_sections, *old_sections]):
        old_parts, new_parts = old_sections.get(section, {}), new_sections.get(section, {})
        for part in dict.fromkeys([*new_parts, *old_parts]):
            label_field = label_fields.get(part, "id")
            before = {obj["id"]: obj for obj in old_parts.get(part, [])}
            after = {obj["id"]: obj for obj in new_parts.get(part, [])}
            for object_id in sorted(before.keys() | after.keys()):
                was, now = before.get(object_id), after.get(object_id)
                if was is None:
                    assert now is not None
                    changes.append(Change(section, part, object_id, _label(now, label_field), "added"))
                elif now is None:
                    changes.append(Change(section, part, object_id, _label(was, label_field), "removed"))
                else:
                    label = _label(now, label_field)
                    for name in sorted(was.keys() | now.keys()):
                        a, b = was.get(name), now.get(name)
                        if a == b:
                            continue
                        texts = all(isinstance(v, str) or v is None for v in (a, b))
                        long = _is_long(a) or _is_long(b)
                        words = word_diff(a or "", b or "") if texts and long else ()
                        changes.append(Change(section, part, object_id, label, "changed", name, a, b, words))
    return changes
