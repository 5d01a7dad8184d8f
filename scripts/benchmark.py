#!/usr/bin/env python3
"""Benchmark: the main pages at national scale, served as in production, as users meet them, against a trivial page.

    .venv/bin/python scripts/benchmark.py [--plans 80] [--rounds 25] [--users 20] [--write-share 0.15]
                                          [--load-seconds 60] [--reuse]

On PostgreSQL (DATABASE_URL's server; the database ``helhedsplan_bench`` is dropped and made anew): migrates,
imports the Amager plan, makes N example plans the size of Amager (``manage.py make_example_plans``), gives one
of Amager's indicators many measurements, makes the users (below), serves with gunicorn in production settings
(3 workers; the shared cache as configured: Redis with ``REDIS_URL``, else the database cache) and measures,
each figure beside a trivial page's (a signed-in 404 through the same middleware and session) in the same rounds:

1. every main page and the Django admin's busiest pages, as a coordinator of Amager, interleaved: p50, p95 and
   p50's ratio to the trivial page's;
2. the portfolio of Landsbyggefonden's reviewer, who sees every plan (through LBF's organisation-wide grant), and
   of a member of one plan: p50 of each, the ratio to the trivial page's and of all plans to one;
3. the first read after a save: Amager's coordinator records a measurement (a POST), then reads the dashboard, the
   reviewer's portfolio and the report page — the first read after the save (the plan's kept figures are
   computed anew) and the next one (kept);
4. a load run: ``--users`` distinct users (coordinators and editors of different plans, and reviewers of
   Landsbyggefonden), each with their own session, each asking for their own plan's main pages (a reviewer: the
   portfolio too) in turn with a 1 s pause, and a share of writes (``--write-share``: a measurement of their own
   plan) for 60 s: requests, writes, errors (an unexpected status, or no answer), p50, p95 and p95's ratio to the
   trivial page's p95;
5. the shared cache's hit rate for the plans' kept figures (``overview.readmodel``; counted while the server runs
   with ``DJANGO_READMODEL_STATS=on``).

The goals (issue 22): the first read of every main page p50 ≤ 6× (the report page ≤ 10×); the reviewer's
portfolio over 81 plans p50 ≤ 6× and ≤ 2× its time at one plan; 20 distinct users with 15 % writes: 0 errors and
p95 ≤ 8×; the admin's plan change page ≤ 10×. Only the standard library is used (and the project's own
environment for the server). Traffic goes to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import datetime
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
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's environment: the interpreter this script runs with (``.venv/bin/python scripts/benchmark.py``).
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

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

# Distinct users: coordinators and editors of different plans (each with a fresh indicator to record their
# measurements on), and reviewers of Landsbyggefonden, who read every plan LBF is a confirmed party to.
from helhedsplan.goals.models import Goal
from helhedsplan.plans.models import Affiliation, OrganisationGrant, PartyConfirmation
lbf = Organisation.objects.filter(kind="funder").order_by("pk").first()
plans = list(Plan.objects.order_by("pk"))
if lbf is not None:
    for each in plans:
        each.organisations.add(lbf)
        PartyConfirmation.objects.get_or_create(plan=each, organisation=lbf)
    grant, _ = OrganisationGrant.objects.get_or_create(organisation=lbf, role="reviewer")

def sign_in(account):
    browser = Client()
    browser.force_login(account)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value

def measurable(account_plan, name):
    goal = Goal.objects.filter(sub_agreement__plan=account_plan).order_by("pk").first()
    made, _ = Indicator.objects.get_or_create(
        plan=account_plan, goal=goal, name=name,
        defaults=dict(unit="antal", baseline_value=Decimal(10), baseline_date=account_plan.start_date,
                      target_value=Decimal(20), target_date=account_plan.end_date, data_source="Benchmark", direction="higher"),
    )
    # A reused database: the last run's measurements go, so the days recorded on are free again.
    for measurement in made.measurements.all():
        measurement.delete()
    return reverse("goals:measurement_create", kwargs={"plan": account_plan.slug, "indicator": made.pk})

def reviewer(username):
    account, _ = get_user_model().objects.get_or_create(username=username)
    Affiliation.objects.get_or_create(user=account, organisation=lbf, defaults={"state": "confirmed"})
    grant.users.add(account)
    return account

users = []
for number in range(USERS):
    if lbf is not None and number % 5 == 4:  # one in five reads as Landsbyggefonden's reviewer
        account = reviewer("benchmark-reviewer-%d" % number)
        users.append({"name": account.username, "session": sign_in(account), "pages": [pages.get("portfolio", "/portefolje/"), *[p for n, p in pages.items() if n in ("dashboard", "budget", "approvals", "report page (yearly)")]], "write": None})
        continue
    account_plan = plans[number % len(plans)]
    account, _ = get_user_model().objects.get_or_create(username="benchmark-member-%d" % number)
    organisation = account_plan.organisations.exclude(kind="funder").order_by("pk").first()
    Affiliation.objects.get_or_create(user=account, organisation=organisation, defaults={"state": "confirmed"})
    Membership.objects.get_or_create(user=account, plan=account_plan, defaults={"role": "coordinator" if number % 2 == 0 else "editor", "organisation": organisation})
    slug = account_plan.slug
    own = [reverse(view, kwargs={"plan": slug}) for view in ("overview:dashboard", "agreements:sub_agreements", "budget:overview", "approvals:overview", "overview:change_log")]
    users.append({"name": account.username, "session": sign_in(account), "pages": own, "write": measurable(account_plan, "Benchmark %s" % account.username)})

the_reviewer = reviewer("benchmark-lbf") if lbf is not None else None
one_plan_member = users[0] if users else None
print("BENCHMARK " + json.dumps({
    "session": session, "cookie": settings.SESSION_COOKIE_NAME, "pages": pages, "admin_pages": admin_pages,
    "trivial": trivial, "users": users, "plans": len(plans),
    "reviewer_session": sign_in(the_reviewer) if the_reviewer else None,
    "coordinator_write": measurable(plan, "Benchmark: first read after a save"),
}))
"""

