"""``manage.py benchmark_versions``: a version's snapshot and diff, for the Amager plan and a plan ten times its size.

Not a test: a measurement to read (issue 20's benchmark). In one transaction that is rolled back at the end, so
the database is left as it was, it imports the Amager plan file twice — as it is, and with every list of the
agreement multiplied (``--scale``, default 10: goals with their indicators, activities with their milestones,
strategic goals' key figures, budget lines, approval steps, the emergency plan's contacts and action cards) — changes one target in each, and times, for each plan (median and slowest of ``--runs``, after one
warm-up):

- the snapshot: ``versions.snapshot.build_snapshot``, its canonical bytes and SHA-256, as submitting a version
  makes it;
- the diff: the approved version against the live plan, as the page "Ændringer siden godkendt version N" reads it
  (``versions.selectors.changes_since_approved``);

each with its number of queries, which must not grow with the plan's size. Goal: under 0.5 s for Amager.
"""

from __future__ import annotations

import copy
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from helhedsplan.goals.models import Indicator
from helhedsplan.planfiles.importer import import_plan, read
from helhedsplan.versions.selectors import changes_since_approved
from helhedsplan.versions.snapshot import build_snapshot, canonical_bytes, sha256_hex

AMAGER_FILE = Path(settings.BASE_DIR) / "data" / "amager-2022-2025.yaml"


def _copies(items: list[dict[str, Any]], scale: int, rename: dict[str, str]) -> list[dict[str, Any]]:
    """``scale`` copies of each item, the copies' naming fields suffixed (``rename``: field → how the copies'
    values are told apart), so every rule of uniqueness holds."""
    made = []
    for item in items:
        made.append(item)
        for number in range(2, scale + 1):
            twin = copy.deepcopy(item)
            for name in rename:
                if twin.get(name):
                    twin[name] = f"{twin[name]} ({number})"
            made.append(twin)
    return made


def scaled(data: dict[str, Any], *, scale: int, slug: str) -> dict[str, Any]:
    """The plan file ``data`` under ``slug``, its agreement ``scale`` times as large."""
    data = copy.deepcopy(data)
    data["plan"]["slug"] = slug
    data["plan"]["name"] = f"{data['plan']['name']} ×{scale}"
    if scale == 1:
        return data
    for sub in data.get("sub_agreements", []):
        goal_copies: dict[str, list[str]] = {}
        goals = []
        for goal in sub.get("goals", []):
            goals.append(goal)
            goal_copies[goal["title"]] = []
            for number in range(2, scale + 1):
                twin = copy.deepcopy(goal)
                twin["title"] = f"{goal['title']} ({number})"
                goal_copies[goal["title"]].append(twin["title"])
                goals.append(twin)
        sub["goals"] = goals
        activities = []
        for activity in sub.get("activities", []):
            activities.append(activity)
            for number in range(2, scale + 1):
                twin = copy.deepcopy(activity)
                twin["name"] = f"{activity['name']} ({number})"
                # Each copy serves the copies of its goals with the same number.
                twin["goals"] = [f"{title} ({number})" for title in activity.get("goals", [])]
                activities.append(twin)
        sub["activities"] = activities
    for goal in data.get("strategic_goals", []):
        if goal.get("key_figures"):
            goal["key_figures"] = _copies(goal["key_figures"], scale, {"name": ""})
    budget = data.get("budget", {})
    if budget.get("lines"):
        budget["lines"] = _copies(budget["lines"], scale, {"description": ""})
    if data.get("approval_steps"):
        steps = _copies(data["approval_steps"], scale, {"title": ""})
        for order, step in enumerate(steps, start=1):
            step["order"] = order
        data["approval_steps"] = steps
    # The emergency plan's contacts and action cards (its escalation levels stay: the cards name them).
    preparedness = data.get("preparedness_plan") or {}
    for key, naming in (("contacts", "role"), ("action_cards", "scenario")):
        if preparedness.get(key):
            preparedness[key] = _copies(preparedness[key], scale, {naming: ""})
    return data


class Command(BaseCommand):
    help = "Time a version's snapshot and diff for the Amager plan and a plan ten times its size."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=int, default=10, help="how many times Amager's size (default 10)")
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")

    def handle(self, *args, scale: int, runs: int, **options) -> None:
        source = read(AMAGER_FILE)
        with translation.override("da"), transaction.atomic():
            for factor in (1, scale):
                plan = import_plan(scaled(source, scale=factor, slug=f"benchmark-versions-{factor}x"))
                self._measure(plan, factor, runs)
            transaction.set_rollback(True)  # the database as it was

    def _measure(self, plan, factor: int, runs: int) -> None:
        # A change to the agreement: one target moved, so the diff has something to find.
        indicator = Indicator.objects.filter(plan=plan, goal__isnull=False).order_by("pk")[:1].get()
        indicator.target_value = (indicator.target_value or Decimal(0)) + 1
        indicator.save()
        objects = sum(
            len(objects)
            for section in build_snapshot(plan)["sections"].values()
            for objects in section.values()
        )

        def snapshot() -> None:
            sha256_hex(canonical_bytes(build_snapshot(plan)))

        def diff() -> None:
            changes = changes_since_approved(plan)
            assert changes.rows, "the moved target is a change"

        self.stdout.write(f"{plan.name}: {objects} objects in the agreement")
        for name, run in (("snapshot + SHA-256", snapshot), ("diff against the approved", diff)):
            run()  # warm-up
            times, queries = [], 0
            for _run in range(runs):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    run()
                    times.append(time.perf_counter() - started)
                queries = len(captured.captured_queries)
            self.stdout.write(
                f"  {name:<26} median {statistics.median(times):6.3f} s   slowest {max(times):6.3f} s   "
                f"{queries} queries"
            )
