"""The document package: upload, new versions, downloads per role with the SHA-256 as stored, the checklist, and
hostile files refused with a Danish message and nothing stored."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helhedsplan.documents import services
from helhedsplan.documents.models import DocumentVersion, PlanDocument
from helhedsplan.documents.selectors import document_package
from tests.documents.factories import PDF_BYTES, document_with_version, office_bytes, pdf_upload
from tests.world import ROLES, snapshot

pytestmark = pytest.mark.django_db

DOWNLOAD_STATUS = {
    "anonymous": 302,
    "outsider": 404,
    "other_plan_coordinator": 404,
    "reviewer": 200,
    "limited_editor": 200,
    "editor": 200,
    "coordinator": 200,
}


def _create_url(plan) -> str:
    return reverse("documents:document_create", kwargs={"plan": plan.slug})


def _download(client, plan, version):
    return client.get(reverse("documents:version_download", kwargs={"plan": plan.slug, "pk": version.pk}))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_upload_new_version_and_download_by_every_role(amager_plan, personas, client_for):
    coordinator = client_for(personas.coordinator)
    response = coordinator.post(
        _create_url(amager_plan),
        {
            "kind": "terms_of_reference",
            "title": "Kommissorium",
            "fulfils": "terms-of-reference",
            "file": pdf_upload("kommissorium.pdf"),
        },
    )
    assert response.status_code == 302
    document = PlanDocument.objects.in_plan(amager_plan).get(title="Kommissorium")
    first = document.versions.get()
    assert (first.number, first.sha256, first.size) == (
        1,
        hashlib.sha256(PDF_BYTES).hexdigest(),
        len(PDF_BYTES),
    )
    assert first.content_type == "application/pdf"

    second_bytes = PDF_BYTES + b"% rettet\n"
    editor = client_for(personas.editor)
    response = editor.post(
        reverse("documents:version_create", kwargs={"plan": amager_plan.slug, "document": document.pk}),
        {"file": pdf_upload("kommissorium-2.pdf", second_bytes), "note": "Formandskab ændret"},
    )
    assert response.status_code == 302
    second = document.versions.get(number=2)
    assert second.sha256 == hashlib.sha256(second_bytes).hexdigest()

    for role in ROLES:
        client = client_for(personas[role])
        for version, content in ((first, PDF_BYTES), (second, second_bytes)):
            response = _download(client, amager_plan, version)
            assert response.status_code == DOWNLOAD_STATUS[role], role
            if response.status_code == 200:
                body = _body(response)
                # The file as stored: its hash is the one recorded, the old version still readable.
                assert body == content
                assert hashlib.sha256(body).hexdigest() == version.sha256
                assert response["Content-Type"] == "application/pdf"
                assert "attachment" in response["Content-Disposition"]
    # The checklist shows the kommissorium as present.
    package = document_package(amager_plan)
    item = next(item for item in package.checklist if item.key == "terms-of-reference")
    assert item.document == document
    assert "organisation-chart" in {item.key for item in package.missing}


def test_a_reviewer_never_downloads_a_document_with_contact_details(amager_plan, personas, client_for):
    document = document_with_version(amager_plan, title="Telefonliste", personal_data=True)
    version = document.versions.get()
    assert _download(client_for(personas.reviewer), amager_plan, version).status_code == 403
    assert _download(client_for(personas.editor), amager_plan, version).status_code == 200
    page = client_for(personas.reviewer).get(reverse("documents:list", kwargs={"plan": amager_plan.slug}))
    assert reverse("documents:version_download", kwargs={"plan": amager_plan.slug, "pk": version.pk}) not in (
        page.content.decode()
    )


def _zip_bomb() -> bytes:
    """An Office-looking zip whose one part unpacks to 200 MB of zeros (about 200 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(1 << 20)
            for _ in range(200):
                part.write(chunk)
    return buffer.getvalue()


def _lying_zip() -> bytes:
    """A zip whose part claims a tiny size in its headers but holds 50 MB: unpacking stops at the claimed size
    and the CRC check fails, so it is refused as a broken file."""
    content = office_bytes(extra={"word/media/big.bin": bytes(50 << 20)})
    data = bytearray(content)
    # Rewrite the declared uncompressed size of the big part (local and central headers) to 10 bytes.
    name = b"word/media/big.bin"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_length_at = 26 if signature == b"PK\x03\x04" else 28
            name_length = int.from_bytes(data[start + name_length_at : start + name_length_at + 2], "little")
            header = 30 if signature == b"PK\x03\x04" else 46
            if data[start + header : start + header + name_length] == name:
                data[start + offset : start + offset + 4] = (10).to_bytes(4, "little")
            start += 4
    return bytes(data)


HOSTILE = [
    ("not_allowed_type", "referat.pdf", b"MZ\x90\x00 this is a Windows program"),
    ("not_allowed_type", "rapport.pdf", b"<html><script>alert(1)</script></html>"),
    ("not_allowed_type", "regneark.xlsx", office_bytes(main_part="other/thing.xml")),
    ("zip_bomb", "budget.xlsx", _zip_bomb()),
    ("not_allowed_type", "budget.docx", _lying_zip()),
    ("path_name", "../../settings.pdf", PDF_BYTES),
    ("path_name", "..\\..\\boot.pdf", PDF_BYTES),
    ("path_name", ".htaccess", PDF_BYTES),
    ("empty", "tom.pdf", b""),
]


@pytest.mark.parametrize(("code", "name", "content"), HOSTILE, ids=[f"{c}:{n}" for c, n, _ in HOSTILE])
def test_hostile_files_are_refused_by_the_service_and_nothing_is_stored(
    amager_plan, code, name, content, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    before = snapshot()
    # A plain File, as an API or an import would hand it over: without an upload's own clean-up of the name.
    upload = File(io.BytesIO(content), name=name)
    with pytest.raises(ValidationError) as refusal:
        services.document_create(
            plan=amager_plan, data={"kind": "annex", "title": "Fjendtlig"}, upload=upload, actor=None
        )
    assert code in {error.code for error in refusal.value.error_list}
    assert snapshot() == before
    assert not (tmp_path / "documents").exists() or not any((tmp_path / "documents").rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("referat.pdf", b"MZ\x90\x00 a program", "Filen er ikke en af de tilladte typer"),
        ("budget.xlsx", _zip_bomb(), "Filen pakkes ud til mere end"),
    ],
)
def test_hostile_uploads_through_the_page_get_a_danish_message(
    amager_plan, personas, client_for, name, content, message
):
    before = snapshot()
    response = client_for(personas.coordinator).post(
        _create_url(amager_plan),
        {"kind": "annex", "title": "Fjendtlig", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_too_large_file_is_refused(amager_plan, personas, client_for, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    before = snapshot()
    response = client_for(personas.coordinator).post(
        _create_url(amager_plan),
        {"kind": "annex", "title": "Stor", "file": pdf_upload("stor.pdf", PDF_BYTES + bytes(200))},
    )
    assert "Filen er for stor" in response.content.decode()
    assert snapshot() == before


def test_a_path_in_an_uploaded_name_never_reaches_storage(amager_plan, personas, client_for):
    # Django's form parser keeps only the last part of a name; the stored file's name is random anyway.
    response = client_for(personas.coordinator).post(
        _create_url(amager_plan),
        {"kind": "annex", "title": "Sti", "file": pdf_upload("../../../etc/kort.pdf")},
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document__title="Sti")
    assert "/" not in version.original_name and ".." not in version.original_name
    assert version.file.name.startswith(f"documents/{amager_plan.pk}/")


def test_docx_xlsx_and_images_are_accepted_by_content(amager_plan):
    for name, content, kind in [
        (
            "notat.docx",
            office_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "tal.xlsx",
            office_bytes("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("kort.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png"),
        # A JPEG named .pdf is a JPEG: the content decides, not the name.
        ("billede.pdf", b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
    ]:
        document = services.document_create(
            plan=amager_plan,
            data={"kind": "other", "title": name},
            upload=SimpleUploadedFile(name, content),
            actor=None,
        )
        assert document.versions.get().content_type == kind


def test_another_plans_document_is_not_found(amager_plan, other_plan, personas, client_for):
    other = document_with_version(other_plan, title="Et tredje bilag")
    client = client_for(personas.coordinator)
    assert _download(client, amager_plan, other.versions.get()).status_code == 404
    assert (
        client.get(
            reverse("documents:document", kwargs={"plan": amager_plan.slug, "pk": other.pk})
        ).status_code
        == 404
    )


def test_a_checklist_item_must_be_the_periods(amager_plan):
    with pytest.raises(ValidationError) as refusal:
        services.document_create(
            plan=amager_plan,
            data={"kind": "annex", "title": "X", "fulfils": "opfundet"},
            upload=pdf_upload(),
            actor=None,
        )
    assert "fulfils" in refusal.value.message_dict


def test_list_and_detail_queries(amager_plan, personas, client_for, django_assert_num_queries):
    for n in range(3):
        document_with_version(amager_plan, title=f"Bilag {n}")
    client = client_for(personas.coordinator)
    url = reverse("documents:list", kwargs={"plan": amager_plan.slug})
    client.get(url)
    document = PlanDocument.objects.in_plan(amager_plan).first()
    # Session, user; the plan with the user's membership, the membership's limits (access); the documents;
    # their versions; the plan's funding period (its checklist). The permission checks read the cached membership.
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    detail = reverse("documents:document", kwargs={"plan": amager_plan.slug, "pk": document.pk})
    # Session, user, plan with membership, limits; the document with its plan; its versions.
    with django_assert_num_queries(6):
        assert client.get(detail).status_code == 200


def test_a_document_changed_in_storage_is_refused_logged_and_never_sent(
    amager_plan, personas, client_for, caplog
):
    from django.core.files.base import ContentFile

    document = document_with_version(amager_plan, actor=personas.coordinator)
    version = document.versions.get()
    client = client_for(personas.reviewer)
    assert hashlib.sha256(_body(_download(client, amager_plan, version))).hexdigest() == version.sha256
    storage, name = version.file.storage, version.file.name
    storage.delete(name)
    assert storage.save(name, ContentFile(PDF_BYTES + b"% swapped in storage\n")) == name

    with caplog.at_level("ERROR", logger="helhedsplan.files"):
        response = _download(client, amager_plan, version)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Filen er beskadiget" in html
    assert "swapped in storage" not in html
    assert document.get_absolute_url() in html
    [record] = [r for r in caplog.records if r.name == "helhedsplan.files"]
    assert name in record.getMessage() and version.sha256 in record.getMessage()
