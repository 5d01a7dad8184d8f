"""Forms of the report page: a reviewer's answer and a comment. The rules are the services' and the models'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Submission


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


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    """A file a reviewer holds, to check against the stored files' SHA-256. Nothing is stored."""

    file = forms.FileField(
        label=_("A file you hold"),
        help_text=_("Its SHA-256 is compared with every submitted file of this plan; the file is not kept."),
    )


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: at its field when it names one of the form's fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
