"""``manage.py benchmark_pdfs`` measures the final report's PDF at two sizes and a process's memory, and leaves
the database as it was."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from helhedsplan.plans.models import Plan
from helhedsplan.reports.models import Report

pytestmark = pytest.mark.django_db


def test_it_times_both_sizes_reads_the_memory_and_rolls_back():
    before = (Plan.objects.count(), Report.objects.count())
    out = StringIO()
    call_command("benchmark_pdfs", "--scale", "2", "--runs", "1", "--pdfs", "2", stdout=out)
    text = out.getvalue()
    timed = re.findall(
        r"final report PDF, +(\d+)× Amager: median +([\d.]+) s, slowest +([\d.]+) s, (\d+) KiB", text
    )
    assert [factor for factor, *_ in timed] == ["1", "2"]
    assert all(float(median) > 0 for _factor, median, _slowest, _size in timed)
    assert int(timed[1][3]) > int(timed[0][3])  # the larger plan's PDF is larger
    memory = re.search(r"(\d+) MiB before, (\d+) MiB after 2 PDFs .* \(peak (\d+) MiB\)", text)
    assert memory is not None, text
    assert 0 < int(memory.group(1)) <= int(memory.group(3)) and int(memory.group(2)) <= int(memory.group(3))
    assert (Plan.objects.count(), Report.objects.count()) == before
