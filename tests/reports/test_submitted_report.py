"""A submitted report says what it is and is read as it was filed: its stored PDF and spreadsheet name the
submission, its date, author and organisation; its page shows the stored report with what changed since; a
reviewer checks a file they hold against the stored SHA-256; a plan file stored before the rule on personal data
is redacted once, and nothing else ever changes a frozen file."""

from __future__ import annotations

import datetime
import subprocess
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from helhedsplan.agreements import services as agreement_services
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.reports import services
from helhedsplan.reports.models import Redaction, Report, Submission, sha256_of
from helhedsplan.reports.redaction import redact_stored_plan_files
from tests.agreements.factories import NarrativeFactory
from tests.plans.test_exporters import PLANTED, plant_personal_data
from tests.reports.factories import SubmissionFactory
from tests.world import client_for, commit_pending, snapshot

pytestmark = pytest.mark.django_db

AFTER_THE_PERIOD = datetime.date(2026, 12, 1)


def pdf_text(content: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def submit(plan, actor, year: int | None = 2024) -> Submission:
    """Submit, and let the commit's background work run (the PDF is made by a task after the commit)."""
    kind = Report.Kind.FINAL if year is None else Report.Kind.YEARLY
    submission = services.report_submit(
        plan=plan, kind=kind, year=year, actor=actor, today=AFTER_THE_PERIOD, gaps_confirmed=True
    )
    commit_pending()
    submission.refresh_from_db()
    return submission


def test_the_stored_pdf_and_spreadsheet_say_when_by_whom_and_which_submission(amager_plan, personas):
    coordinator = personas.coordinator
    organisation = coordinator.memberships.get(plan=amager_plan).organisation.name
    name = coordinator.get_full_name() or coordinator.username
    first = submit(amager_plan, coordinator)
    day = date_format(timezone.localdate(first.submitted_at), "DATE_FORMAT")

    text = pdf_text(stored(first.pdf))
    assert f"Indsendt {day} af {name}, {organisation} · indsendelse 1" in text
    assert "Ikke indsendt" not in text
    book = load_workbook(BytesIO(stored(first.spreadsheet)))
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    assert f"Indsendt {day} af {name}, {organisation} · indsendelse 1" in cells

    # Returned, then submitted again: the second PDF is submission 2 and says what it answers — never the first
    # attempt's state as its own.
    services.submission_answer(
        submission=first, outcome="returned", comment="Ret 2024.", actor=personas.reviewer
    )
    second = submit(amager_plan, coordinator)
    text = pdf_text(stored(second.pdf))
    assert (
        f"af {name}, {organisation} · indsendelse 2 · svarer på indsendelse 1, sendt retur af Landsbyggefonden"
        in (text)
    )
    assert "Ikke indsendt" not in text and "sendt retur ·" not in text


def test_the_submitted_page_shows_what_was_filed_and_what_changed_since(amager_plan, personas):
    narrative = NarrativeFactory(
        sub_agreement=amager_plan.sub_agreements.order_by("pk").first(),
        year=2024,
        went_well="Som indsendt: lektiecaféen nåede sit mål.",
    )
    filed = narrative.went_well
    submission = submit(amager_plan, personas.coordinator)
    changed = "Skrevet om efter indsendelsen: alle mål nået."
    agreement_services.narrative_update(
        narrative=narrative,
        data={"went_well": changed},
        expected_lock_version=narrative.lock_version,
        actor=personas.coordinator,
    )
    page_url = reverse("reports:report", kwargs={"plan": amager_plan.slug, "period": "2024"})

    page = client_for(personas.reviewer).get(page_url).content.decode()
    report_part = page[
        page.index('class="report report-submitted"') : page.index('id="changed-since-heading"')
    ]
    assert filed in report_part and changed not in report_part
    assert "Du læser indsendelse 1" in page and "?vis=udkast" in page
    changes = page[page.index('id="changed-since-heading"') :]
    assert "Hvad der gik godt" in changes and changed in changes, "the list names the edit, field by field"
    # The stored page is the PDF's text: the filed sentence and the filing line are in both.
    assert "indsendelse 1" in pdf_text(stored(submission.pdf))

    draft = client_for(personas.reviewer).get(page_url, {"vis": "udkast"}).content.decode()
    assert changed in draft and "Vis indsendelse 1 som indsendt" in draft


def test_a_reviewer_checks_a_file_against_the_stored_sha256(amager_plan, personas):
    submission = submit(amager_plan, personas.coordinator)
    verify = reverse("reports:verify_file", kwargs={"plan": amager_plan.slug})
    client = client_for(personas.reviewer)
    before = snapshot()

    held = SimpleUploadedFile("rapport.pdf", stored(submission.pdf), content_type="application/pdf")
    page = client.post(verify, {"file": held}).content.decode()
    assert "matcher PDF" in page and "indsendelse 1" in page and submission.pdf_sha256 in page

    changed = SimpleUploadedFile(
        "rapport.pdf", stored(submission.pdf) + b"\n", content_type="application/pdf"
    )
    page = client.post(verify, {"file": changed}).content.decode()
    assert "matcher ingen fil" in page

    page = client.post(verify, {}).content.decode()
    assert "Dette felt er påkrævet" in page
    assert snapshot() == before, "checking a file stores nothing"


def test_the_redaction_takes_personal_data_out_of_a_stored_plan_file_once(amager_plan, personas):
    plant_personal_data(amager_plan)
    old = export_plan(amager_plan, personal_data=True).encode("utf-8")
    assert PLANTED["contact_email"].encode() in old
    from django.core.files.base import ContentFile

    submission = SubmissionFactory(
        report__plan=amager_plan,
        report__year=2023,
        submitted_by=personas.coordinator,
        plan_file=ContentFile(old, name="gammel.yaml"),
        plan_file_sha256=sha256_of(old),
    )
    clean = SubmissionFactory(report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator)

    records = redact_stored_plan_files(Submission, Redaction)

    assert [record.submission_id for record in records] == [submission.pk]
    submission.refresh_from_db()
    new = stored(submission.plan_file)
    assert not [value for value in PLANTED.values() if value.encode() in new]
    assert b"format_version" in new, "the rest of the plan is still there"
    record = records[0]
    assert (record.old_sha256, record.new_sha256) == (sha256_of(old), sha256_of(new))
    assert submission.plan_file_sha256 == sha256_of(new)
    assert record.file == "plan_file" and record.reason and record.redacted_at
    assert stored(clean.plan_file) == b"plan: {}\n"
    # Once: a second run finds nothing left to redact.
    assert redact_stored_plan_files(Submission, Redaction) == []

    # Every other change is still refused: the model, its queryset, and the record itself.
    submission.pdf_sha256 = "0" * 64
    with pytest.raises(ValidationError):
        submission.save()
    with pytest.raises(ValidationError):
        Submission.objects.filter(pk=submission.pk).update(plan_file_sha256="0" * 64)
    with pytest.raises(ValidationError):
        Submission.objects.filter(pk=submission.pk).update(data={"html": "<p>anders</p>"})
    with pytest.raises(ValidationError):
        record.save()
    with pytest.raises(ValidationError):
        record.delete()
    with pytest.raises(ValidationError):
        Redaction.objects.filter(pk=record.pk).delete()
    submission.refresh_from_db()
    assert submission.plan_file_sha256 == sha256_of(new)


def test_a_reviewer_gets_an_incident_only_as_its_date_level_and_state(amager_plan, personas):
    plant_personal_data(amager_plan)
    incidents = reverse("preparedness:incidents", kwargs={"plan": amager_plan.slug})
    page = client_for(personas.reviewer).get(incidents).content.decode()
    assert PLANTED["incident_summary"] not in page and PLANTED["incident_location"] not in page
    assert client_for(personas.editor).get(incidents).content.decode().count(PLANTED["incident_summary"]) == 1
    # Nor on the dashboard ("needs attention": an open incident by its date and level) or in the change log.
    for name in ("overview:dashboard", "overview:change_log"):
        page = (
            client_for(personas.reviewer)
            .get(reverse(name, kwargs={"plan": amager_plan.slug}))
            .content.decode()
        )
        assert not [value for value in PLANTED.values() if value in page], name
    dashboard = reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})
    assert PLANTED["incident_summary"] in client_for(personas.editor).get(dashboard).content.decode()


