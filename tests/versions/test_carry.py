"""A carried version's snapshot in the new database's ids (``versions.carry``): the same changes, an object gone
from the plan shown as removed, and a budget amount found by its line and year."""

from __future__ import annotations

import pytest

from helhedsplan.agreements.models import StrategicGoal
from helhedsplan.goals.models import Goal
from helhedsplan.versions.carry import NATURAL_KEYS, IdMap, translate
from helhedsplan.versions.diff import diff
from helhedsplan.versions.snapshot import SECTIONS, build_snapshot, canonical_bytes
from helhedsplan.versions.summary import label_fields

pytestmark = pytest.mark.django_db

SHIFT = 100_000


def shifted_ids(snapshot, *, leave_out=()) -> IdMap:
    """Every object and every object referred to, moved by ``SHIFT`` (as an import into another database moves
    them), but the budget's amounts and fundings (found by their key) and the objects in ``leave_out``."""
    ids = IdMap()
    natural = {}
    for section in SECTIONS:
        for part in section.parts:
            for obj in snapshot["sections"][section.key][part.key]:
                for f in part.fields():
                    if f.is_relation and obj.get(f.name) is not None:
                        ids.add(f.related_model, obj[f.name], obj[f.name] + SHIFT)
                for m2m in part.many_to_many():
                    for other in obj[m2m.name]:
                        ids.add(m2m.related_model, other, other + SHIFT)
                if part.model in NATURAL_KEYS:
                    moved = {**obj, **{n: obj[n] + SHIFT for n in NATURAL_KEYS[part.model] if n != "year"}}
                    natural.setdefault(part.model, {})[tuple(moved[n] for n in NATURAL_KEYS[part.model])] = (
                        obj["id"] + SHIFT
                    )
                elif (part.model, obj["id"]) not in leave_out:
                    ids.add(part.model, obj["id"], obj["id"] + SHIFT)
    ids.natural = natural
    for model, source_id in leave_out:
        ids.ids.get(model, {}).pop(source_id, None)
    return ids


def without_ids(changes):
    return [(c.section, c.part, c.kind, c.field, c.old, c.new) for c in changes]


def test_the_same_plan_translated_is_the_same_plan_in_new_ids(amager_plan):
    snapshot = build_snapshot(amager_plan)
    moved = translate(snapshot, plan_id=7, ids=shifted_ids(snapshot))
    assert moved["plan"] == 7
    goals = moved["sections"]["strategic_agreement"]["strategic_goals"]
    assert [g["id"] for g in goals] == sorted(
        g["id"] + SHIFT for g in snapshot["sections"]["strategic_agreement"]["strategic_goals"]
    )
    amounts = moved["sections"]["budget"]["budget_amounts"]
    assert amounts and all(a["id"] > SHIFT and a["line"] > SHIFT for a in amounts)
    # Canonical again: translating twice gives the same bytes.
    assert canonical_bytes(moved) == canonical_bytes(
        translate(snapshot, plan_id=7, ids=shifted_ids(snapshot))
    )
    assert diff(moved, moved, label_fields=label_fields()) == []


def test_two_carried_versions_differ_by_the_same_changes_as_at_the_source(amager_plan):
    old = build_snapshot(amager_plan)
    goal = StrategicGoal.objects.in_plan(amager_plan).order_by("pk").first()
    StrategicGoal.objects.filter(pk=goal.pk).update(text=goal.text + " Mindst 80 pct.")
    new = build_snapshot(amager_plan)
    ids = shifted_ids(new)
    source = diff(old, new, label_fields=label_fields())
    carried = diff(
        translate(old, plan_id=1, ids=ids), translate(new, plan_id=1, ids=ids), label_fields=label_fields()
    )
    assert without_ids(carried) == without_ids(source) and len(source) == 1
    assert carried[0].object_id == goal.pk + SHIFT


def test_an_object_gone_from_the_plan_is_removed_in_the_carried_versions(amager_plan):
    old = build_snapshot(amager_plan)
    goal = Goal.objects.filter(sub_agreement__plan=amager_plan).order_by("pk").first()
    ids = shifted_ids(old, leave_out=[(Goal, goal.pk)])  # the imported plan has no such goal any more
    moved = translate(old, plan_id=1, ids=ids)
    gone = [g for g in moved["sections"]["sub_agreements"]["goals"] if g["id"] < 0]
    assert [g["id"] for g in gone] == [-goal.pk]
    # What referred to it refers to the same removed goal.
    indicators = moved["sections"]["sub_agreements"]["indicators"]
    assert {i["goal"] for i in indicators if i["goal"] is not None and i["goal"] < 0} <= {-goal.pk}
    live = {
        **moved,
        "sections": {
            **moved["sections"],
            "sub_agreements": {
                **moved["sections"]["sub_agreements"],
                "goals": [g for g in moved["sections"]["sub_agreements"]["goals"] if g["id"] > 0],
            },
        },
    }
    removed = [c for c in diff(moved, live, label_fields=label_fields()) if c.part == "goals"]
    assert [(c.kind, c.object_id) for c in removed] == [("removed", -goal.pk)]
