"""What the documents' pages read: the plan's documents with their versions, Landsbyggefonden's checklist
of the documents it expects (what is there, what is missing), and the plan's facts with their sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404

from helhedsplan.plans.models import Plan

from .facts import FACTS, Fact
from .models import DocumentVersion, FactSource, PlanDocument, expected_documents


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


@dataclass(frozen=True)
class FactRow:
    """One fact the plan states, with where it comes from."""

    fact: Fact
    #: The row that states it (the plan, an indicator, a funding source, an approval step).
    row: Any
    value: str
    name: str
    #: Its recorded source, or None.
    source: FactSource | None
    #: The source the row names in a field of its own (an approval step's reference).
    own_source: str
    #: The row is example data (its own flag), or its source marks the figure as an example.
    is_example: bool

    @property
    def anchor(self) -> str:
        return f"fact-{self.fact.key}-{self.row.pk}"

    @property
    def needs_source(self) -> bool:
        """A fact without a source and without an example mark: listed for the coordinator."""
        return self.source is None and not self.own_source and not self.is_example


@dataclass(frozen=True)
class FactSources:
    rows: list[FactRow]

    @property
    def without_source(self) -> list[FactRow]:
        return [row for row in self.rows if row.needs_source]


def sources_by_fact(plan: Plan, *keys: str) -> dict[tuple[str, int], FactSource]:
    """The plan's recorded sources of the facts ``keys`` (none given: of every fact), keyed by (fact key, row id), for a page
    that shows the figures with their sources beside them (``{% fact_source %}``). One query, the documents
    with it."""
    sources = FactSource.objects.in_plan(plan).select_related("document__plan")
    if keys:
        sources = sources.filter(fact__in=keys)
    return {(source.fact, source.object_id): source for source in sources}


def sources_by_fact_of_plans(plan_ids, *keys: str) -> dict[tuple[str, int], FactSource]:
    """The recorded sources of the facts ``keys`` in the plans ``plan_ids`` (the API's list of plans), keyed as
    ``sources_by_fact``'s: one query, the documents with it."""
    sources = FactSource.objects.filter(plan_id__in=list(plan_ids), fact__in=keys).select_related("document")
    return {(source.fact, source.object_id): source for source in sources}


def fact_sources(plan: Plan) -> FactSources:
    """Every fact the plan states (``facts.FACTS``) with its source. Queries: one per registered kind of row
    that is not the plan itself (indicators 1, funding sources 2, approval steps 1) and one for the sources with
    their documents."""
    sources = {
        (source.fact, source.object_id): source
        for source in FactSource.objects.in_plan(plan).select_related("document__plan", "plan")
    }
    rows: list[FactRow] = []
    for fact in FACTS.values():
        for row in fact.rows(plan):
            source = sources.get((fact.key, row.pk))
            rows.append(
                FactRow(
                    fact=fact,
                    row=row,
                    value=fact.value(row),
                    name=fact.name(row),
                    source=source,
                    own_source=fact.own_source(row),
                    is_example=bool(getattr(row, "is_example", False))
                    or bool(source and source.kind == "example"),
                )
            )
    return FactSources(rows=rows)


def fact_and_row_or_404(plan: Plan, key: str, object_id: int) -> tuple[Fact, Any]:
    """The registered fact ``key`` and the plan's row ``object_id`` that states it; another plan's row, or one
    that states no such fact, is a 404 (one query)."""
    fact = FACTS.get(key)
    row = next((row for row in fact.rows(plan) if row.pk == object_id), None) if fact else None
    if fact is None or row is None:
        raise Http404
    return fact, row