def test_until_its_task_has_run_the_pdf_is_said_to_be_in_the_making(amager_plan, personas):
    """Submitting does not wait for the PDF's layout: the page and the API say the PDF is being made (503, try
    again) until the background task has stored it from the document as it read at submission — the PDF then
    made says that moment, even when the plan changed in between."""
    from helhedsplan.goals.models import Goal

    submission = services.report_submit(
        plan=amager_plan,
        kind=Report.Kind.YEARLY,
        year=2024,
        actor=personas.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
    )
    address = reverse(
        "reports:submission_file", kwargs={"plan": amager_plan.slug, "pk": submission.pk, "format": "pdf"}
    )
    waiting = client_for(personas.reviewer).get(address)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "10"
    assert "PDF'en bliver lavet" in waiting.content.decode()
    page = client_for(personas.reviewer).get(submission.report.get_absolute_url()).content.decode()
    assert "PDF</a> (laves)" in page and 'SHA-256 PDF: <span class="text-break">laves</span>' in page

    goal = Goal.objects.in_plan(amager_plan).order_by("pk").first()
    first_title = goal.title
    goal.title = "Et nyt navn efter indsendelsen"
    goal.save()
    commit_pending()

    submission.refresh_from_db()
    text = " ".join(pdf_text(stored(submission.pdf)).split())
    assert submission.pdf_sha256 == sha256_of(stored(submission.pdf))
    assert " ".join(first_title.split()) in text and "Et nyt navn efter indsendelsen" not in text
    assert client_for(personas.reviewer).get(address).status_code == 200
    # Made once: a second run of the task changes nothing.
    made = submission.pdf_sha256
    services.submission_pdf_make(submission=submission)
    submission.refresh_from_db()
    assert submission.pdf_sha256 == made
    # And once made, the PDF is frozen like the other files.
    submission.pdf_sha256 = "0" * 64
    with pytest.raises(ValidationError):
        submission.save()


