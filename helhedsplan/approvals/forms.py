"""Forms for the approvals pages: the date the summary is read at, estates' decisions and the plan's steps."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import DateInput, PlanModelForm
from helhedsplan.plans.models import Estate

from .models import ApprovalStep, EstateDecision

#: Every PDF file begins with these bytes, whatever its name says.
PDF_SIGNATURE = b"%PDF-"


class AsOfForm(forms.Form):
    """``?dato=YYYY-MM-DD``: the day the approval summary is read at."""

    dato = forms.DateField(
        label=_("Status as of"),
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Write the date as year-month-day, e.g. 2021-09-27.")},
    )

    def as_of(self, default: datetime.date) -> datetime.date:
        """The chosen date, or ``default`` when none (or an invalid one) was given."""
        if self.is_valid() and self.cleaned_data["dato"]:
            return self.cleaned_data["dato"]
        return default


def check_minutes_file(upload: UploadedFile) -> None:
    """A PDF by name and by content, no larger than the site allows; raises ValidationError otherwise."""
    if not upload.name.lower().endswith(".pdf"):
        raise forms.ValidationError(_("Minutes must be a PDF file (ending in .pdf)."), code="not_pdf_name")
    limit = settings.MINUTES_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is too large (%(size)s). Minutes may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    head = upload.read(len(PDF_SIGNATURE))
    upload.seek(0)
    if head != PDF_SIGNATURE:
        raise forms.ValidationError(
            _("The file is not a PDF, whatever its name says. Upload the minutes as a PDF."),
            code="not_pdf_content",
        )


class EstateDecisionForm(PlanModelForm):
    """An estate's decision, with its minutes as an optional PDF upload."""

    remove_minutes = forms.BooleanField(label=_("Remove the stored minutes"), required=False)

    class Meta:
        model = EstateDecision
        fields = [
            "estate",
            "body",
            "result",
            "date",
            "expected_date",
            "votes_for",
            "votes_against",
            "note",
            "minutes",
        ]
        # A plain file input: Django's clearable one links to the file's URL, which nothing serves.
        widgets = {"minutes": forms.FileInput(attrs={"accept": "application/pdf,.pdf"})}
        help_texts = {
            "date": _("The day the decision was taken. Required once the estate has approved or rejected."),
            "expected_date": _("While the decision is pending: when it is expected."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_plan("estate", Estate.objects.select_related("housing_association"))
        self.fields["minutes"].help_text = _("PDF only, at most %(limit)s.") % {
            "limit": filesizeformat(settings.MINUTES_MAX_UPLOAD_BYTES)
        }
        if not self.instance.minutes:
            del self.fields["remove_minutes"]

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        if isinstance(minutes, UploadedFile):
            check_minutes_file(minutes)
        return minutes

    def clean(self):
        cleaned = super().clean()
        result = cleaned.get("result")
        if result and result != EstateDecision.Result.PENDING and not cleaned.get("date"):
            self.add_error("date", _("Give the date of the decision when it is approved or rejected."))
        return cleaned


class ApprovalStepForm(PlanModelForm):
    class Meta:
        model = ApprovalStep
        fields = ["order", "title", "body", "date", "date_is_expected", "status", "reference", "note"]
        help_texts = {"order": _("The step's place in the timeline: 1 comes first.")}

    def clean_order(self):
        order = self.cleaned_data.get("order")
        taken = ApprovalStep.objects.in_plan(self.plan).filter(order=order).exclude(pk=self.instance.pk)
        if order is not None and taken.exists():
            raise forms.ValidationError(_("Another step already has this place in the timeline."))
        return order
