"""The upload form: one file, xlsx or CSV, at most ``reading.MAX_BYTES``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in spreadsheet"),
        help_text=_(
            "The template filled in, as .xlsx or .csv (Danish numbers and dates are fine), at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(limit)s MB can be imported at a time."),
                params={"limit": MAX_BYTES // (1024 * 1024)},
            )
        return upload
