"""Forms for the governance pages. The rules (a følgegruppe follows a delaftale, minutes are a PDF, a decision
approves something of its own plan) are the models'."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.documents.selectors import document_choices

from .models import Body, BodyMember, Meeting, MeetingDecision


class BodyForm(PlanModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "sub_agreement", "terms_of_reference", "terms_of_reference_document"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_field("sub_agreement").queryset = self.plan.sub_agreements.order_by("pk")
        self.choice_field("terms_of_reference_document").queryset = document_choices(self.plan)


class BodyMemberForm(PlanModelForm):
    class Meta:
        model = BodyMember
        fields = ["name", "title", "organisation", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer("organisation", self.plan.organisations.order_by("short_name"))


class MeetingForm(PlanModelForm):
    remove_minutes = forms.BooleanField(label=_("Remove the stored minutes"), required=False)

    class Meta:
        model = Meeting
        fields = ["date", "agenda", "minutes"]
        widgets = {"minutes": forms.FileInput(attrs={"accept": "application/pdf,.pdf"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].help_text = _("PDF only, at most %(limit)s.") % {
            "limit": filesizeformat(settings.DOCUMENT_MAX_UPLOAD_BYTES)
        }
        if not self.instance.minutes:
            del self.fields["remove_minutes"]

    def model_data(self) -> dict:
        data = super().model_data()
        data.pop("minutes", None)
        return data

    def uploaded_minutes(self) -> UploadedFile | None:
        minutes = self.cleaned_data.get("minutes")
        return minutes if isinstance(minutes, UploadedFile) else None

    def removes_minutes(self) -> bool:
        return bool(self.cleaned_data.get("remove_minutes"))


class MeetingDecisionForm(PlanModelForm):
    class Meta:
        model = MeetingDecision
        fields = ["text", "approves_report", "approves_version", "approves_budget_line"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The plan's reports, versions and budget lines, named by the string foreign keys (reports lie above this
        # app, versions beside it).
        for name in ("approves_report", "approves_budget_line"):
            model = MeetingDecision._meta.get_field(name).related_model
            self.choice_field(name).queryset = model.objects.in_plan(self.plan)  # type: ignore[union-attr]
        versions = MeetingDecision._meta.get_field("approves_version").related_model
        self.choice_field("approves_version").queryset = versions.objects.of_plan(  # type: ignore[union-attr]
            self.plan
        ).order_by("number")
