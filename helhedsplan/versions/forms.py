"""Forms of the versions' pages: submitting a version with its reason, and a party's decision.

The rules (a rejection says why, evidence is a PDF, LBF signs last) are the models' and the services'."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import DateInput

from .models import PlanVersion, Signoff


class SubmitVersionForm(forms.Form):
    """The reason for the change: its kind and a text."""

    reason_category = forms.ChoiceField(
        label=_("Kind of change"),
        choices=[
            (value, label) for value, label in PlanVersion.Reason.choices if value != PlanVersion.Reason.FIRST
        ],
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What was changed and why: the parties read this before they sign."),
    )


class SignoffForm(forms.ModelForm):
    """A party's decision: approved, with reservations or rejected; the body, the day, the document."""

    class Meta:
        model = Signoff
        fields = ["decision", "body", "decided_on", "evidence", "comment"]
        widgets = {
            "decided_on": DateInput,
            "evidence": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "decided_on": _("Leave empty when the day is not known."),
            "comment": _("Required for a rejection (the reason) and for reservations."),
        }

    def __init__(self, *args, outside_app: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [
            (value, label) for value, label in Signoff.Decision.choices if value != Signoff.Decision.AWAITING
        ]
        self.fields["evidence"].help_text = _("PDF only, at most %(limit)s.") % {
            "limit": filesizeformat(settings.MINUTES_MAX_UPLOAD_BYTES)
        }
        self.fields["evidence"].required = outside_app

    def _post_clean(self):
        # The model's rules run in the service (with the decision taken); the form only parses.
        pass
