"""The documents' forms: a new document with its first file, a new version, the document's facts. The rules of
a file (its kind by content, its size, a plain name) and of a document are the models'."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm

from . import files
from .models import FactSource, PlanDocument, expected_documents
from .selectors import document_choices

ACCEPT = "application/pdf,.pdf,.docx,.xlsx,image/png,image/jpeg"


def file_help() -> str:
    return str(
        _("%(types)s, at most %(limit)s.")
        % {"types": files.ALLOWED_TYPES_TEXT, "limit": filesizeformat(settings.DOCUMENT_MAX_UPLOAD_BYTES)}
    )


def checked_upload(upload: UploadedFile | None) -> UploadedFile | None:
    """The upload, refused with the rule's own message when it breaks one."""
    if upload is not None:
        files.check_upload(upload, size=upload.size or 0, name=upload.name or "")
    return upload


class PlanDocumentForm(PlanModelForm):
    """The facts of a document; on a new document also its first file."""

    class Meta:
        model = PlanDocument
        fields = ["kind", "title", "date", "fulfils", "personal_data"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = expected_documents(self.plan) if self.plan is not None else []
        self.fields["fulfils"] = forms.ChoiceField(
            label=self.fields["fulfils"].label,
            help_text=self.fields["fulfils"].help_text,
            required=False,
            choices=[("", _("None")), *((row.get("key", ""), row.get("title", "")) for row in items)],
        )
        if self.instance.pk is None:
            self.fields["file"] = forms.FileField(
                label=_("File"), help_text=file_help(), widget=forms.FileInput(attrs={"accept": ACCEPT})
            )
            self.fields["note"] = forms.CharField(label=_("Note"), required=False, max_length=500)

    def clean_file(self) -> UploadedFile | None:
        return checked_upload(self.cleaned_data.get("file"))

    def upload(self) -> UploadedFile:
        return self.cleaned_data["file"]


class VersionForm(forms.Form):
    """A new version of a document: its file, and what changed."""

    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": ACCEPT}))
    note = forms.CharField(label=_("What changed"), required=False, max_length=500)

    def __init__(self, *args, plan=None, instance=None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help()

    def clean_file(self) -> UploadedFile | None:
        return checked_upload(self.cleaned_data.get("file"))


class FactSourceForm(PlanModelForm):
    """Where a fact comes from: one of a document of the plan (and its page), a public web address with the day
    it was read, a public document by name — or the figure marked as example data. The rules are the model's."""

    class Meta:
        model = FactSource
        fields = ["document", "page", "url", "read_on", "reference", "is_example"]
        labels = {"is_example": _("The figure is example data, not a fact")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.plan is not None:
            self.fields["document"].queryset = document_choices(self.plan)  # type: ignore[attr-defined]
