"""Forms of the report page: a reviewer's answer and a comment. The rules are the services' and the models'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm

from .models import RESERVATION_MAX_LENGTH, Report, Submission


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (Submission.Outcome.APPROVED, _("Approve the report")),
            (Submission.Outcome.RETURNED, _("Return the report with a comment")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the report is returned: say what must change."),
    )


class ReportTextsForm(PlanModelForm):
    """The final report's own texts: the plan's conclusion over the period and its anchoring (the model's fields
    and rules). The bestyrelse's approval date is no field: it is read from the decision that approves the
    report."""

    class Meta:
        model = Report
        fields = ["conclusion", "anchoring"]
        widgets = {
            "conclusion": forms.Textarea(attrs={"rows": 5}),
            "anchoring": forms.Textarea(attrs={"rows": 5}),
        }


class SubmitForm(forms.Form):
    """Submitting a report: confirming what it lacks (when it lacks something) and an optional reservation. The
    rules (a confirmation needed, the reservation's length) are the service's and the model's."""

    gaps_confirmed = forms.BooleanField(
        label=_("I have read what the report lacks and submit it all the same"), required=False
    )
    reservation = forms.CharField(
        label=_("Reservation (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Printed on the report's front page: what the report lacks and why it is submitted now. At most "
            "%(limit)s characters."
        )
        % {"limit": RESERVATION_MAX_LENGTH},
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    """A file a reviewer holds, to check against the stored files' SHA-256. Nothing is stored."""

    file = forms.FileField(
        label=_("A file you hold"),
        help_text=_("Its SHA-256 is compared with every submitted file of this plan; the file is not kept."),
    )


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: at its field when it names one of the form's fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
