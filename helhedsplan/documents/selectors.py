"""What the documents' pages read: the plan's documents with their versions, and Landsbyggefonden's checklist
of the documents it expects (what is there, what is missing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from helhedsplan.plans.models import Plan

from .models import DocumentVersion, PlanDocument, expected_documents


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    kind: str
    #: The plan's document that is this item, or None while it is missing.
    document: PlanDocument | None


@dataclass(frozen=True)
class DocumentPackage:
    documents: list[PlanDocument]
    checklist: list[ChecklistItem]

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.checklist if item.document is None]


def documents_with_versions(plan: Plan):
    """The plan's documents, each with its versions newest first (two queries)."""
    return (
        PlanDocument.objects.in_plan(plan)
        .select_related("plan")
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")))
    )


def document_package(plan: Plan) -> DocumentPackage:
    """Every document of the plan with its versions, and the checklist of its funding period's template, each
    item with the document that is it (two queries: the documents, their versions; the period comes with the
    plan)."""
    documents = list(documents_with_versions(plan))
    by_item = {document.fulfils: document for document in documents if document.fulfils}
    checklist = [
        ChecklistItem(
            key=row.get("key", ""),
            title=row.get("title", ""),
            kind=row.get("kind", ""),
            document=by_item.get(row.get("key", "")),
        )
        for row in expected_documents(plan)
    ]
    return DocumentPackage(documents=documents, checklist=checklist)


def document_choices(plan: Plan):
    """The plan's documents to choose from (a body's kommissorium, a fact's source)."""
    return PlanDocument.objects.in_plan(plan).order_by("title")
