"""``manage.py benchmark_versions`` measures and leaves the database as it was."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from helhedsplan.plans.models import Plan
from helhedsplan.versions.models import PlanVersion

pytestmark = pytest.mark.django_db


def test_it_times_snapshot_and_diff_for_both_sizes_with_the_same_queries_and_rolls_back():
    before = (Plan.objects.count(), PlanVersion.objects.count())
    out = StringIO()
    call_command("benchmark_versions", "--scale", "3", "--runs", "1", stdout=out)
    text = out.getvalue()
    sizes = [int(n) for n in re.findall(r"(\d+) objects in the agreement", text)]
    assert len(sizes) == 2 and sizes[1] > 2 * sizes[0]  # the larger plan is larger
    queries = re.findall(r"(snapshot \+ SHA-256|diff against the approved) .* (\d+) queries", text)
    assert len(queries) == 4
    by_kind: dict[str, set[str]] = {}
    for kind, count in queries:
        by_kind.setdefault(kind, set()).add(count)
    assert all(len(counts) == 1 for counts in by_kind.values()), text  # the same for both sizes
    assert (Plan.objects.count(), PlanVersion.objects.count()) == before
