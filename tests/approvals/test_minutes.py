"""Minutes: PDF only (by name and by content), size-limited, stored privately, downloaded only by members."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse

from helhedsplan.approvals.models import EstateDecision
from helhedsplan.approvals.views import safe_name
from helhedsplan.plans.models import Membership
from tests.approvals.factories import EstateDecisionFactory
from tests.plans.factories import EstateFactory, MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def decision():
    return EstateDecisionFactory(
        estate=EstateFactory(name="Støberigården I+II"),
        body=EstateDecision.Body.DEPARTMENT_BOARD,
        result=EstateDecision.Result.PENDING,
        date=None,
    )


@pytest.fixture
def coordinator(decision):
    return MembershipFactory(plan=decision.estate.plan, role=Membership.Role.COORDINATOR).user


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def post_decision(client, decision, upload, **extra):
    data = {
        "lock_version": decision.lock_version,
        "estate": decision.estate_id,
        "body": decision.body,
        "result": "approved",
        "date": "2021-11-04",
        "votes_for": "7",
        "votes_against": "0",
        **extra,
    }
    if upload is not None:
        data["minutes"] = upload
    url = reverse("approvals:decision_update", kwargs={"plan": decision.estate.plan.slug, "pk": decision.pk})
    return client.post(url, data)


def minutes_url(decision) -> str:
    return reverse("approvals:minutes", kwargs={"plan": decision.estate.plan.slug, "pk": decision.pk})


def test_a_pdf_is_stored_privately_and_members_can_download_it(client, decision, coordinator, media_root):
    client.force_login(coordinator)

    response = post_decision(client, decision, SimpleUploadedFile("referat.pdf", PDF, "application/pdf"))

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.minutes.name.startswith(f"minutes/{decision.estate.plan_id}/")
    assert decision.minutes.name.endswith(".pdf")
    assert (media_root / decision.minutes.name).read_bytes() == PDF
    # Nothing serves the media prefix: the only way to the file is the permission-checked view.
    with pytest.raises(Resolver404):
        resolve(decision.minutes.url)

    reviewer = MembershipFactory(plan=decision.estate.plan, role=Membership.Role.REVIEWER).user
    client.force_login(reviewer)
    download = client.get(minutes_url(decision))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    # The estate's Danish letters stay in the file name: "Støberigården I+II" is not "stberigarden".
    assert "referat-st%C3%B8berig%C3%A5rden-i-ii-" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("referat.docx", b"PK\x03\x04 not a pdf", "application/vnd.openxmlformats"),
        ("referat.txt", PDF, "text/plain"),  # a PDF's bytes under another name
        ("referat.pdf", b"<html>not a pdf</html>", "application/pdf"),  # a PDF's name on something else
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_saved(
    client, decision, coordinator, media_root, name, content, content_type
):
    client.force_login(coordinator)
    before = EstateDecision.objects.values().get(pk=decision.pk)

    response = post_decision(client, decision, SimpleUploadedFile(name, content, content_type))

    assert response.status_code == 200
    errors = response.context["form"].errors["minutes"]
    assert errors and all(message for message in errors)
    assert "invalid-feedback" in response.content.decode()
    assert EstateDecision.objects.values().get(pk=decision.pk) == before
    assert stored_files(media_root) == []


def test_an_oversized_pdf_is_refused_and_nothing_saved(client, decision, coordinator, media_root, settings):
    settings.MINUTES_MAX_UPLOAD_BYTES = 1024
    client.force_login(coordinator)
    before = EstateDecision.objects.values().get(pk=decision.pk)

    big = PDF + b"0" * 2048
    response = post_decision(client, decision, SimpleUploadedFile("referat.pdf", big, "application/pdf"))

    assert response.status_code == 200
    [message] = response.context["form"].errors["minutes"]
    assert "1,0" in message or "1.0" in message  # the limit is named in the message
    assert EstateDecision.objects.values().get(pk=decision.pk) == before
    assert stored_files(media_root) == []


def test_replacing_and_removing_minutes_deletes_the_old_file(
    client, decision, coordinator, media_root, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        post_decision(client, decision, SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    decision.refresh_from_db()
    first = decision.minutes.name

    with django_capture_on_commit_callbacks(execute=True):
        post_decision(client, decision, SimpleUploadedFile("b.pdf", PDF + b"%2", "application/pdf"))
    decision.refresh_from_db()
    assert decision.minutes.name != first
    assert [p.name for p in stored_files(media_root)] == [decision.minutes.name.rsplit("/", 1)[1]]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_decision(client, decision, None, remove_minutes="on")
    assert response.status_code == 302
    decision.refresh_from_db()
    assert not decision.minutes
    assert stored_files(media_root) == []
    assert client.get(minutes_url(decision)).status_code == 404


def test_deleting_a_decision_deletes_its_minutes(
    client, decision, coordinator, media_root, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    post_decision(client, decision, SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    assert len(stored_files(media_root)) == 1

    url = reverse("approvals:decision_delete", kwargs={"plan": decision.estate.plan.slug, "pk": decision.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302

    assert stored_files(media_root) == []


def test_only_members_can_download(client, decision, coordinator):
    client.force_login(coordinator)
    post_decision(client, decision, SimpleUploadedFile("referat.pdf", PDF, "application/pdf"))
    url = minutes_url(decision)

    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

    other_plan_member = MembershipFactory(plan=PlanFactory(), role=Membership.Role.COORDINATOR).user
    client.force_login(other_plan_member)
    assert client.get(url).status_code == 404


def test_a_decision_without_minutes_has_nothing_to_download(client, decision, coordinator):
    client.force_login(coordinator)
    assert client.get(minutes_url(decision)).status_code == 404


def test_a_missing_file_is_a_404_not_an_error(client, decision, coordinator, media_root):
    client.force_login(coordinator)
    post_decision(client, decision, SimpleUploadedFile("referat.pdf", PDF, "application/pdf"))
    decision.refresh_from_db()
    (media_root / decision.minutes.name).unlink()

    assert client.get(minutes_url(decision)).status_code == 404


def test_the_model_refuses_a_file_that_is_not_a_pdf_whoever_writes(decision, media_root):
    """The PDF rule is the model's: a service call (the admin, an import) is refused like the form."""
    from django.core.exceptions import ValidationError

    from helhedsplan.approvals import services

    with pytest.raises(ValidationError) as raised:
        services.estate_decision_update(
            estate_decision=decision,
            data={},
            minutes=SimpleUploadedFile("referat.pdf", b"<html>", "application/pdf"),
            expected_lock_version=decision.lock_version,
            actor=None,
        )
    assert "minutes" in raised.value.message_dict
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Støberigården I+II", "støberigården-i-ii"),
        ("Ærtebjerg/Øst", "ærtebjerg-øst"),
        ("../../etc\\passwd", "etc-passwd"),
        ("Remisevænget Øst.", "remisevænget-øst"),
    ],
)
def test_a_minutes_file_name_keeps_danish_letters_and_nothing_that_leaves_its_folder(name, safe):
    assert safe_name(name) == safe
