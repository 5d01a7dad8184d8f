"""Forms for the approvals pages: the date the summary is read at, estates' decisions and the plan's steps.

The rules (a decided decision has a date, minutes are a PDF, one step per place) are the models'; the forms
validate through them.
"""

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

    def model_data(self) -> dict:
        """The decision's fields; the minutes file travels apart (``uploaded_minutes``), as a file to store."""
        data = super().model_data()
        data.pop("minutes", None)
        return data

    def uploaded_minutes(self) -> UploadedFile | None:
        """The newly uploaded minutes, or None when the stored ones (if any) stay."""
        minutes = self.cleaned_data.get("minutes")
        return minutes if isinstance(minutes, UploadedFile) else None

    def removes_minutes(self) -> bool:
        return bool(self.cleaned_data.get("remove_minutes"))


class ApprovalStepForm(PlanModelForm):
    class Meta:
        model = ApprovalStep
        fields = ["order", "title", "body", "date", "date_is_expected", "status", "reference", "note"]
        help_texts = {"order": _("The step's place in the timeline: 1 comes first.")}
