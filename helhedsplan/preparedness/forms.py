"""Forms of the emergency plan's pages: the plan, its levels, action cards, contacts and the incident log."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import DateTimeInput, PlanModelForm
from helhedsplan.plans.models import Estate

from .models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry, PreparednessPlan

#: Clocks differ a little between phones and the server; a time this far ahead is still "now".
CLOCK_SLACK = datetime.timedelta(minutes=5)


def _not_in_the_future(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is not None and value > timezone.now() + CLOCK_SLACK:
        raise forms.ValidationError(_("The time cannot be in the future."))
    return value


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

    def clean_last_reviewed(self):
        day = self.cleaned_data.get("last_reviewed")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class _InPreparednessPlanForm(PlanModelForm):
    """A form for something inside the emergency plan; ``unique_fields`` must be unique within it."""

    unique_fields: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, preparedness_plan: PreparednessPlan, **kwargs):
        self.preparedness_plan = preparedness_plan
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        siblings = type(self.instance).objects.filter(preparedness_plan=self.preparedness_plan)
        siblings = siblings.exclude(pk=self.instance.pk)
        for field, message in self.unique_fields:
            value = cleaned.get(field)
            if value not in (None, "") and siblings.filter(**{field: value}).exists():
                self.add_error(field, message)
        return cleaned


class EscalationLevelForm(_InPreparednessPlanForm):
    unique_fields = (
        ("order", _("Another level already has this place.")),
        ("name", _("Another level already has this name.")),
    )

    class Meta:
        model = EscalationLevel
        fields = ["order", "name", "criteria", "response"]
        help_texts = {"order": _("1 is the lowest level.")}


class ActionCardForm(_InPreparednessPlanForm):
    unique_fields = (("scenario", _("There is already an action card for this scenario.")),)

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


class ContactForm(_InPreparednessPlanForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "organisation", "phone", "email", "availability", "last_verified", "order"]
        help_texts = {"last_verified": _("When someone last checked that the name and number are right.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans: offer the parties of this one.
        self.fields["organisation"].queryset = self.plan.organisations.order_by("kind", "short_name")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not all(ch.isdigit() or ch in " +-()" for ch in phone):
            raise forms.ValidationError(_("Write the phone number with digits, e.g. +45 33 66 33 66."))
        return phone

    def clean_last_verified(self):
        day = self.cleaned_data.get("last_verified")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


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

    def clean_occurred_at(self):
        return _not_in_the_future(self.cleaned_data.get("occurred_at"))

    def clean(self):
        cleaned = super().clean()
        occurred_at = cleaned.get("occurred_at")
        if self.instance.closed_at and occurred_at and occurred_at > self.instance.closed_at:
            self.add_error("occurred_at", _("The incident cannot have happened after it was closed."))
        return cleaned


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


class LogEntryForm(forms.ModelForm):
    """A line in the incident's log. The time defaults to now."""

    class Meta:
        model = IncidentLogEntry
        fields = ["text", "at", "action_owner", "deadline"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "at": DateTimeInput,
            "deadline": DateTimeInput,
        }
        help_texts = {"at": _("Leave empty for now.")}

    def __init__(self, *args, incident: Incident, **kwargs):
        self.incident = incident
        super().__init__(*args, **kwargs)
        self.fields["at"].required = False
        for name in ("at", "deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean_at(self):
        at = _not_in_the_future(self.cleaned_data.get("at")) or timezone.now()
        if at < self.incident.occurred_at:
            raise forms.ValidationError(_("The entry cannot be earlier than the incident."))
        return at


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
