"""Writes of the documents: a document with its first file, a new version, a change of its facts, a delete.

Every file is checked (``files.check_upload``: its kind by content, its size, what a zip unpacks to, a plain
name) before anything is stored, and stored through the field's storage (Django's storage API). A stored version
is never changed; a deleted document's files leave storage once the delete is committed.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max

from helhedsplan.core.services import Data, object_create, object_delete, object_update
from helhedsplan.plans.models import Plan

from . import files
from .models import DocumentVersion, FactSource, PlanDocument


def _add_version(*, document: PlanDocument, upload: File, note: str, actor: Any) -> DocumentVersion:
    name = upload.name or ""
    checked = files.check_upload(upload, size=upload.size or 0, name=name)
    latest = DocumentVersion.objects.filter(document=document).aggregate(latest=Max("number"))["latest"]
    version = DocumentVersion(
        document=document,
        number=(latest or 0) + 1,
        original_name=name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        note=note,
    )
    version.file = upload
    return object_create(version, actor=actor)


@transaction.atomic
def document_create(*, plan: Plan, data: Data, upload: File, note: str = "", actor: Any) -> PlanDocument:
    """A new document of the plan with its first version (``upload``). Nothing is stored when the file or the
    document's facts are refused."""
    files.check_upload(upload, size=upload.size or 0, name=upload.name or "")
    document = object_create(PlanDocument(plan=plan), data=data, actor=actor)
    _add_version(document=document, upload=upload, note=note, actor=actor)
    return document


@transaction.atomic
def document_version_create(
    *, document: PlanDocument, upload: File, note: str = "", actor: Any
) -> DocumentVersion:
    """A new version of ``document``: the file ``upload``, numbered after the latest. The old ones stay."""
    # The document's row lock makes two uploads at once number one after the other.
    PlanDocument.objects.select_for_update().filter(pk=document.pk).first()
    return _add_version(document=document, upload=upload, note=note, actor=actor)


def document_update(
    *, plan_document: PlanDocument, data: Data, expected_lock_version: int | None, actor: Any
) -> PlanDocument:
    """Change the document's facts (type, title, date, checklist item); its files stay as they are."""
    return object_update(plan_document, data=data, expected_lock_version=expected_lock_version, actor=actor)


@transaction.atomic
def document_delete(*, plan_document: PlanDocument, actor: Any) -> None:
    """Delete the document with its versions, and once that is committed their files."""
    stored = [(version.file.storage, version.file.name) for version in plan_document.versions.all()]
    object_delete(plan_document, actor=actor)

    def delete_files() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(delete_files)


# Sources of facts ----------------------------------------------------------------------------------------------

EMPTY_SOURCE: Data = {
    "document": None,
    "page": None,
    "url": "",
    "read_on": None,
    "reference": "",
    "is_example": False,
}


@transaction.atomic
def fact_source_set(
    *, plan: Plan, fact: str, object_id: int, data: Data, expected_lock_version: int | None, actor: Any
) -> FactSource:
    """Name where the fact ``fact`` of the row ``object_id`` comes from (or mark it as example data): a new
    source, or a change of the one it has. The model's rules decide (one kind of source, a document of this
    plan, an http(s) address read on a day not in the future)."""
    # The source named replaces the one before whole: what ``data`` leaves out is empty, not kept.
    data = {**EMPTY_SOURCE, **data}
    existing = (
        FactSource.objects.select_for_update().filter(plan=plan, fact=fact, object_id=object_id).first()
    )
    if existing is None:
        return object_create(FactSource(plan=plan, fact=fact, object_id=object_id), data=data, actor=actor)
    return object_update(existing, data=data, expected_lock_version=expected_lock_version, actor=actor)


def fact_source_delete(*, fact_source: FactSource, actor: Any) -> None:
    """Remove a fact's source: the fact is listed as without a source again."""
    object_delete(fact_source, actor=actor)
