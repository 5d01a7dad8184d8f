"""Forms for goals, indicators, measurements and activities.

Every form is built on an instance whose parent (delaftale, goal, strategic goal, indicator) and plan are set
before validation, so the models' own rules — their constraints (target ≠ baseline, one measurement per date,
an interval of at least a month) and ``clean`` (dates inside the plan period) — run and their messages land
next to the field they are about. No rule is restated here, and no form saves: the views call the services.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import PlanModelForm
from helhedsplan.periods.models import DEFAULT_PERIOD_CODE, CatalogueIndicator
from helhedsplan.plans.models import Estate, Organisation

from .models import Activity, Goal, Indicator, Measurement, Milestone


class GoalForm(PlanModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"order": _("Goals are listed by this number, lowest first.")}


class IndicatorForm(PlanModelForm):
    class Meta:
        model = Indicator
        # The example flag is the example plans' (set by a plan file or the admin), not typed in.
        fields = ["catalogue_entry", *(name for name in Indicator.COPYABLE_FIELDS if name != "is_example")]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the catalogue of the plan's funding period is offered (the model refuses another's, in Danish).
        self.offer("catalogue_entry", catalogue_entries(self.plan))
        self.choice_field("catalogue_entry").empty_label = _("None: a free-form indicator")


def catalogue_entries(plan):
    """The indicator catalogue of ``plan``'s funding period (a plan without one: the default period's)."""
    entries = CatalogueIndicator.objects.order_by("order", "pk")
    if plan is None:
        return entries.none()
    if plan.funding_period_id is not None:
        return entries.filter(period_id=plan.funding_period_id)
    return entries.filter(period__code=DEFAULT_PERIOD_CODE)


class MeasurementForm(PlanModelForm):
    class Meta:
        model = Measurement
        fields = ["date", "level", "estate", "estates", "value", "suppressed", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "estates": forms.CheckboxSelectMultiple}
        help_texts = {
            "level": _(
                "The plan's own figure is the one progress is judged by; an estate's figure is shown beside it, "
                "never summed into it."
            ),
            "estate": _("For a figure of one estate."),
            "estates": _("For a figure of a group of estates: at least two."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the plan's own estates (the model refuses another plan's, should one be posted).
        estates = (
            Estate.objects.filter(plan=self.plan).order_by("name") if self.plan else Estate.objects.none()
        )
        self.offer("estate", estates)
        self.choice_field("estates").queryset = estates
        # A form that names no level (the delaftale page's short one, an older client) records the plan's own.
        self.fields["level"].required = False

    def clean_level(self) -> str:
        return self.cleaned_data.get("level") or Measurement.Level.PLAN


class MilestoneForm(PlanModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_date", "done_date", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


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
        self.offer("responsible_organisation", responsible_organisations(self.plan))


def responsible_organisations(plan):
    """The plan's parties; every organisation when the plan has not listed its parties yet."""
    organisations = Organisation.objects.order_by("kind", "short_name")
    if plan is not None and plan.organisations.exists():
        return organisations.filter(plans=plan)
    return organisations
