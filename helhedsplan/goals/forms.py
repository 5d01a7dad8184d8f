"""Forms for goals, indicators, measurements and activities.

Every form is built on an instance whose parent (delaftale, goal, strategic goal, indicator) and plan are set
before validation, so the models' own ``clean`` rules (target ≠ baseline, dates inside the plan period) run
and their messages land next to the field they are about.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.plans.models import Organisation

from .models import Activity, Goal, Indicator, Measurement


class GoalForm(PlanModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"order": _("Goals are listed by this number, lowest first.")}


class IndicatorForm(PlanModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "data_source",
            "measurement_interval_months",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The database refuses an interval below a month; say so next to the field instead of at the top.
        interval = self.fields["measurement_interval_months"]
        interval.min_value = 1
        interval.widget.attrs["min"] = 1
        interval.validators.append(MinValueValidator(1))


class MeasurementForm(PlanModelForm):
    #: Where to go after saving: the page the short form was posted from (checked by the view).
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measurement
        fields = ["date", "value", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def clean_date(self):
        day = self.cleaned_data["date"]
        # The one-per-date rule involves the indicator, which is not a form field, so Django's own
        # uniqueness check skips it; without this the save would fail in the database instead.
        others = Measurement.objects.filter(indicator_id=self.instance.indicator_id, date=day)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if day and others.exists():
            raise forms.ValidationError(
                _("There is already a measurement on this date. Edit that one instead."), code="unique"
            )
        return day


class ActivityForm(PlanModelForm):
    class Meta:
        model = Activity
        fields = [
            "name",
            "description",
            "target_group",
            "status",
            "responsible_organisation",
            "start_date",
            "end_date",
            "participants",
            "goals",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An activity serves goals of its own delaftale only.
        self.limit_to_plan(
            "goals",
            Goal.objects.filter(sub_agreement_id=self.instance.sub_agreement_id).order_by("order", "pk"),
        )
        self.fields["responsible_organisation"].queryset = responsible_organisations(self.plan)


def responsible_organisations(plan):
    """The plan's parties; every organisation when the plan has not listed its parties yet."""
    organisations = Organisation.objects.order_by("kind", "short_name")
    if plan is not None and plan.organisations.exists():
        return organisations.filter(plans=plan)
    return organisations