# Run inside ``manage.py shell``: the shared cache's counts of the plans' kept figures read and computed.
STATS = r"""
import json
from helhedsplan.overview import readmodel
from django.conf import settings
print("BENCHMARK " + json.dumps({**readmodel.stats(reset=RESET), "backend": settings.CACHES["default"]["BACKEND"]}))
"""


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    shown = [arg if "\n" not in arg else "<code>" for arg in (args[1:] if args[0] == PYTHON else args)]
    print("$", " ".join(shown), flush=True)
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
    """One user's browser: their session cookie and a CSRF cookie, over a fresh connection per request."""

    def __init__(self, port: int, cookie: str):
        self.port = port
        # The CSRF secret as the cookie and the form carry it (Django accepts the unmasked secret in the form).
        self.csrf = secrets.token_hex(16)
        self.headers = {
            "Cookie": f"{cookie}; csrftoken={self.csrf}",
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
        }

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, float]:
        """(status, seconds) of one request on a fresh connection; status 0 when there was no answer."""
        headers = dict(self.headers)
        if body is not None:
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://127.0.0.1"}
            )
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            connection.close()
        except OSError:
            status = 0
        return status, time.perf_counter() - start

    def get(self, path: str) -> tuple[int, float]:
        return self.request("GET", path)

    def record(self, path: str, day: datetime.date, value: int) -> tuple[int, float]:
        """POST a measurement (``goals:measurement_create``); a save answers 302."""
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.csrf, "date": day.isoformat(), "value": str(value), "note": ""}
        )
        return self.request("POST", path, body)


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


class Days:
    """Distinct days to record measurements on (one indicator each user, a day at most once), thread-safe."""

    def __init__(self) -> None:
        self.next = 0
        self.lock = threading.Lock()

    def take(self) -> datetime.date:
        with self.lock:
            self.next += 1
            return datetime.date(2022, 1, 1) + datetime.timedelta(days=self.next % 1400)


