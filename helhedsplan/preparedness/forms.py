"""Forms of the emergency plan's pages: the plan, its levels, action cards, contacts and the incident log.

The rules — a phone number of digits, dates and times not in the future, unique places and names within the
emergency plan, a log entry not before its incident — are the models'; these forms validate through them with
the parent set on the instance.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.plans.models import Estate

from .models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry, PreparednessPlan


class PreparednessPlanForm(PlanModelForm):
    class Meta:
        model = PreparednessPlan
        fields = [
            "purpose",
            "scope",
            "ssp_link",
            "activation",
            "stand_down",
            "communication",
            "last_reviewed",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[:-1]}


class EscalationLevelForm(PlanModelForm):
    class Meta:
        model = EscalationLevel
        fields = ["order", "name", "criteria", "response"]
        help_texts = {"order": _("1 is the lowest level.")}


class ActionCardForm(PlanModelForm):
    class Meta:
        model = ActionCard
        fields = [
            "order",
            "scenario",
            "trigger",
            "responsible_role",
            "steps_first_hour",
            "steps_first_day",
            "steps_first_days",
            "partners",
            "tools",
        ]
        help_texts = {"steps_first_hour": _("One step per line.")}


class ContactForm(PlanModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "organisation", "phone", "email", "availability", "last_verified", "order"]
        help_texts = {"last_verified": _("When someone last checked that the name and number are right.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans: offer the parties of this one (and the one already chosen).
        self.offer("organisation", self.plan.organisations.order_by("kind", "short_name"))


class IncidentForm(PlanModelForm):
    """Open an incident (or, for a coordinator, correct one)."""

    class Meta:
        model = Incident
        fields = ["occurred_at", "estate", "location", "level", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"location": _("E.g. the entrance of block 4, or the playground.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_plan("estate", Estate.objects.all())
        self.limit_to_plan("level", EscalationLevel.objects.order_by("order"))
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))


class IncidentCorrectionForm(IncidentForm):
    """A coordinator's correction of an incident, including its evaluation once it is closed."""

    class Meta(IncidentForm.Meta):
        fields = [
            *IncidentForm.Meta.fields,
            "evaluation_what_worked",
            "evaluation_lessons",
            "evaluation_plan_changes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_open:
            for name in ("evaluation_what_worked", "evaluation_lessons", "evaluation_plan_changes"):
                del self.fields[name]


class LogEntryForm(PlanModelForm):
    """A line in the incident's log. The time defaults to now (the service fills it in)."""

    class Meta:
        model = IncidentLogEntry
        fields = ["text", "at", "action_owner", "deadline"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"at": _("Leave empty for now.")}

    def __init__(self, *args, incident: Incident, **kwargs):
        kwargs.setdefault("instance", IncidentLogEntry(incident=incident))
        kwargs.setdefault("plan", incident.plan)
        super().__init__(*args, **kwargs)
        self.fields["at"].required = False


class CloseIncidentForm(forms.Form):
    """The evaluation an incident is closed with: what worked and what to learn are required."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    what_worked = forms.CharField(label=_("What worked"), widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(label=_("What to learn"), widget=forms.Textarea(attrs={"rows": 3}))
    plan_changes = forms.CharField(
        label=_("Changes to the emergency plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the plan, its contacts or action cards should change. Leave empty if nothing."),
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        self.incident = incident
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = incident.lock_version

    #: The incident's field each of the form's fields is written to.
    evaluation_fields = {
        "what_worked": "evaluation_what_worked",
        "lessons": "evaluation_lessons",
        "plan_changes": "evaluation_plan_changes",
    }

    def evaluation(self) -> dict[str, str]:
        """The incident's evaluation fields from the form."""
        return {field: self.cleaned_data[name] for name, field in self.evaluation_fields.items()}

    def add_write_errors(self, error: ValidationError) -> None:
        """Show the incident's refusal of the evaluation (a control character in a text) at the form's field."""
        form_field = {field: name for name, field in self.evaluation_fields.items()}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(form_field.get(field), errors)
