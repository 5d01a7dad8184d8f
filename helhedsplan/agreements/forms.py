"""Forms for the strategic agreement, its goals, the delaftaler's texts and their parties."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import (
    Narrative,
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    SubAgreementParty,
)
from helhedsplan.core.forms import PlanModelForm
from helhedsplan.plans.models import Organisation


class StrategicAgreementForm(PlanModelForm):
    class Meta:
        model = StrategicAgreement
        fields = ["vision", "challenges", "steering_tools", "resident_involvement", "governance"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class StrategicGoalForm(PlanModelForm):
    class Meta:
        model = StrategicGoal
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class SubAgreementForm(PlanModelForm):
    class Meta:
        model = SubAgreement
        fields = ["purpose", "problem", "target_groups", "anchoring", "conclusion"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class SubAgreementPartyForm(PlanModelForm):
    """A party to a delaftale: one of the plan's own parties (each at most once per delaftale: the model's rule)."""

    class Meta:
        model = SubAgreementParty
        fields = ["organisation", "contact_name", "contact_title", "commitment"]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans; a delaftale's parties come from the plan's own parties (and
        # the one already chosen).
        self.offer("organisation", Organisation.objects.filter(plans=self.plan).order_by("short_name"))
        self.fields["organisation"].help_text = _(
            "The plan's parties. An organisation missing here is added to the plan by an administrator."
        )


class NarrativeForm(PlanModelForm):
    """One year's account of a delaftale; the year is one of the plan's."""

    class Meta:
        model = Narrative
        fields = ["year", "went_well", "went_badly", "changes", "budget_explanation"]
        widgets = {
            "went_well": forms.Textarea(attrs={"rows": 5}),
            "went_badly": forms.Textarea(attrs={"rows": 5}),
            "changes": forms.Textarea(attrs={"rows": 5}),
            "budget_explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = [(year, str(year)) for year in self.plan.years]
        self.fields["year"].widget = forms.Select(choices=years)