def load(
    port: int, info: dict, users: list[dict], pause: float, seconds: float, write_share: float
) -> tuple[list[float], int, int]:
    """Each of ``users`` (their own session) asks for their own pages in turn with ``pause`` between requests,
    and with probability ``write_share`` records a measurement instead, for ``seconds``: (times, writes, errors)."""
    deadline = time.monotonic() + seconds
    results: list[float] = []
    counts = {"writes": 0, "errors": 0}
    lock = threading.Lock()

    def user(offset: int, account: dict) -> None:
        client = Client(port, f"{info['cookie']}={account['session']}")
        days, index, chance = Days(), offset, random.Random(offset)
        while time.monotonic() < deadline:
            if account["write"] and chance.random() < write_share:
                status, took = client.record(account["write"], days.take(), chance.randrange(10, 20))
                ok, wrote = status == 302, 1
            else:
                status, took = client.get(account["pages"][index % len(account["pages"])])
                index += 1
                ok, wrote = status == 200, 0
            with lock:
                results.append(took)
                counts["writes"] += wrote
                counts["errors"] += 0 if ok else 1
            time.sleep(pause)

    threads = [threading.Thread(target=user, args=(i, account)) for i, account in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results, counts["writes"], counts["errors"]


def shell(code: str, env: dict) -> dict:
    """Run ``code`` in ``manage.py shell`` and read back the JSON it prints after "BENCHMARK "."""
    output = run([PYTHON, "manage.py", "shell", "-c", code], env, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.split("BENCHMARK ", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=80, help="example plans besides Amager (default 80)")
    parser.add_argument("--extra-measurements", type=int, default=250, help="added to one Amager indicator")
    parser.add_argument("--rounds", type=int, default=25, help="measurements of each page (default 25)")
    parser.add_argument("--users", type=int, default=20, help="distinct users in the load run (default 20)")
    parser.add_argument(
        "--write-share", type=float, default=0.15, help="share of the load run's requests that write"
    )
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
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database (and the collected static files) as the last run left them",
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
            # The plans' kept figures count their hits and misses in the shared cache (section 5).
            "DJANGO_READMODEL_STATS": "on",
        }
    )
    started = time.monotonic()
    if not options.reuse:
        reset_database(options.server, options.database)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    if not options.reuse:
        run([PYTHON, "manage.py", "import_plan", "data/amager-2022-2025.yaml"], env)
        run([PYTHON, "manage.py", "make_example_plans", "--count", str(options.plans)], env)
    run(
        [PYTHON, "manage.py", "createcachetable"], env
    )  # the database cache's table, when it is the shared cache
    if not (options.reuse and (ROOT / "staticfiles" / "staticfiles.json").exists()):
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    setup = SETUP.replace("EXTRA", str(0 if options.reuse else options.extra_measurements))
    info = shell(setup.replace("USERS", str(options.users)), env)
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
        shell(STATS.replace("RESET", "True"), env)  # count from here
        report(client, info, options, env)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def report(client: Client, info: dict, options, env: dict) -> None:
    pages: dict[str, str] = info["pages"]
    admin_pages: dict[str, str] = info.get("admin_pages", {})
    times = measure(client, {**pages, **admin_pages}, info["trivial"], options.rounds)
    trivial_p50 = statistics.median(times["trivial"])
    trivial_p95 = percentile(times["trivial"], 0.95)
    print()
    print(f"1. Pages ({options.rounds} interleaved rounds; {info['plans']} plans; as Amager's coordinator)")
    print(f"{'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'p50 ÷ trivial':>14}  goal ≤ 6× (report ≤ 10×)")

    def row(name: str, values: list[float], goal: float) -> float:
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        ratio = p50 / trivial_p50
        print(
            f"{name:<44} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {ratio:13.1f}×  {'ok' if ratio <= goal else 'OVER'}"
        )
        return ratio

    def table(names: list[str], goal_of) -> float:
        """A row per page (p50, p95, p50's ratio to the trivial page's); the worst ratio."""
        return max((row(name, times[name], goal_of(name)) for name in names), default=0.0)

    worst = table(list(pages), lambda name: 10 if name.startswith("report") else 6)
    print(f"{'trivial':<44} {trivial_p50 * 1000:8.1f} {trivial_p95 * 1000:8.1f} {1:13.1f}×")
    if admin_pages:
        print()
        print("The Django admin (administrators' pages; not in the load run)")
        table(list(admin_pages), lambda name: 10)

    portfolio = pages.get("portfolio")
    if portfolio and info.get("reviewer_session"):
        print()
        print(
            f"2. The portfolio: Landsbyggefonden's reviewer ({info['plans']} plans) and a member of one plan"
        )
        reviewer = Client(options.port, f"{info['cookie']}={info['reviewer_session']}")
        member = Client(options.port, f"{info['cookie']}={info['users'][0]['session']}")
        everyone, one, trivial = [], [], []
        for _ in range(options.rounds):
            everyone.append(reviewer.get(portfolio)[1])
            one.append(member.get(portfolio)[1])
            trivial.append(client.get(info["trivial"])[1])
        all_p50, one_p50 = statistics.median(everyone), statistics.median(one)
        base = statistics.median(trivial)
        print(f"all plans p50 {all_p50 * 1000:.1f} ms = {all_p50 / base:.1f}× trivial (goal ≤ 6×); ", end="")
        print(
            f"one plan p50 {one_p50 * 1000:.1f} ms = {one_p50 / base:.1f}×; all ÷ one {all_p50 / one_p50:.1f}× (goal ≤ 2×)"
        )

    print()
    print(
        "3. The first read after a save (Amager's coordinator records a measurement; the portfolio: the reviewer's)"
    )
    after = {name: [] for name in ("dashboard", "portfolio", "report page (yearly)") if name in pages}
    again: dict[str, list[float]] = {name: [] for name in after}
    saves, trivial = [], []
    days = Days()
    # The portfolio as Landsbyggefonden's reviewer reads it: every plan, one of them changed.
    readers = {}
    if info.get("reviewer_session"):
        readers["portfolio"] = Client(options.port, f"{info['cookie']}={info['reviewer_session']}")
    for round_ in range(options.rounds):
        status, took = client.record(info["coordinator_write"], days.take(), 10 + round_ % 10)
        if status != 302:
            raise SystemExit(f"the save answered {status}, not 302")
        saves.append(took)
        for name in after:
            reader = readers.get(name, client)
            after[name].append(reader.get(pages[name])[1])
            again[name].append(reader.get(pages[name])[1])
        trivial.append(client.get(info["trivial"])[1])
    base = statistics.median(trivial)
    print(f"{'save (POST)':<44} p50 {statistics.median(saves) * 1000:8.1f} ms")
    for name in after:
        first, kept = statistics.median(after[name]), statistics.median(again[name])
        print(
            f"{name:<44} first p50 {first * 1000:8.1f} ms = {first / base:5.1f}×, "
            f"next p50 {kept * 1000:8.1f} ms = {kept / base:5.1f}×"
        )

    users: list[dict] = info["users"]
    results, writes, errors = load(
        options.port, info, users, options.pause, options.load_seconds, options.write_share
    )
    p50, p95 = statistics.median(results), percentile(results, 0.95)
    print()
    print(
        f"4. Load: {len(users)} distinct users, {options.pause:g} s pause, {options.write_share:.0%} writes, "
        f"{options.load_seconds:g} s"
    )
    print(
        f"requests {len(results)} (writes {writes}), errors {errors}, p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
    )
    print(f"p95 ÷ trivial p95 {p95 / trivial_p95:.1f}×  (goal: 0 errors and ≤ 8×)")

    stats = shell(STATS.replace("RESET", "False"), env)
    asked = stats["hits"] + stats["misses"]
    print()
    backend = stats["backend"].rsplit(".", 1)[-1]
    if "locmem" in stats["backend"]:
        # Each worker keeps its own: its counts are not where this process can read them.
        print(f"5. The cache ({backend}) is each worker's own, not shared: no hit rate to read")
    elif asked:
        print(
            f"5. The shared cache ({backend}), the plans' kept figures: {stats['hits']} read, "
            f"{stats['misses']} computed, hit rate {stats['hits'] / asked:.0%}"
        )
    else:
        print(f"5. The shared cache ({backend}): the plans' figures were never asked")
    print()
    print(f"Worst page p50 ÷ trivial: {worst:.1f}×")


if __name__ == "__main__":
    sys.exit(main())
