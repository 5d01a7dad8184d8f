"""Every download, through the one registry (``plans.exporters``): one walk of every exporter × format × role on
the Amager plan. Each answer is read back as the file it claims to be (a PDF's text through pdftotext, a
workbook's every cell, a plan file's YAML): its content type and name (the plan, what it is, the day), and no
personal data of the emergency plan for anyone who may not see it on the pages."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from io import BytesIO

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from helhedsplan.plans import exporters as registry
from helhedsplan.plans.exporters import PDF, XLSX, YAML, Format
from helhedsplan.plans.models import Plan
from helhedsplan.preparedness.models import Contact
from tests.world import ROLES, client_for, snapshot

pytestmark = pytest.mark.django_db

#: Where each exporter is downloaded. A new exporter must be added here (``test_every_exporter_is_walked``).
ADDRESSES: dict[str, Callable[[Plan, Format], str]] = {
    "report": lambda plan, f: reverse(
        "reports:report_download", kwargs={"plan": plan.slug, "period": "2024", "format": f.extension}
    ),
    "budget": lambda plan, f: reverse("budget:export_xlsx", kwargs={"plan": plan.slug}),
    "planfile": lambda plan, f: reverse("planfiles:download", kwargs={"plan": plan.slug}),
    "portfolio": lambda plan, f: reverse("portfolio:download"),
}

#: Who reads the plan (and so may download its files); "anonymous" is sent to log in, the rest get a 404.
READERS = {"reviewer", "limited_editor", "editor", "coordinator", "org_reviewer"}
#: Who sees the emergency plan's contacts on the pages (``plan.view_contact_details``).
SEES_CONTACTS = {"limited_editor", "editor", "coordinator"}

CASES = [
    (name, file_format.extension)
    for name, exporter in sorted(registry.exporters().items())
    for file_format in exporter.formats
]


def test_every_exporter_is_walked():
    assert set(ADDRESSES) == set(registry.exporters())
    assert len(CASES) >= 5


def text_of(content: bytes, file_format: Format) -> str:
    """The file read back as what it claims to be: fails if it is not."""
    if file_format == PDF:
        assert content.startswith(b"%PDF-")
        return subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
    if file_format == XLSX:
        book = load_workbook(BytesIO(content))
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    assert file_format == YAML
    assert yaml.safe_load(content)["plan"]["slug"]
    return content.decode("utf-8")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "extension"), CASES)
def test_every_exporter_format_and_role(amager_plan, personas, name: str, extension: str, role: str):
    exporter = registry.get(name)
    file_format = exporter.format_named(extension)
    url = ADDRESSES[name](amager_plan, file_format)
    before = snapshot()

    response = client_for(personas[role]).get(url)

    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
        return
    if exporter.scope == "plan" and role not in READERS:
        assert response.status_code == 404, (
            "another plan's member or an outsider never learns the plan exists"
        )
        return
    assert response.status_code == 200
    assert response["Content-Type"] == file_format.content_type
    # The file's name: the plan (none for the user's plans), what the file is, the day it shows.
    plan_part = f"{amager_plan.slug}-" if exporter.scope == "plan" else ""
    assert re.fullmatch(
        rf'attachment; filename="{plan_part}[a-zæøå0-9-]+-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}"',
        response["Content-Disposition"],
    ), response["Content-Disposition"]
    text = text_of(response.content, file_format)
    contacts = list(Contact.objects.in_plan(amager_plan))
    assert contacts
    personal = [c.name for c in contacts] + [c.phone for c in contacts if c.phone]
    if name == "planfile" and role in SEES_CONTACTS:
        assert all(value in text for value in personal), "the plan's own staff get the whole plan file"
    else:
        assert not [value for value in personal if value in text]
    assert snapshot() == before, "a download writes nothing"


def test_the_file_is_named_after_the_plan_and_the_day_it_shows(amager_plan, personas):
    today = timezone.localdate()
    budget = client_for(personas.reviewer).get(
        reverse("budget:export_xlsx", kwargs={"plan": amager_plan.slug})
    )
    assert budget["Content-Disposition"] == f'attachment; filename="amager-2022-2025-budget-{today}.xlsx"'

    url = reverse(
        "reports:report_download", kwargs={"plan": amager_plan.slug, "period": "2024", "format": "pdf"}
    )
    report = client_for(personas.reviewer).get(url, {"dato": "2024-06-30"})
    assert (
        report["Content-Disposition"]
        == 'attachment; filename="amager-2022-2025-aarsrapport-2024-2024-06-30.pdf"'
    )

    plan_file = client_for(personas.editor).get(
        reverse("planfiles:download", kwargs={"plan": amager_plan.slug})
    )
    assert plan_file["Content-Disposition"] == f'attachment; filename="amager-2022-2025-planfil-{today}.yaml"'

    portfolio = client_for(personas.reviewer).get(reverse("portfolio:download"))
    assert portfolio["Content-Disposition"] == f'attachment; filename="portefolje-{today}.xlsx"'


@pytest.mark.parametrize("extension", ["yaml", "exe", "doc", "PDF"])
def test_a_format_the_exporter_does_not_have_is_not_found(amager_plan, personas, extension):
    url = reverse(
        "reports:report_download", kwargs={"plan": amager_plan.slug, "period": "2024", "format": extension}
    )
    assert client_for(personas.coordinator).get(url).status_code == 404


def test_a_refused_role_is_told_which_permission_it_takes(amager_plan, personas, monkeypatch):
    """The exporter's own permission is asked of the plan: an exporter that took the coordinator's would refuse
    the reviewer with a 403, like any page."""
    monkeypatch.setattr(type(registry.get("budget")), "permission", "plan.manage")
    url = reverse("budget:export_xlsx", kwargs={"plan": amager_plan.slug})
    assert client_for(personas.reviewer).get(url).status_code == 403
    assert client_for(personas.coordinator).get(url).status_code == 200
