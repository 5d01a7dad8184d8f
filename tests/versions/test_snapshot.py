"""A version's snapshot and what changed: canonical bytes, only the agreement, never a contact, and a diff that
knows a rename from a removal (Hypothesis over the plan's fields and over snapshots)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhedsplan.agreements.models import StrategicAgreement
from helhedsplan.core.personal import personal_fields
from helhedsplan.goals.models import Goal, Indicator, Measurement
from helhedsplan.preparedness.models import Contact
from helhedsplan.versions.diff import diff, word_diff
from helhedsplan.versions.snapshot import SECTIONS, build_snapshot, canonical_bytes
from helhedsplan.versions.summary import label_fields
from tests.goals.factories import MeasurementFactory

pytestmark = pytest.mark.django_db

DB_EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1, max_size=80).filter(
    lambda s: s.strip()
)


def _rolled_back(test):
    """Run ``test`` in a transaction that is undone: each example starts from the same plan."""
    with transaction.atomic():
        test()
        transaction.set_rollback(True)


def test_the_snapshot_of_an_unchanged_plan_is_the_same_bytes_twice(
    amager_plan, django_assert_max_num_queries
):
    first = canonical_bytes(build_snapshot(amager_plan))
    # One query per part of every section (17 parts) and one for an activity's goals — whatever the size.
    parts = sum(len(section.parts) for section in SECTIONS)
    with django_assert_max_num_queries(parts + 1):
        second = canonical_bytes(build_snapshot(amager_plan))
    assert first == second
    assert json.loads(first)["plan"] == amager_plan.pk
    assert b" " not in first.replace(b'" ', b"").split(b'"sections"')[0]  # no whitespace between tokens


def test_every_object_carries_its_id_and_the_agreement_is_in_it(amager_plan):
    snapshot = build_snapshot(amager_plan)
    goals = snapshot["sections"]["sub_agreements"]["goals"]
    assert {goal["id"] for goal in goals} == set(
        Goal.objects.in_plan(amager_plan).values_list("pk", flat=True)
    )
    for section in snapshot["sections"].values():
        for objects in section.values():
            assert all("id" in obj for obj in objects)
    indicators = snapshot["sections"]["sub_agreements"]["indicators"]
    assert indicators and all({"baseline_value", "target_value"} <= obj.keys() for obj in indicators)


@given(title=TEXT)
@DB_EXAMPLES
def test_a_rename_is_one_change(amager_plan, title):
    goal = Goal.objects.in_plan(amager_plan).order_by("pk").first()
    if title == goal.title:
        return

    def rename():
        before = build_snapshot(amager_plan)
        Goal.objects.filter(pk=goal.pk).update(title=title)
        changes = diff(before, build_snapshot(amager_plan), label_fields=label_fields())
        assert [(c.part, c.object_id, c.kind, c.field, c.old, c.new) for c in changes] == [
            ("goals", goal.pk, "changed", "title", goal.title, title)
        ]
        assert changes[0].label == (title if len(title) < 60 else title[:59] + "…")

    _rolled_back(rename)


@given(value=st.decimals(min_value=-10_000, max_value=10_000, places=2), note=st.text(max_size=40))
@DB_EXAMPLES
def test_recording_progress_changes_no_snapshot(amager_plan, value, note):
    indicator = Indicator.objects.in_plan(amager_plan).order_by("pk").first()
    taken = set(Measurement.objects.filter(indicator=indicator).values_list("date", flat=True))
    day = next(
        d
        for d in (datetime.date(2024, 6, 1) + datetime.timedelta(days=n) for n in range(400))
        if d not in taken
    )

    def measure():
        before = canonical_bytes(build_snapshot(amager_plan))
        MeasurementFactory(indicator=indicator, date=day, value=value, note=note)
        assert Measurement.objects.filter(indicator=indicator, date=day).exists()
        assert canonical_bytes(build_snapshot(amager_plan)) == before

    _rolled_back(measure)


@given(name=TEXT, phone=st.from_regex(r"\+45 [0-9]{8}", fullmatch=True))
@DB_EXAMPLES
def test_no_contact_field_is_ever_in_a_snapshot(amager_plan, name, phone):
    contact = Contact.objects.in_plan(amager_plan).order_by("pk").first()
    assert contact is not None

    def plant():
        marker = f"KONTAKT-{name}"
        Contact.objects.filter(pk=contact.pk).update(name=marker, phone=phone, email="kontakt@example.dk")
        content = canonical_bytes(build_snapshot(amager_plan)).decode("utf-8")
        assert json.dumps(marker, ensure_ascii=False)[1:-1] not in content
        assert phone not in content and "kontakt@example.dk" not in content
        for section in SECTIONS:
            for part in section.parts:
                kept = {f.name for f in part.fields()}
                assert not kept & personal_fields(part.model)

    _rolled_back(plant)


def test_follow_up_data_is_never_in_a_snapshot(amager_plan):
    snapshot = build_snapshot(amager_plan)
    parts = {part for section in snapshot["sections"].values() for part in section}
    assert not parts & {"measurements", "actual_spend", "narratives", "incidents"}
    activities = snapshot["sections"]["sub_agreements"]["activities"]
    assert activities and all("status" not in a and "participants" not in a for a in activities)


def test_a_long_text_changes_as_words(amager_plan):
    agreement = StrategicAgreement.objects.get(plan=amager_plan)
    before = build_snapshot(amager_plan)
    StrategicAgreement.objects.filter(pk=agreement.pk).update(vision=agreement.vision + " Og mere tryghed.")
    (change,) = diff(before, build_snapshot(amager_plan), label_fields=label_fields())
    assert change.field == "vision"
    assert [(w.op, w.text) for w in change.words][-1] == ("insert", "Og mere tryghed.")


# --- The diff itself, over made-up snapshots ----------------------------------------------------------------------

OBJECT = st.fixed_dictionaries(
    {"title": st.text(max_size=20), "value": st.one_of(st.none(), st.integers(), st.text(max_size=5))}
)
SNAPSHOT = st.dictionaries(st.integers(1, 30), OBJECT, max_size=8).map(
    lambda objs: {
        "format": 1,
        "sections": {"sub_agreements": {"goals": [{"id": k, **v} for k, v in sorted(objs.items())]}},
    }
)


@given(SNAPSHOT)
def test_diff_of_a_snapshot_with_itself_is_empty(snapshot):
    assert diff(snapshot, snapshot) == []
    assert diff(snapshot, json.loads(canonical_bytes(snapshot))) == []


@given(SNAPSHOT, SNAPSHOT)
def test_every_object_added_removed_or_changed_is_named_once_per_field(old, new):
    changes = diff(old, new, label_fields={"goals": "title"})
    before = {o["id"]: o for o in old["sections"]["sub_agreements"]["goals"]}
    after = {o["id"]: o for o in new["sections"]["sub_agreements"]["goals"]}
    assert {c.object_id for c in changes if c.kind == "added"} == after.keys() - before.keys()
    assert {c.object_id for c in changes if c.kind == "removed"} == before.keys() - after.keys()
    changed = {(c.object_id, c.field) for c in changes if c.kind == "changed"}
    expected = {
        (k, f)
        for k in before.keys() & after.keys()
        for f in ("title", "value")
        if before[k][f] != after[k][f]
    }
    assert changed == expected


@given(
    st.lists(st.sampled_from(["tryghed", "uddannelse", "job", "og", "for", "unge"]), max_size=20), st.data()
)
def test_a_word_diff_rebuilds_both_texts(words, data):
    other = data.draw(st.lists(st.sampled_from(["tryghed", "uddannelse", "job", "børn"]), max_size=20))
    old, new = " ".join(words), " ".join(other)
    runs = word_diff(old, new)
    assert " ".join(w.text for w in runs if w.op != "insert" and w.text) == old
    assert " ".join(w.text for w in runs if w.op != "delete" and w.text) == new
