"""The benchmark of ``send_reminders`` (issue 23): the Amager plan and N example plans, each with its members (a
coordinator, an editor, an editor limited to one delaftale, a reviewer) and Landsbyggefonden's organisation-wide
reviewer; then ``send_reminders`` for one day, timed and its queries counted, twice the same way (the day's
reminders and mails deleted between), and the worker's run that sends the mails.

    DATABASE_URL=postgres://…/helhedsplan_bench DJANGO_TASKS_BACKEND=database \\
        .venv/bin/python scripts/benchmark_reminders.py --plans 80

The database is the one DATABASE_URL names: use a scratch one (it is migrated and filled).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TASKS_BACKEND", "database")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from helhedsplan.core.models import OutgoingMail  # noqa: E402
from helhedsplan.notifications.models import SentReminder  # noqa: E402
from helhedsplan.notifications.reminders import send_reminders  # noqa: E402
from helhedsplan.plans.models import Membership, Organisation, OrganisationGrant, Plan  # noqa: E402

DAY = datetime.date(2025, 11, 3)


def add_members() -> None:
    users = get_user_model()._default_manager
    lbf = Organisation.objects.filter(short_name="LBF").first()
    if lbf is not None:
        grant, _created = OrganisationGrant.objects.get_or_create(organisation=lbf, role="reviewer")
        reviewer, _created = users.get_or_create(
            username="bench-lbf", defaults={"email": "bench-lbf@example.org"}
        )
        grant.users.add(reviewer)
    for plan in Plan.objects.prefetch_related("organisations", "sub_agreements"):
        if Membership.objects.filter(plan=plan, user__username__startswith="bench-").exists():
            continue
        organisation = plan.organisations.order_by("pk").first()
        for role, membership_role in (
            ("coordinator", "coordinator"),
            ("editor", "editor"),
            ("limited", "editor"),
            ("reviewer", "reviewer"),
        ):
            name = f"bench-{plan.slug}-{role}"
            user, _created = users.get_or_create(username=name, defaults={"email": f"{name}@example.org"})
            membership = Membership.objects.create(
                user=user, plan=plan, organisation=organisation, role=membership_role
            )
            if role == "limited":
                membership.sub_agreements.set([plan.sub_agreements.order_by("pk").first()])


def measure() -> tuple[float, int, int, int]:
    SentReminder.objects.filter(day=DAY).delete()
    OutgoingMail.objects.filter(key__startswith="digest:").delete()
    reset_queries()  # the setup's queries fill Django's query log, which keeps the last 9000
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        digests = send_reminders(DAY)
        seconds = time.perf_counter() - start
    return seconds, len(queries), len(digests), sum(digest.count for digest in digests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=80)
    arguments = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("setup_demo", verbosity=0)
    call_command("make_example_plans", count=arguments.plans, verbosity=0)
    add_members()
    plans, people = Plan.objects.count(), Membership.objects.count()
    print(f"{plans} plans, {people} memberships, database {connection.vendor}")
    for run in (1, 2):
        seconds, queries, digests, items = measure()
        print(
            f"run {run}: send_reminders {seconds:.2f} s, {queries} queries, {digests} digests, {items} reminders"
        )
    start = time.perf_counter()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    print(f"the worker sent the queued mails in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
