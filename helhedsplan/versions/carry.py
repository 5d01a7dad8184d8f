"""A version carried to another database (a plan file's versions): its snapshot in the new database's ids.

A snapshot names every object by its database id (``snapshot._read_part``: ``id``, a foreign key's column, a
many-to-many's list of ids), and a plan imported elsewhere gets new ids; read as it was, a carried version would
differ from the imported plan in every object. ``translate`` rewrites a carried snapshot with an ``IdMap`` — for
each model, the source id → the new id, as the importer made them — generically, from the parts' fields
(``Part.fields()`` and ``Part.many_to_many()``, each relation by its ``related_model``):

- an object (or a reference to one) found in the map gets its new id;
- a budget amount and a year's funding, which a plan file names by their line or source and year rather than an
  id (``NATURAL_KEYS``), are found by that key among the new plan's rows (its live snapshot);
- an object the plan no longer has gets the negative of its source id: distinct, never a real row's, and the
  same in every carried version, so a diff shows it removed where it went.

The result is canonical again (objects in id order, a many-to-many's ids sorted). The carried bytes and their
SHA-256 are kept apart (``PlanVersion.carried_sha256``), so the record stays verifiable; the stored snapshot is
the translated one with its own hash. Pure: no query.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from helhedsplan.budget.models import BudgetAmount, Funding

from .snapshot import SECTIONS, Part

#: The parts a plan file names by a key of their parent and a year, not by an id of their own.
NATURAL_KEYS: dict[type[models.Model], tuple[str, ...]] = {
    BudgetAmount: ("line", "year"),
    Funding: ("source", "year"),
}


@dataclass
class IdMap:
    """Source id → new id, per model; and the new rows of ``NATURAL_KEYS``' models by their key."""

    ids: dict[type[models.Model], dict[int, int]] = field(default_factory=dict)
    natural: dict[type[models.Model], dict[tuple[Any, ...], int]] = field(default_factory=dict)

    def add(self, model: type[models.Model], source_id: int, new_id: int) -> None:
        self.ids.setdefault(model, {})[source_id] = new_id

    def learn_natural_keys(self, live_snapshot: Mapping[str, Any]) -> None:
        """The new plan's rows of ``NATURAL_KEYS``' models, by their key, from its live snapshot."""
        for section in SECTIONS:
            for part in section.parts:
                key = NATURAL_KEYS.get(part.model)
                if key is None:
                    continue
                for obj in live_snapshot.get("sections", {}).get(section.key, {}).get(part.key, []):
                    self.natural.setdefault(part.model, {})[tuple(obj[name] for name in key)] = obj["id"]

    def new_id(self, model: type[models.Model], source_id: int) -> int:
        """The new id of a referenced object; the negative of its source id when the plan no longer has it."""
        found = self.ids.get(model, {}).get(source_id)
        return found if found is not None else -source_id


def _translate_object(part: Part, obj: Mapping[str, Any], ids: IdMap) -> dict[str, Any]:
    result = dict(obj)
    for f in part.fields():
        if f.is_relation and result.get(f.name) is not None:
            result[f.name] = ids.new_id(f.related_model, result[f.name])  # type: ignore[arg-type]
    for m2m in part.many_to_many():
        result[m2m.name] = sorted(ids.new_id(m2m.related_model, i) for i in result.get(m2m.name, []))  # type: ignore[arg-type]
    source_id = obj["id"]
    found = ids.ids.get(part.model, {}).get(source_id)
    if found is None and part.model in NATURAL_KEYS:
        key = tuple(result[name] for name in NATURAL_KEYS[part.model])
        found = ids.natural.get(part.model, {}).get(key)
    result["id"] = found if found is not None else -source_id
    return result


def translate(snapshot: Mapping[str, Any], *, plan_id: int, ids: IdMap) -> dict[str, Any]:
    """The carried ``snapshot`` in the new database's ids (see the module's docstring)."""
    result = copy.deepcopy(dict(snapshot))
    result["plan"] = plan_id
    sections = result.get("sections", {})
    for section in SECTIONS:
        stored = sections.get(section.key)
        if stored is None:
            continue
        for part in section.parts:
            if part.key in stored:
                objects = [_translate_object(part, obj, ids) for obj in stored[part.key]]
                stored[part.key] = sorted(objects, key=lambda obj: obj["id"])
    return result
