"""``manage.py benchmark_report``: how long the Amager final report takes as a PDF, beside its web page.

Not a test: a measurement to read. It renders the final report of a plan (default: the Amager plan) as the web
page (through the whole request cycle, as a coordinator) and as the PDF (selector, HTML and WeasyPrint), a few
times each, interleaved, and prints the median and the slowest. Run ``manage.py setup_demo`` first.
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from helhedsplan.planfiles.demo import AMAGER_SLUG
from helhedsplan.plans.models import Membership, Plan
from helhedsplan.reports import documents
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report


class Command(BaseCommand):
    help = "Time the final report as a PDF beside its web page."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", default=AMAGER_SLUG, help="the plan's slug")
        parser.add_argument("--runs", type=int, default=5, help="renderings of each form")

    def handle(self, *args, plan: str, runs: int, **options) -> None:
        found = Plan.objects.filter(slug=plan).first()
        if found is None:
            raise CommandError(f"No plan {plan!r}: run manage.py setup_demo first.")
        membership = Membership.objects.filter(plan=found, role=Membership.Role.COORDINATOR).first()
        if membership is None:
            raise CommandError(f"{found} has no coordinator to read the page as: run manage.py setup_demo.")
        report = Report(plan=found, kind=Report.Kind.FINAL)
        client = Client()
        client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
        url = reverse("reports:report", kwargs={"plan": found.slug, "period": "slut"})
        page_times, pdf_times = [], []
        size = 0
        with translation.override("da"), override_settings(ALLOWED_HOSTS=["*"]):
            for _run in range(runs + 1):  # the first of each warms caches and is not counted
                started = time.perf_counter()
                response = client.get(url)
                page_time = time.perf_counter() - started
                if response.status_code != 200:
                    raise CommandError(f"The report page answered {response.status_code}.")
                started = time.perf_counter()
                pdf = documents.report_pdf(status_report(report, as_of=timezone.localdate()))
                pdf_time = time.perf_counter() - started
                size = len(pdf)
                if _run:
                    page_times.append(page_time)
                    pdf_times.append(pdf_time)
        self.stdout.write(f"{found.name}, final report, {runs} runs each (after one warm-up):")
        for name, times in (("web page", page_times), ("PDF", pdf_times)):
            self.stdout.write(
                f"  {name:<9} median {statistics.median(times):6.3f} s   slowest {max(times):6.3f} s"
            )
        self.stdout.write(f"  PDF size {size / 1024:.0f} KiB; goal: the PDF within 2 s on a 2-core machine.")