def test_a_pdf_whose_task_never_ran_is_made_by_make_missing_pdfs(amager_plan, personas):
    from io import StringIO

    from django.core.management import call_command

    submission = services.report_submit(
        plan=amager_plan,
        kind=Report.Kind.YEARLY,
        year=2024,
        actor=personas.coordinator,
        today=AFTER_THE_PERIOD,
        gaps_confirmed=True,
    )
    # The worker was gone: the after-commit task never ran.
    from django.db import connection

    connection.run_on_commit.clear()
    out = StringIO()
    call_command("make_missing_pdfs", stdout=out)
    assert out.getvalue().strip() == "1 PDF(s) queued."
    submission.refresh_from_db()
    assert submission.pdf_is_made and stored(submission.pdf).startswith(b"%PDF")
    call_command("make_missing_pdfs", stdout=out)
    assert out.getvalue().strip().endswith("0 PDF(s) queued.")


def tamper(field, content: bytes) -> None:
    """Change a stored file behind the app's back (a disk or a bucket edited by hand), under the same name."""
    from django.core.files.base import ContentFile

    storage, name = field.storage, field.name
    storage.delete(name)
    assert storage.save(name, ContentFile(content)) == name


@pytest.mark.parametrize(
    ("file_format", "field"), [("pdf", "pdf"), ("xlsx", "spreadsheet"), ("yaml", "plan_file")]
)
def test_a_frozen_file_changed_in_storage_is_refused_and_logged_on_the_page_and_in_the_api(
    amager_plan, personas, caplog, file_format, field
):
    submission = submit(amager_plan, personas.coordinator)
    kwargs = {"plan": amager_plan.slug, "pk": submission.pk, "format": file_format}
    page_url = reverse("reports:submission_file", kwargs=kwargs)
    api_url = f"/api/plans/{amager_plan.slug}/submissions/{submission.pk}/files/{file_format}"
    client = client_for(personas.reviewer)
    original = stored(getattr(submission, field))
    assert b"".join(client.get(page_url).streaming_content) == original
    assert b"".join(client.get(api_url).streaming_content) == original

    tamper(getattr(submission, field), original + b"\nchanged")

    with caplog.at_level("ERROR", logger="helhedsplan.files"):
        page = client.get(page_url)
        api = client.get(api_url)
    assert page.status_code == 500
    html = page.content.decode()
    assert "Filen er beskadiget" in html and "SHA-256" in html
    assert page["Cache-Control"] == "private, no-store"
    assert "changed" not in html
    assert api.status_code == 500
    assert api.json() == {"detail": "The stored file does not match its SHA-256 and was not sent."}
    logged = [r for r in caplog.records if r.name == "helhedsplan.files"]
    assert len(logged) == 2
    assert getattr(submission, field).name in logged[0].getMessage()
    assert getattr(submission, f"{field}_sha256") in logged[0].getMessage()


def test_a_frozen_file_gone_from_storage_is_a_404(amager_plan, personas):
    submission = submit(amager_plan, personas.coordinator)
    submission.spreadsheet.storage.delete(submission.spreadsheet.name)
    kwargs = {"plan": amager_plan.slug, "pk": submission.pk, "format": "xlsx"}

    assert (
        client_for(personas.reviewer).get(reverse("reports:submission_file", kwargs=kwargs)).status_code
        == 404
    )
