"""A version's document as PDF (``plans.exporters``): the stored snapshot, through the report's PDF machinery
(WeasyPrint over one self-contained HTML document)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from helhedsplan.core.stored_files import refuse_unless_matching
from helhedsplan.plans.exporters import PDF, Export, Exporter, ExportRequest, Format, register

from .models import PlanVersion
from .selectors import DocumentSection, version_document, version_or_none
from .snapshot import sha256_hex


def _static_text(path: str) -> str:
    found = finders.find(path)
    return Path(str(found)).read_text(encoding="utf-8") if found else ""


@dataclass(frozen=True)
class VersionDocument:
    version: PlanVersion
    sections: list[DocumentSection]


def version_document_html(data: VersionDocument) -> str:
    styles = "\n".join(_static_text(p) for p in ("css/report.css", "css/report-pdf.css"))
    return render_to_string(
        "versions/version_document.html",
        {"version": data.version, "sections": data.sections, "styles": styles, "for_pdf": True},
    )


@register
class VersionExporter(Exporter[VersionDocument]):
    name = "version"
    verbose_name = gettext_lazy("Plan version")
    formats = (PDF,)

    def read(self, request: ExportRequest) -> Export[VersionDocument]:
        assert request.plan is not None
        version = version_or_none(request.plan, request.kwargs["number"])
        if version is None:
            raise Http404("no such version")
        # The document is made from the frozen snapshot: only from the one its SHA-256 was taken of.
        refuse_unless_matching(
            found=sha256_hex(version.snapshot.encode("utf-8")),
            expected=version.sha256,
            name=f"{request.plan.slug}: version {version.number}'s snapshot",
        )
        return Export(
            VersionDocument(version, version_document(version)),
            what=f"version-{version.number}",
            as_of=version.submitted_at.date(),
        )

    def render(self, export: Export[VersionDocument], format: Format) -> bytes:
        from weasyprint import HTML  # loads Pango only when a PDF is made

        return HTML(string=version_document_html(export.data)).write_pdf()
