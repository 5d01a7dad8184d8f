"""``import_plan --replace`` and deleting a plan: the uploaded minutes stay with their decisions, the files the
plan file does not carry (documents, governance minutes) go, and no file is left on disk that no row refers
to."""

import copy

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from helhedsplan.approvals.models import EstateDecision
from helhedsplan.approvals.services import estate_decision_update
from helhedsplan.documents.services import document_version_create
from helhedsplan.planfiles.demo import AMAGER_FILE, ensure_demo_logins
from helhedsplan.planfiles.importer import delete_plan, import_plan, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Plan
from tests.documents.factories import document_with_version, pdf_upload
from tests.governance.factories import MINUTES_PDF, BodyFactory, MeetingFactory
from tests.versions.factories import forget_versions

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    """A throw-away MEDIA_ROOT of this test's own (tests/conftest.py sets one for every test; named here)."""
    settings.MEDIA_ROOT = tmp_path / "replace-media"
    return settings.MEDIA_ROOT


def stored_files(root) -> set[str]:
    """Every file under ``root``, as a storage name (``minutes/12/ab….pdf``)."""
    return (
        {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
        if root.exists()
        else set()
    )


def referenced_files() -> set[str]:
    return set(EstateDecision.objects.exclude(minutes="").values_list("minutes", flat=True))


def upload_minutes(decision: EstateDecision, content: bytes = PDF) -> str:
    estate_decision_update(
        estate_decision=decision,
        data={},
        minutes=SimpleUploadedFile("referat.pdf", content, "application/pdf"),
        expected_lock_version=decision.lock_version,
        actor=None,
    )
    return decision.minutes.name


def minutes_of(estate: str) -> bytes:
    """A PDF of its own for each estate, to tell the files apart."""
    return PDF + f"% {estate}\n".encode()


def decision_of(plan: Plan, estate: str) -> EstateDecision:
    return EstateDecision.objects.get(estate__plan=plan, estate__name=estate)


@pytest.fixture
def amager_with_minutes(amager_plan, media_root, django_capture_on_commit_callbacks):
    """The Amager plan with minutes uploaded for Hørgården's and Dyvekevænget's decisions (and no version: a plan
    with an approved version is never replaced, tests/versions)."""
    forget_versions(amager_plan)
    with django_capture_on_commit_callbacks(execute=True):
        names = {
            estate: upload_minutes(decision_of(amager_plan, estate), minutes_of(estate))
            for estate in ("Hørgården", "Dyvekevænget")
        }
    assert stored_files(media_root) == set(names.values())
    return amager_plan, names


def test_replace_keeps_the_minutes_of_every_decision_still_in_the_file(
    amager_with_minutes, media_root, django_capture_on_commit_callbacks, client_for
):
    old_plan, names = amager_with_minutes
    data = copy.deepcopy(read(AMAGER_FILE))

    with django_capture_on_commit_callbacks(execute=True):
        plan = import_plan(data, replace=True)

    assert plan.pk != old_plan.pk
    for estate, name in names.items():
        decision = decision_of(plan, estate)
        assert decision.minutes.name == name
        with decision.minutes.open("rb") as handle:
            assert handle.read() == minutes_of(estate)
    assert stored_files(media_root) == referenced_files() == set(names.values())

    # And the coordinator still downloads them from the new decision's page.
    ensure_demo_logins(plan)
    kommune = plan.memberships.get(user__username="kommune").user
    decision = decision_of(plan, "Hørgården")
    download = client_for(kommune).get(
        reverse("approvals:minutes", kwargs={"plan": plan.slug, "pk": decision.pk})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == minutes_of("Hørgården")


def test_replace_deletes_the_minutes_of_a_decision_the_file_no_longer_has(
    amager_with_minutes, media_root, django_capture_on_commit_callbacks
):
    _old_plan, names = amager_with_minutes
    data = copy.deepcopy(read(AMAGER_FILE))
    dyvekevaenget = next(row for row in data["estates"] if row["name"] == "Dyvekevænget")
    dyvekevaenget["decisions"] = []

    with django_capture_on_commit_callbacks(execute=True):
        plan = import_plan(data, replace=True)

    assert not EstateDecision.objects.filter(estate__plan=plan, estate__name="Dyvekevænget").exists()
    assert decision_of(plan, "Hørgården").minutes.name == names["Hørgården"]
    assert stored_files(media_root) == referenced_files() == {names["Hørgården"]}


def test_a_refused_replace_leaves_the_plan_and_its_minutes_as_they_were(
    amager_with_minutes, media_root, django_capture_on_commit_callbacks
):
    old_plan, names = amager_with_minutes
    data = copy.deepcopy(read(AMAGER_FILE))
    data["estates"][0]["decisions"] = []  # would orphan Hørgården's minutes …
    data["plan"]["end_date"] = data["plan"]["start_date"]  # … but the file is refused

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PlanFileError):
        import_plan(data, replace=True)

    assert Plan.objects.get().pk == old_plan.pk
    assert {decision_of(old_plan, estate).minutes.name for estate in names} == set(names.values())
    assert stored_files(media_root) == set(names.values())


def test_the_replace_command_keeps_the_minutes(
    amager_with_minutes, media_root, django_capture_on_commit_callbacks
):
    _old_plan, names = amager_with_minutes

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_plan", str(AMAGER_FILE), replace=True)

    plan = Plan.objects.get()
    assert {decision_of(plan, estate).minutes.name for estate in names} == set(names.values())
    assert stored_files(media_root) == set(names.values())


def test_deleting_a_plan_deletes_its_minutes_files(
    amager_with_minutes, media_root, django_capture_on_commit_callbacks
):
    plan, _names = amager_with_minutes

    with django_capture_on_commit_callbacks(execute=True):
        delete_plan(plan)

    assert stored_files(media_root) == set()


@pytest.fixture
def amager_with_documents(amager_with_minutes, django_capture_on_commit_callbacks):
    """The Amager plan as above, with a document of two versions and a governance meeting's minutes stored too:
    files the plan file does not carry."""
    plan, names = amager_with_minutes
    with django_capture_on_commit_callbacks(execute=True):
        document = document_with_version(plan, title="Kort over området")
        document_version_create(document=document, upload=pdf_upload("kort-v2.pdf"), actor=None)
        meeting = MeetingFactory(body=BodyFactory(plan=plan))
        meeting.minutes.save("referat.pdf", ContentFile(MINUTES_PDF), save=True)
    others = {v.file.name for v in document.versions.all()} | {meeting.minutes.name}
    assert len(others) == 3
    return plan, names, others


def test_replace_deletes_the_documents_and_meeting_minutes_the_file_does_not_carry(
    amager_with_documents, media_root, django_capture_on_commit_callbacks
):
    _plan, names, others = amager_with_documents
    assert others <= stored_files(media_root)

    with django_capture_on_commit_callbacks(execute=True):
        import_plan(copy.deepcopy(read(AMAGER_FILE)), replace=True)

    # The estates' minutes are handed on; the documents' and the meeting's files left storage.
    assert stored_files(media_root) == set(names.values())


def test_a_refused_replace_keeps_the_documents_files(
    amager_with_documents, media_root, django_capture_on_commit_callbacks
):
    _plan, names, others = amager_with_documents
    data = copy.deepcopy(read(AMAGER_FILE))
    data["plan"]["end_date"] = data["plan"]["start_date"]

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PlanFileError):
        import_plan(data, replace=True)

    assert stored_files(media_root) == set(names.values()) | others


def test_deleting_a_plan_deletes_its_documents_and_meeting_minutes(
    amager_with_documents, media_root, django_capture_on_commit_callbacks
):
    plan, _names, _others = amager_with_documents

    with django_capture_on_commit_callbacks(execute=True):
        delete_plan(plan)

    assert stored_files(media_root) == set()


def _superuser_client():
    from django.test import Client

    from tests.plans.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True, password=None))
    return client


def test_a_superuser_deleting_a_plan_in_the_admin_deletes_its_stored_files(
    amager_with_documents, media_root, django_capture_on_commit_callbacks
):
    plan, names, others = amager_with_documents
    assert stored_files(media_root) == set(names.values()) | others
    client = _superuser_client()
    address = reverse("admin:plans_plan_delete", args=[plan.pk])
    assert client.get(address).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address, {"post": "yes"})

    assert response.status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert stored_files(media_root) == set()


def test_the_admins_delete_action_on_many_plans_deletes_their_stored_files(
    amager_with_documents, media_root, django_capture_on_commit_callbacks
):
    plan, _names, _others = amager_with_documents
    client = _superuser_client()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:plans_plan_changelist"),
            {"action": "delete_selected", "_selected_action": [plan.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert stored_files(media_root) == set()
