"""``manage.py benchmark_pdfs``: the final report's PDF of the Amager plan and of a plan ten times its size, and
the memory of a process that has made many PDFs (issue 22's goals: a plan ten times Amager's size within 3 s; a
worker's memory after 50 PDFs within 250 MiB).

Not a test: a measurement to read. In one transaction that is rolled back at the end, so the database is left as
it was, it imports the Amager plan file as it is and with every list of the agreement multiplied (``--scale``,
default 10; ``planfiles.management.commands.benchmark_versions.scaled``), and times the final report's PDF of each
(selector, HTML and WeasyPrint: ``documents.report_pdf(status_report(…))``, as the background task that makes a
submission's PDF does), median and slowest of ``--runs`` after one warm-up. Then it makes ``--pdfs`` (50) PDFs of
the Amager plan's final report one after another in this process and prints its resident memory (``VmRSS``)
before the first and after the last, with the peak (``VmHWM``): what a worker that makes PDFs keeps.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from helhedsplan.planfiles.importer import import_plan, read
from helhedsplan.planfiles.management.commands.benchmark_versions import AMAGER_FILE, scaled
from helhedsplan.plans.models import Plan
from helhedsplan.reports import documents
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report


def memory_mib() -> dict[str, float]:
    """This process's resident memory now (``VmRSS``) and at its peak (``VmHWM``), in MiB (Linux's /proc)."""
    found: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


class Command(BaseCommand):
    help = "Time the final report's PDF for Amager and a plan ten times its size, and a process's memory after many."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=int, default=10, help="how many times Amager's size (default 10)")
        parser.add_argument("--runs", type=int, default=3, help="timed PDFs of each plan (default 3)")
        parser.add_argument(
            "--pdfs", type=int, default=50, help="PDFs made before memory is read (default 50)"
        )

    def handle(self, *args, scale: int, runs: int, pdfs: int, **options) -> None:
        source = read(AMAGER_FILE)
        today = timezone.localdate()
        with translation.override("da"), transaction.atomic():
            plans: dict[int, Plan] = {}
            for factor in (1, scale):
                plans[factor] = import_plan(scaled(source, scale=factor, slug=f"benchmark-pdfs-{factor}x"))
            for factor, plan in plans.items():
                report = Report(plan=plan, kind=Report.Kind.FINAL)
                times, size = [], 0
                for run in range(runs + 1):  # the first warms caches and is not counted
                    started = time.perf_counter()
                    pdf = documents.report_pdf(status_report(report, as_of=today))
                    if run:
                        times.append(time.perf_counter() - started)
                    size = len(pdf)
                self.stdout.write(
                    f"final report PDF, {factor:>2}× Amager: median {statistics.median(times):6.2f} s, "
                    f"slowest {max(times):6.2f} s, {size / 1024:.0f} KiB ({runs} runs after a warm-up)"
                )
            report = Report(plan=plans[1], kind=Report.Kind.FINAL)
            gc.collect()
            before = memory_mib()
            for _number in range(pdfs):
                documents.report_pdf(status_report(report, as_of=today))
            gc.collect()
            after = memory_mib()
            self.stdout.write(
                f"memory of this process: {before['VmRSS']:.0f} MiB before, {after['VmRSS']:.0f} MiB after {pdfs} "
                f"PDFs of Amager's final report (peak {after['VmHWM']:.0f} MiB)"
            )
            self.stdout.write(
                f"goals (issue 22): the {scale}× plan's PDF within 3 s; after {pdfs} PDFs within 250 MiB."
            )
            transaction.set_rollback(True)  # the database as it was
