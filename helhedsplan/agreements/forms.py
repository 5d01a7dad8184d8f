"""Forms for the strategic agreement, its goals, the delaftaler's texts and their parties."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty
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

    def clean_text(self) -> str:
        # A strategic goal is the plan's direction in one focus area; it cannot be blank.
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the strategic goal."), code="required")
        return text


class SubAgreementForm(PlanModelForm):
    class Meta:
        model = SubAgreement
        fields = ["purpose", "problem", "target_groups", "anchoring"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class SubAgreementPartyForm(PlanModelForm):
    """A party to a delaftale. Only the plan's own parties can be chosen, each at most once per delaftale."""

    class Meta:
        model = SubAgreementParty
        fields = ["organisation", "contact_name", "contact_title", "commitment"]
        widgets = {"commitment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, sub_agreement: SubAgreement, **kwargs):
        self.sub_agreement = sub_agreement
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans; a delaftale's parties come from the plan's own parties.
        self.fields["organisation"].queryset = Organisation.objects.filter(plans=self.plan).order_by(
            "short_name"
        )
        self.fields["organisation"].help_text = _(
            "The plan's parties. An organisation missing here is added to the plan by an administrator."
        )

    def clean_organisation(self) -> Organisation:
        organisation = self.cleaned_data["organisation"]
        # The (delaftale, organisation) constraint is not checked by the ModelForm since the delaftale is not a
        # field of the form; say it here instead of failing in the database.
        taken = SubAgreementParty.objects.filter(sub_agreement=self.sub_agreement, organisation=organisation)
        if self.instance.pk is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("%(organisation)s is already a party to this sub-agreement.")
                % {"organisation": organisation},
                code="unique",
            )
        return organisation
