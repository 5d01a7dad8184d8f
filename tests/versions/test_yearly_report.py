"""A yearly report lists the versions of the agreement approved in its year: on its page and in its PDF."""

from __future__ import annotations

import datetime
import subprocess

import pytest

from helhedsplan.reports import documents
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report
from helhedsplan.versions.models import Signoff
from helhedsplan.versions.services import signoff_decide, version_submit
from tests.versions.factories import change_strategic_goal

pytestmark = pytest.mark.django_db

AFTER_THE_PERIOD = datetime.date(2026, 12, 1)


def record_outside_the_app(plan, day: datetime.date):
    """A version decided outside the app by every party on ``day`` (as a plan file records one)."""
    change_strategic_goal(plan)
    version = version_submit(
        plan=plan,
        reason_category="targets",
        reason="Målet er skærpet.",
        actor=None,
        recorded_outside_app=True,
    )
    for signoff in sorted(version.signoffs.all(), key=lambda s: s.party == Signoff.Party.LBF):
        signoff_decide(
            signoff=signoff,
            decision="approved",
            body="Et organ",
            decided_on=day,
            evidence_reference="Referat",
            outside_app=True,
            actor=None,
        )
    version.refresh_from_db()
    return version


def test_the_yearly_report_lists_the_versions_approved_in_its_year(amager_plan):
    version = record_outside_the_app(amager_plan, datetime.date(2024, 5, 2))
    assert version.status == "approved"

    data = status_report(Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2024), as_of=AFTER_THE_PERIOD)
    assert [(a.version.number, a.approved_on) for a in data.versions] == [(2, datetime.date(2024, 5, 2))]
    # Version 1 (the plan file's: its parties' days are unknown) is in no year; nor is 2024's in 2023.
    earlier = status_report(
        Report(plan=amager_plan, kind=Report.Kind.YEARLY, year=2023), as_of=AFTER_THE_PERIOD
    )
    assert earlier.versions == []
    final = status_report(Report(plan=amager_plan, kind=Report.Kind.FINAL), as_of=AFTER_THE_PERIOD)
    assert final.versions == []

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=documents.report_pdf(data), capture_output=True, check=True
    ).stdout.decode()
    assert "Version 2, godkendt 2. maj 2024" in text
    assert version.sha256[:20] in text.replace("\n", "")
