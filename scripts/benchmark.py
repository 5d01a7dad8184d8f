#!/usr/bin/env python3
"""Benchmark: the main pages at national scale, served as in production, against a trivial page.

    .venv/bin/python scripts/benchmark.py [--plans 80] [--rounds 25] [--load-seconds 60]

On PostgreSQL (DATABASE_URL's server; the database ``helhedsplan_bench`` is dropped and made anew): migrates,
imports the Amager plan, makes N example plans the size of Amager (``manage.py make_example_plans``), gives one
of Amager's indicators many measurements, serves with gunicorn in production settings (3 workers) and, signed
in as a coordinator of Amager through a session cookie:

1. measures every main page and a trivial page (a signed-in 404 through the same middleware and session),
   interleaved, and prints p50 and p95 of each and their ratio to the trivial page's; the Django admin's
   busiest pages (as the coordinator, a staff user) are measured in the same rounds and printed apart;
2. a load run: 20 users, each asking for the main pages in turn with a 1 s pause, for 60 s: requests, errors
   (a status other than 200, or no answer), p50, p95 and p95's ratio to the trivial page's p95.

The goals (issue 11): every page's p50 at most 3× the trivial page's; under load 0 errors and p95 at most 10×
the trivial page's p95. Only the standard library is used (and the project's own environment for the server).
Traffic goes to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

# Run inside ``manage.py shell``: a coordinator of Amager with a session, extra measurements, the pages' URLs.
SETUP = r"""
import datetime, json
from decimal import Decimal
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.urls import NoReverseMatch, reverse
from helhedsplan.plans.models import Membership, Organisation, Plan

plan = Plan.objects.get(slug="amager-2022-2025")
user, _ = get_user_model().objects.get_or_create(username="benchmark-coordinator")
Membership.objects.get_or_create(
    user=user, plan=plan, defaults={"role": "coordinator", "organisation": plan.organisations.first()}
)
client = Client()
client.force_login(user)
session = client.cookies[settings.SESSION_COOKIE_NAME].value

from helhedsplan.goals.models import Indicator, Measurement
indicator = Indicator.objects.filter(plan=plan, goal__isnull=False).annotate(n=Count("measurements")).order_by("-n", "pk").first()
taken = set(indicator.measurements.values_list("date", flat=True))
day, extra = plan.start_date, []
while len(extra) < EXTRA and day <= plan.end_date:
    if day not in taken:
        extra.append(Measurement(indicator=indicator, date=day, value=Decimal(len(extra) % 100)))
    day += datetime.timedelta(days=3)
Measurement.objects.bulk_create(extra)

from django.db import connection
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after the bulk load, as autovacuum would give

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.budget.models import BudgetLine, FundingSource
from helhedsplan.goals.models import Goal
sub_agreement = SubAgreement.objects.filter(plan=plan).order_by("pk").first()
goal = Goal.objects.filter(sub_agreement__plan=plan).order_by("pk").first()
line = BudgetLine.objects.filter(plan=plan).order_by("pk").first()
source = FundingSource.objects.filter(plan=plan).order_by("pk").first()
s = plan.slug
pages = {}
def add(name, view, **kwargs):
    try:
        pages[name] = reverse(view, kwargs={"plan": s, **kwargs})
    except NoReverseMatch:
        pass  # a page this version of the app does not have
add("dashboard", "overview:dashboard")
add("delaftale list", "agreements:sub_agreements")
add("delaftale page", "agreements:sub_agreement", pk=sub_agreement.pk)
add("goal page", "goals:goal", pk=goal.pk)
add("indicator page (%d measurements)" % indicator.measurements.count(), "goals:indicator", pk=indicator.pk)
add("budget", "budget:overview")
add("approvals", "approvals:overview")
add("contacts", "preparedness:contacts")
add("incidents", "preparedness:incidents")
add("goal history", "history", app_label="goals", model_name="goal", pk=goal.pk)
add("budget line history", "budget:line_history", pk=line.pk)
add("funding source history", "budget:source_history", pk=source.pk)
add("change log", "overview:change_log")
add("report page (final)", "reports:report", period="slut")
add("report page (yearly)", "reports:report", period="2024")
pages["API: indicators (list)"] = "/api/plans/%s/indicators?limit=50" % s
pages["API: plans (list)"] = "/api/plans"
try:
    pages["portfolio"] = reverse("portfolio:list")
