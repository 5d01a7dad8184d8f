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
from tests.world import ROLES, client_for, commit_pending, snapshot

pytestmark = pytest.mark.django_db

#: Where each exporter is downloaded. A new exporter must be added here (``test_every_exporter_is_walked``).
ADDRESSES: dict[str, Callable[[Plan, Format], str]] = {
    "report": lambda plan, f: reverse(
        "reports:report_download", kwargs={"plan": plan.slug, "period": "2024", "format": f.extension}
    ),
    "budget": lambda plan, f: reverse("budget:export_xlsx", kwargs={"plan": plan.slug}),
    "planfile": lambda plan, f: reverse("planfiles:download", kwargs={"plan": plan.slug}),
    "portfolio": lambda plan, f: reverse("portfolio:download"),
    "version": lambda plan, f: reverse(
        "versions:pdf", kwargs={"plan": plan.slug, "number": _a_version(plan).number}
    ),
    "import_template": lambda plan, f: reverse("imports:template", kwargs={"plan": plan.slug}),
}


def _a_version(plan: Plan):
    """The plan's first version, submitted by its coordinator if it has none yet (the version's PDF needs one)."""
    from helhedsplan.plans.models import Membership
    from helhedsplan.versions.models import PlanVersion
    from helhedsplan.versions.services import version_submit

    found = PlanVersion.objects.of_plan(plan).order_by("number").first()
    if found is not None:
        return found
    coordinator = Membership.objects.in_plan(plan).filter(role="coordinator").order_by("pk")[0].user
    return version_submit(plan=plan, reason_category="other", reason="Eksportens version.", actor=coordinator)


#: Who reads the plan (and so may download its files); "anonymous" is sent to log in, the rest get a 404.
READERS = {"reviewer", "limited_editor", "editor", "coordinator", "org_reviewer"}
#: Who sees the emergency plan's contacts on the pages (``plan.view_contact_details``).
SEES_CONTACTS = {"limited_editor", "editor", "coordinator"}
#: Exporters a reader of the plan may not run (a 403 naming the role): the import template is for whoever
#: imports (``plan.import_data``), never a reviewer.
REFUSED = {"import_template": {"reviewer", "org_reviewer"}}

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
    if role in REFUSED.get(name, ()):
        assert response.status_code == 403
        assert snapshot() == before
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


# --- No personal field in anything a reviewer can get -----------------------------------------------------------

#: What the walk plants: a contact's name, phone and e-mail, a party's contact person and title, an incident's
#: summary, place and log line — each a value found nowhere else.
PLANTED = {
    "contact_name": "Plantet Kontaktsen",
    "contact_phone": "+45 98 76 54 32",
    "contact_email": "plantet.kontakt@example.dk",
    "party_contact": "Plantet Partskontakt",
    "party_title": "Plantet Stillingsbetegnelse",
    "incident_summary": "Plantet hændelse med navngivet ung",
    "incident_location": "Plantet opgang 7",
    "log_text": "Plantet logtekst om en navngivet ung",
}


def plant_personal_data(plan: Plan) -> None:
    from helhedsplan.preparedness.models import EscalationLevel, PreparednessPlan
    from tests.agreements.factories import SubAgreementPartyFactory
    from tests.plans.factories import OrganisationFactory
    from tests.preparedness.factories import ContactFactory, IncidentFactory, IncidentLogEntryFactory

    preparedness = PreparednessPlan.objects.get(plan=plan)
    ContactFactory(
        preparedness_plan=preparedness,
        organisation=plan.organisations.order_by("pk").first(),
        name=PLANTED["contact_name"],
        phone=PLANTED["contact_phone"],
        email=PLANTED["contact_email"],
    )
    SubAgreementPartyFactory(
        sub_agreement=plan.sub_agreements.order_by("pk").first(),
        organisation=OrganisationFactory(),
        contact_name=PLANTED["party_contact"],
        contact_title=PLANTED["party_title"],
    )
    incident = IncidentFactory(
        plan=plan,
        level=EscalationLevel.objects.in_plan(plan).order_by("pk").first(),
        summary=PLANTED["incident_summary"],
        location=PLANTED["incident_location"],
    )
    IncidentLogEntryFactory(incident=incident, text=PLANTED["log_text"])


def test_no_file_a_reviewer_can_get_holds_a_personal_field(amager_plan, personas):
    """Every download of the registry, every report form, every stored submission file (on the site and through
    the API) and every API answer, read back as text: no planted personal field in any of them — for a reviewer
    (member or by grant). The plan's own staff still get the whole plan file (their backup)."""
    import datetime

    from helhedsplan.reports import services
    from helhedsplan.reports.models import Report, Submission
    from tests.api.test_every_endpoint import TABLE as API_TABLE
    from tests.api.test_every_endpoint import url as api_url

    plant_personal_data(amager_plan)
    after_the_period = datetime.date(2026, 12, 1)
    for kind, year in ((Report.Kind.YEARLY, 2024), (Report.Kind.FINAL, None)):
        services.report_submit(
            plan=amager_plan,
            kind=kind,
            year=year,
            actor=personas.coordinator,
            today=after_the_period,
            gaps_confirmed=True,
        )
    commit_pending()  # the PDFs' tasks, after the commit
    submissions = list(Submission.objects.filter(report__plan=amager_plan))
    assert len(submissions) == 2

    files: list[tuple[str, Format]] = []
    for name, extension in CASES:
        if name in REFUSED:
            continue
        file_format = registry.get(name).format_named(extension)
        files.append((ADDRESSES[name](amager_plan, file_format), file_format))
    for period in ("2024", "slut"):
        for file_format in (PDF, XLSX):
            kwargs = {"plan": amager_plan.slug, "period": period, "format": file_format.extension}
            files.append((reverse("reports:report_download", kwargs=kwargs), file_format))
    for submission in submissions:
        for file_format in (PDF, XLSX, YAML):
            kwargs = {"plan": amager_plan.slug, "pk": submission.pk, "format": file_format.extension}
            files.append((reverse("reports:submission_file", kwargs=kwargs), file_format))
            api_file = (
                f"/api/plans/{amager_plan.slug}/submissions/{submission.pk}/files/{file_format.extension}"
            )
            files.append((api_file, file_format))
    answers = [api_url(row, amager_plan.slug, amager_plan) for row in API_TABLE if "/files/" not in row.path]

    for role in ("reviewer", "org_reviewer"):
        client = client_for(personas[role])
        for address, file_format in files:
            response = client.get(address)
            assert response.status_code == 200, address
            content = b"".join(response.streaming_content) if response.streaming else response.content
            text = text_of(content, file_format)
            assert not [value for value in PLANTED.values() if value in text], (role, address)
        for address in answers:
            response = client.get(address)
            assert response.status_code == 200, address
            assert not [value for value in PLANTED.values() if value in response.content.decode()], address

    # The coordinator's download of the plan file is the whole plan: the planted data is in it.
    own = client_for(personas.coordinator).get(
        reverse("planfiles:download", kwargs={"plan": amager_plan.slug})
    )
    assert all(value in own.content.decode() for value in PLANTED.values())
