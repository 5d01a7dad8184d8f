"""The benchmark of the spreadsheet import (issue 21): the Amager plan, a file of N measurement rows (its
indicators × days in the period), dry-run and applied as the plan's coordinator; each timed and its queries
counted, twice the same way (everything rolled back between).

    DATABASE_URL=sqlite:////tmp/import-bench.sqlite3 .venv/bin/python scripts/benchmark_import.py --rows 2000

With ``--extract``: a Beboerdata extract instead (point 4), for every estate of the plan (Amager: 19) × 22 topics
× 10 years (2016-2025). The plan's estates get made-up numbers, and every entry of the catalogue of its period
(21) an indicator picked from it, with a baseline in 2016 so every year is inside what a figure may cover; the
22nd topic is not in the catalogue (its rows are refused and listed). That set-up is rolled back with the rest.

The database is the one DATABASE_URL names: use a scratch one (it is migrated and filled).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from contextlib import contextmanager  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from helhedsplan.goals.models import Indicator, Measurement  # noqa: E402
from helhedsplan.imports.columns import MEASUREMENT_COLUMNS  # noqa: E402
from helhedsplan.imports.services import import_preview_apply, import_preview_create  # noqa: E402
from helhedsplan.planfiles.demo import AMAGER_FILE, AMAGER_SLUG  # noqa: E402
from helhedsplan.planfiles.importer import import_plan  # noqa: E402
from helhedsplan.plans.models import Membership, Plan  # noqa: E402


def the_plan_and_its_coordinator():
    plan = Plan.objects.filter(slug=AMAGER_SLUG).first() or import_plan(AMAGER_FILE)
    user, _created = get_user_model()._default_manager.get_or_create(username="bench-import")
    if not Membership.objects.filter(plan=plan, user=user).exists():
        Membership.objects.create(
            plan=plan, user=user, role="coordinator", organisation=plan.organisations.order_by("pk").first()
        )
    return plan, user


def a_file(plan: Plan, rows: int) -> bytes:
    """``rows`` new values: every goal indicator of the plan on as many days as it takes, none on a day that
    already has a measurement."""
    indicators = list(Indicator.objects.in_plan(plan).filter(goal__isnull=False).order_by("pk"))
    taken = set(Measurement.objects.in_plan(plan).values_list("indicator_id", "date"))
    with translation.override("da"):
        headers = {c.key: str(c.header) for c in MEASUREMENT_COLUMNS}
    book = Workbook()
    sheet = book.active
    sheet.append([headers["indicator"], headers["unit"], headers["value"], headers["date"], headers["note"]])
    day, written = plan.start_date, 0
    while written < rows:
        for indicator in indicators:
            if written == rows:
                break
            if (indicator.pk, day) in taken:
                continue
            sheet.append(
                [indicator.pk, indicator.unit, f"{written % 97},5", day.strftime("%d.%m.%Y"), "Optælling"]
            )
            written += 1
        day += datetime.timedelta(days=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: The extract's years and the topic no indicator is picked for.
EXTRACT_YEARS = range(2016, 2026)
UNKNOWN_TOPIC = "eksempel-ukendt-emne"


def prepare_extract(plan: Plan) -> tuple[list[str], list[str]]:
    """Number the plan's estates and pick an indicator from every catalogue entry of its period (inside the
    caller's transaction, rolled back after); (the estates' numbers, the topics' codes)."""
    from helhedsplan.agreements.models import StrategicGoal
    from helhedsplan.goals.services import key_figure_create
    from helhedsplan.periods.models import CatalogueIndicator

    numbers = []
    for index, estate in enumerate(plan.estates.order_by("pk"), start=1):
        estate.number = f"{900 + index}"
        estate.save(update_fields=["number"])
        numbers.append(estate.number)
    linked = set(Indicator.objects.in_plan(plan).values_list("catalogue_entry_id", flat=True))
    goal = StrategicGoal.objects.filter(plan=plan).order_by("pk").first()
    entries = list(CatalogueIndicator.objects.filter(period=plan.funding_period).order_by("pk"))
    for entry in entries:
        if entry.pk in linked:
            continue
        key_figure_create(
            strategic_goal=goal,
            data={
                "catalogue_entry": entry,
                "name": entry.name,
                "unit": entry.unit,
                "direction": entry.direction or "higher",  # a descriptive topic has none
                "baseline_value": 10,
                "baseline_date": datetime.date(EXTRACT_YEARS[0], 1, 1),
                "target_value": 5 if entry.direction == "lower" else 20,
                "target_date": plan.end_date,
                "measurement_interval_months": 12,
            },
            actor=None,
        )
    return numbers, [entry.code for entry in entries] + [UNKNOWN_TOPIC]


def an_extract(numbers: list[str], topics: list[str]) -> bytes:
    """Every estate × topic × year, one in 17 cells suppressed ("." as the extracts write it)."""
    lines = ["Afdelingsnummer;År;Emne;Værdi"]
    cell = 0
    for number in numbers:
        for topic in topics:
            for year in EXTRACT_YEARS:
                cell += 1
                lines.append(f"{number};{year};{topic};{'.' if cell % 17 == 0 else f'{cell % 89},5'}")
    return "\n".join(lines).encode()


class Counter:
    """Counts every statement sent to the database (Django's query log keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.count


@contextmanager
def counted():
    counter = Counter()
    with connection.execute_wrapper(counter):
        yield counter


def run(plan: Plan, user, content: bytes | None) -> None:
    """Dry run and apply ``content`` (None: an extract, made inside the rolled-back transaction)."""
    with transaction.atomic():
        name = "bench.xlsx"
        if content is None:
            numbers, topics = prepare_extract(plan)
            content, name = an_extract(numbers, topics), "udtraek.csv"
            print(f"extract: {len(numbers)} estates × {len(topics)} topics × {len(EXTRACT_YEARS)} years")
        with counted() as queries:
            started = time.perf_counter()
            preview = import_preview_create(plan=plan, file_name=name, content=content, actor=user)
            dry = time.perf_counter() - started
        dry_queries = len(queries)
        outcomes: dict[str, int] = {}
        for row in preview.rows:
            outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
        with counted() as queries:
            started = time.perf_counter()
            applied = import_preview_apply(preview=preview, actor=user)
            apply = time.perf_counter() - started
        print(
            f"dry run: {dry:.2f} s, {dry_queries} queries, rows {outcomes} · "
            f"apply: {apply:.2f} s, {len(queries)} queries, {applied.created} created"
        )
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument(
        "--extract", action="store_true", help="a Beboerdata extract: estates × 22 topics × 10 years"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    plan, user = the_plan_and_its_coordinator()
    content = None if args.extract else a_file(plan, args.rows)
    if content is not None:
        print(f"{args.rows} rows, {len(content):,} bytes")
    for _attempt in range(2):
        run(plan, user, content)


if __name__ == "__main__":
    main()
