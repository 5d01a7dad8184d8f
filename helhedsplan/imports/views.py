"""The import pages: download the template and upload the filled file (``ImportView``), then the dry run's
preview, where "Gem" applies it (``PreviewView``). A preview is its uploader's: anyone else is told it does not
exist. Every row's rights are judged in the dry run and again when it is applied (``services``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.navigation import Crumb
from helhedsplan.plans.views import PlanViewMixin

from . import selectors, services
from .forms import UploadForm
from .models import ImportPreview
from .reading import MAX_ROWS, UnreadableFile

IMPORT_DATA = "plan.import_data"


class ImportView(PlanViewMixin, generic.FormView):
    template_name = "imports/start.html"
    form_class = UploadForm
    permission_required = IMPORT_DATA
    page_title = gettext_lazy("Import from a spreadsheet")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            may_enter_actual_spend=selectors.may_enter_actual_spend(self.plan, self.request.user),
            max_rows=MAX_ROWS,
            sub_agreements=selectors.sub_agreements_of(self.plan),
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            preview = services.import_preview_create(
                plan=self.plan, file_name=upload.name, content=upload.read(), actor=self.request.user
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return HttpResponseRedirect(preview.get_absolute_url())


class PreviewView(PlanViewMixin, generic.TemplateView):
    """The dry run's outcome, row by row; its "Gem" button posts to ``ApplyView``."""

    template_name = "imports/preview.html"
    permission_required = IMPORT_DATA

    @cached_property
    def preview(self) -> ImportPreview:
        found = (
            ImportPreview.objects.filter(
                plan=self.plan, created_by=self.request.user.pk, pk=self.kwargs["pk"]
            )
            .select_related("plan")
            .first()
        )
        if found is None:
            raise Http404("no such preview")
        return found

    def check_permissions(self) -> None:
        super().check_permissions()
        # Another user's preview does not exist for this one, whatever the method: a 404 before any handler.
        assert self.preview is not None

    def get_page_title(self) -> str:
        return _("Check before saving: %(file)s") % {"file": self.preview.file_name}

    def get_breadcrumbs(self) -> list[Crumb]:
        start = reverse("imports:upload", kwargs={"plan": self.plan.slug})
        return [Crumb(_("Import from a spreadsheet"), start), Crumb(self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = selectors.preview_page(self.preview)
        context["expired"] = self.preview.has_expired()
        return context


class ApplyView(PreviewView):
    """Save the preview (GET shows it, as the preview page does)."""

    def post(self, request, *args, **kwargs):
        try:
            applied = services.import_preview_apply(preview=self.preview, actor=request.user)
        except services.PreviewNotApplicable as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(self.preview.get_absolute_url())
        messages.success(
            request,
            _("Saved from %(file)s: %(created)s new and %(changed)s changed values.")
            % {"file": self.preview.file_name, "created": applied.created, "changed": applied.changed},
        )
        return HttpResponseRedirect(self.plan.get_absolute_url())
