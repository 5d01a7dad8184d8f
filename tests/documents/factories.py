import datetime
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from helhedsplan.documents import services
from helhedsplan.documents.models import FactSource, PlanDocument
from tests.plans.factories import PlanFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def pdf_upload(name: str = "kommissorium.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_bytes(main_part: str = "word/document.xml", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office file (a zip with its content types and its main part)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


class PlanDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanDocument

    plan = factory.SubFactory(PlanFactory)
    kind = PlanDocument.Kind.ANNEX
    title = factory.Sequence(lambda n: f"Bilag {n}")
    date = datetime.date(2021, 11, 4)


def document_with_version(plan, *, title: str = "Kort over området", actor=None, **data) -> PlanDocument:
    """A document of ``plan`` with one stored PDF version, made as the upload page makes it."""
    return services.document_create(
        plan=plan,
        data={"kind": PlanDocument.Kind.ANNEX, "title": title, **data},
        upload=pdf_upload(),
        actor=actor,
    )


class FactSourceFactory(factory.django.DjangoModelFactory):
    """A fact's source named as a public document (the plan's homes by default: set ``fact`` and ``object_id``
    for another fact)."""

    class Meta:
        model = FactSource

    plan = factory.SubFactory(PlanFactory)
    fact = "plan-homes"
    object_id = factory.LazyAttribute(lambda source: source.plan.pk)
    reference = "Indstilling fra Teknik- og Miljøforvaltningen"
