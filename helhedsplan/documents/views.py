"""The documents' pages: the package with Landsbyggefonden's checklist, a document with its versions, uploads
and downloads. Another plan's document is a 404 (the kit fetches every object through the plan)."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from django.views import View

from helhedsplan.core.stored_files import StoredFileDamaged, damaged_file_response, open_checked
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
)

from . import services
from .forms import PlanDocumentForm, VersionForm
from .models import DocumentVersion, PlanDocument
from .selectors import document_package

KEEP = "plan.keep_documents"


def safe_name(text: str) -> str:
    """A file-name part that keeps Danish letters; anything but letters, digits and hyphens is a word break."""
    return slugify(re.sub(r"[^\w-]+", " ", text), allow_unicode=True)


class DocumentListView(PlanTemplateView):
    """The plan's documents and the checklist. Queries: the documents, their versions (the period comes with
    the plan)."""

    template_name = "documents/document_list.html"
    page_title = gettext_lazy("Documents")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["package"] = document_package(self.plan)
        return context


class DocumentDetailView(PlanDetailView):
    model = PlanDocument
    template_name = "documents/document_detail.html"
    prefetch_related = ("versions",)


class DocumentCreateView(PlanCreateView):
    model = PlanDocument
    form_class = PlanDocumentForm
    permission_required = KEEP
    page_title = gettext_lazy("Upload a document")

    def get_initial(self):
        initial = super().get_initial()
        item = self.request.GET.get("punkt", "")
        if item:
            initial["fulfils"] = item[:50]
        return initial

    def create(self, form):
        data = form.model_data()
        return services.document_create(
            plan=self.plan,
            data=data,
            upload=form.upload(),
            note=form.cleaned_data.get("note", ""),
            actor=self.request.user,
        )


class DocumentUpdateView(PlanUpdateView):
    model = PlanDocument
    form_class = PlanDocumentForm
    permission_required = KEEP
    service = staticmethod(services.document_update)

    def object_name(self) -> str:
        return "plan_document"


class DocumentDeleteView(PlanDeleteView):
    model = PlanDocument
    permission_required = KEEP
    service = staticmethod(services.document_delete)

    def object_name(self) -> str:
        return "plan_document"


class VersionCreateView(PlanCreateView):
    model = DocumentVersion
    form_class = VersionForm
    parent_field = "document"
    permission_required = KEEP
    page_title = gettext_lazy("Upload a new version")

    def create(self, form):
        return services.document_version_create(
            document=self.parent,
            upload=form.cleaned_data["file"],
            note=form.cleaned_data.get("note", ""),
            actor=self.request.user,
        )

    def get_success_url(self) -> str:
        return self.parent.get_absolute_url()

    def get_success_message(self) -> str:
        return str(gettext_lazy("A new version of %(name)s was stored.") % {"name": self.parent})


class VersionDownloadView(PlanObjectMixin, View):
    """A version's file, to readers of the plan (a document with contact details: to those who see them)."""

    model = DocumentVersion

    def get_permission_required(self) -> str:
        return self.object.document.download_permission

    def get(self, request, *args, **kwargs):
        version = self.object
        try:
            handle = open_checked(version.file, version.sha256)
        except FileNotFoundError as error:
            raise Http404 from error
        except StoredFileDamaged:
            return damaged_file_response(request, back_url=version.document.get_absolute_url())
        name = f"{safe_name(version.document.title) or version.document_id}-v{version.number}.{version.extension}"
        response = FileResponse(handle, content_type=version.content_type, as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
