"""The documents' pages: the package with Landsbyggefonden's checklist, a document with its versions, uploads
and downloads. Another plan's document is a 404 (the kit fetches every object through the plan)."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from django.views import View

from helhedsplan.core.services import EditConflict
from helhedsplan.core.stored_files import StoredFileDamaged, damaged_file_response, open_checked
from helhedsplan.plans.views import (
    PlanCreateView,
    PlanDeleteView,
    PlanDetailView,
    PlanObjectMixin,
    PlanTemplateView,
    PlanUpdateView,
    rebase_on,
)

from . import services
from .forms import FactSourceForm, PlanDocumentForm, VersionForm
from .models import DocumentVersion, FactSource, PlanDocument, sources_page, sources_url
from .selectors import document_package, fact_and_row_or_404, fact_sources

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


class FactSourceDeleteView(PlanDeleteView):
    """Remove a fact's source (the fact is listed as without one again): a coordinator's act, through the
    service; the source's history stays, and a coordinator can restore it from there."""

    model = FactSource
    permission_required = "plan.manage"
    service = staticmethod(services.fact_source_delete)

    def object_name(self) -> str:
        return "fact_source"

    def get_success_url(self) -> str:
        return sources_url(self.plan) + f"#fact-{self.object.fact}-{self.object.object_id}"


class SourcesView(PlanTemplateView):
    """Every fact the plan states with its source, the facts without one first (for the coordinator). Queries:
    see ``selectors.fact_sources``; whether the reader may set each fact's source is asked of rows already read
    (the role comes with the membership)."""

    template_name = "documents/sources.html"
    page_title = gettext_lazy("Sources")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sources = fact_sources(self.plan)
        user = self.request.user
        context["sources"] = sources
        context["may_set"] = {
            row.anchor for row in sources.rows if user.has_perm(row.fact.permission, row.row)
        }
        context["may_delete"] = user.has_perm("plan.manage", self.plan)
        return context


class FactSourceSetView(PlanCreateView):
    """Name (or change) the source of one fact: asked of the fact's row with the fact's permission (an editor
    of the indicator's delaftale, a coordinator for the plan's figures); a reviewer never sets one."""

    model = FactSource
    form_class = FactSourceForm

    @cached_property
    def fact_and_row(self):
        return fact_and_row_or_404(self.plan, self.kwargs["fact"], self.kwargs["object_id"])

    def get_permission_required(self) -> str:
        return self.fact_and_row[0].permission

    def get_permission_object(self):
        return self.fact_and_row[1]

    @cached_property
    def existing(self) -> FactSource | None:
        fact, row = self.fact_and_row
        return FactSource.objects.in_plan(self.plan).filter(fact=fact.key, object_id=row.pk).first()

    def new_instance(self):
        fact, row = self.fact_and_row
        return self.existing or FactSource(plan=self.plan, fact=fact.key, object_id=row.pk)

    def create(self, form):
        fact, row = self.fact_and_row
        return services.fact_source_set(
            plan=self.plan,
            fact=fact.key,
            object_id=row.pk,
            data=form.model_data(),
            expected_lock_version=form.cleaned_data.get("lock_version"),
            actor=self.request.user,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EditConflict as conflict:
            # Someone changed the source after this form was opened: nothing saved, shown as the kit shows it.
            form.add_error(
                None,
                gettext_lazy(
                    "Someone else saved this after you opened it. Nothing of yours was saved. "
                    "See what changed below; your text is still in the form — save again to overwrite."
                ),
            )
            rebase_on(form, conflict)
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict.conflict))

    def navigation_target(self):
        return sources_page(self.plan)

    def get_success_url(self) -> str:
        fact, row = self.fact_and_row
        return sources_url(self.plan) + f"#fact-{fact.key}-{row.pk}"

    def get_success_message(self) -> str:
        return str(gettext_lazy("The source was saved."))

    def get_page_title(self) -> str:
        fact, row = self.fact_and_row
        name = fact.name(row)
        label = f"{fact.label}: {name}" if name else str(fact.label)
        return str(gettext_lazy("Source of %(fact)s") % {"fact": label})
