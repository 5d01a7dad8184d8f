"""A file is served only in the formats of the exporter registry (``plans.exporters``): an address naming any
other format names nothing, and is a 404 — never a 500, never the file under another name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.plans.exporters import exporters
from helhedsplan.reports.documents import STORED_FILES
from tests.reports.factories import SubmissionFactory
from tests.world import client_for

pytestmark = pytest.mark.django_db

UNKNOWN = ["doc", "exe", "PDF", "pdf.exe", "yml", "html"]


def test_a_submission_stores_the_registrys_formats_of_the_report_and_the_plan_file():
    registry = exporters()
    assert set(STORED_FILES) == set(registry["report"].formats) | set(registry["planfile"].formats)


@pytest.mark.parametrize("extension", UNKNOWN)
def test_a_submitted_file_in_an_unknown_format_is_not_found(amager_plan, personas, extension):
    submission = SubmissionFactory(
        report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator
    )
    client = client_for(personas.reviewer)

    def address(fmt: str) -> str:
        return reverse(
            "reports:submission_file", kwargs={"plan": amager_plan.slug, "pk": submission.pk, "format": fmt}
        )

    assert client.get(address("pdf")).status_code == 200
    assert client.get(address(extension)).status_code == 404


@pytest.mark.parametrize("extension", UNKNOWN)
def test_a_report_in_an_unknown_format_is_not_found(amager_plan, personas, extension):
    client = client_for(personas.coordinator)

    def address(fmt: str) -> str:
        return reverse(
            "reports:report_download", kwargs={"plan": amager_plan.slug, "period": "2024", "format": fmt}
        )

    assert client.get(address("xlsx")).status_code == 200
    assert client.get(address(extension)).status_code == 404