except NoReverseMatch:
    pass  # a version of the app without the portfolio
# The Django admin, as the coordinator (staff: the admin shows them their own plans only).
user.is_staff = True
user.save(update_fields=["is_staff"])
admin_pages = {}
def add_admin(name, view, *args):
    try:
        admin_pages[name] = reverse(view, args=args)
    except NoReverseMatch:
        pass
add_admin("admin: index", "admin:index")
add_admin("admin: plan change", "admin:plans_plan_change", plan.pk)
add_admin("admin: indicator change (%d measurements)" % indicator.measurements.count(), "admin:goals_indicator_change", indicator.pk)
add_admin("admin: measurement list", "admin:goals_measurement_changelist")
add_admin("admin: contact list", "admin:preparedness_contact_changelist")
trivial = reverse("overview:dashboard", kwargs={"plan": s}) + "no-such-page/"
print("BENCHMARK " + json.dumps({"session": session, "cookie": settings.SESSION_COOKIE_NAME, "pages": pages, "admin_pages": admin_pages, "trivial": trivial}))
"""


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(args[1:] if args[0] == PYTHON else args), flush=True)
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def reset_database(server_url: str, name: str) -> None:
    """Drop and create the benchmark database (through psql-free psycopg, in the project's environment)."""
    code = (
        "import psycopg, sys\n"
        "with psycopg.connect(sys.argv[1] + '/postgres', autocommit=True) as c:\n"
        "    c.execute(f'DROP DATABASE IF EXISTS {sys.argv[2]} WITH (FORCE)')\n"
        "    c.execute(f'CREATE DATABASE {sys.argv[2]}')\n"
    )
    subprocess.run([PYTHON, "-c", code, server_url, name], check=True)


class Client:
    def __init__(self, port: int, cookie: str):
        self.port = port
        self.headers = {"Cookie": cookie, "Host": "127.0.0.1", "X-Forwarded-Proto": "https"}

    def get(self, path: str) -> tuple[int, float]:
        """(status, seconds) of one GET on a fresh connection; status 0 when there was no answer."""
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0
        return status, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(client: Client, pages: dict[str, str], trivial: str, rounds: int) -> dict[str, list[float]]:
    """Every page and the trivial page ``rounds`` times, interleaved in a new random order each round."""
    times: dict[str, list[float]] = {name: [] for name in [*pages, "trivial"]}
    targets = [*pages.items(), ("trivial", trivial)]
    for _name, path in targets:  # warm up every worker's caches
        for _ in range(3):
            client.get(path)
    for _ in range(rounds):
        random.shuffle(targets)
        for name, path in targets:
            status, seconds = client.get(path)
            expected = 404 if name == "trivial" else 200
            if status != expected:
                raise SystemExit(f"{name} ({path}) answered {status}, not {expected}")
            times[name].append(seconds)
    return times


def load(client: Client, paths: list[str], users: int, pause: float, seconds: float) -> tuple[list, int]:
    """``users`` threads asking for ``paths`` in turn with ``pause`` between requests, for ``seconds``."""
    deadline = time.monotonic() + seconds
    results: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def user(offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            status, took = client.get(paths[index % len(paths)])
            index += 1
            with lock:
                results.append(took)
                if status != 200:
                    errors[0] += 1
            time.sleep(pause)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=80, help="example plans besides Amager (default 80)")
    parser.add_argument("--extra-measurements", type=int, default=250, help="added to one Amager indicator")
    parser.add_argument("--rounds", type=int, default=25, help="measurements of each page (default 25)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCHMARK_PORT", "8771")))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--server",
        default=os.environ.get("BENCHMARK_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument("--database", default="helhedsplan_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the database as the last run left it")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve without the page cache: every request reads and renders its page (the first view after a change)",
    )
    options = parser.parse_args()

    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{options.server}/{options.database}",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "off",
            "DJANGO_STATIC_ROOT": str(ROOT / "staticfiles"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_PAGE_CACHE": "off" if options.no_page_cache else "on",
        }
    )
    started = time.monotonic()
    if not options.reuse:
        reset_database(options.server, options.database)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    if not options.reuse:
        run([PYTHON, "manage.py", "import_plan", "data/amager-2022-2025.yaml"], env)
        run([PYTHON, "manage.py", "make_example_plans", "--count", str(options.plans)], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    setup = SETUP.replace("EXTRA", str(0 if options.reuse else options.extra_measurements))
    output = run([PYTHON, "manage.py", "shell", "-c", setup], env, capture_output=True, text=True).stdout
    info = json.loads(output.split("BENCHMARK ", 1)[1])
    print(f"Data ready in {time.monotonic() - started:.0f} s.", flush=True)

    # The server's own log (a warning per 404 among them) goes to a file, not between the figures.
    log = open(ROOT / "benchmark-server.log", "w")  # noqa: SIM115 (closed with the server below)
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{options.port}", "--workers", str(options.workers)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        client = Client(options.port, f"{info['cookie']}={info['session']}")
        for _ in range(100):
            if client.get(info["trivial"])[0] == 404:
                break
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer")
        report(client, info, options)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def report(client: Client, info: dict, options) -> None:
    pages: dict[str, str] = info["pages"]
    admin_pages: dict[str, str] = info.get("admin_pages", {})
    times = measure(client, {**pages, **admin_pages}, info["trivial"], options.rounds)
    trivial_p50 = statistics.median(times["trivial"])
    trivial_p95 = percentile(times["trivial"], 0.95)
    print()
    cache = "without the page cache" if options.no_page_cache else "with the page cache"
    print(
        f"Pages ({options.rounds} interleaved rounds; {options.plans} example plans besides Amager; {cache})"
    )
    print(f"{'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'p50 ÷ trivial':>14}  goal ≤ 3×")

    def table(names: list[str]) -> float:
        """A row per page (p50, p95, p50's ratio to the trivial page's); the worst ratio."""
        worst = 0.0
        for name in names:
            p50, p95 = statistics.median(times[name]), percentile(times[name], 0.95)
            ratio = p50 / trivial_p50
            worst = max(worst, ratio)
            print(
                f"{name:<44} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {ratio:13.1f}×  {'ok' if ratio <= 3 else 'OVER'}"
            )
        return worst

    worst = table(list(pages))
    print(f"{'trivial':<44} {trivial_p50 * 1000:8.1f} {trivial_p95 * 1000:8.1f} {1:13.1f}×")
    worst_admin = 0.0
    if admin_pages:
        print()
        print("The Django admin (administrators' pages; not in the load run, and never in the page cache)")
        worst_admin = table(list(admin_pages))

    results, errors = load(client, list(pages.values()), options.users, options.pause, options.load_seconds)
    p50, p95 = statistics.median(results), percentile(results, 0.95)
    print()
    print(f"Load: {options.users} users, {options.pause:g} s pause, {options.load_seconds:g} s")
    print(f"requests {len(results)}, errors {errors}, p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, ")
    print(f"p95 ÷ trivial p95 {p95 / trivial_p95:.1f}×  (goal: 0 errors and ≤ 10×)")
    print()
    print(f"Worst page p50 ÷ trivial: {worst:.1f}× (goal ≤ 3×)")
    if admin_pages:
        print(f"Worst admin page p50 ÷ trivial: {worst_admin:.1f}×")


if __name__ == "__main__":
    sys.exit(main())
