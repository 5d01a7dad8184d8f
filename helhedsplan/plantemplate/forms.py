"""The "Ny helhedsplan" form: input only; the rules are the plan's (its model) and the template's (the
service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.forms import DateInput
from helhedsplan.periods.models import DEFAULT_PERIOD_CODE, FundingPeriod
from helhedsplan.plans.models import Membership, Organisation, Plan

from .services import organisations_to_start_for


class NewPlanForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    slug = forms.SlugField(
        label=_("short address"),
        max_length=80,
        help_text=_("Used in the plan's web address, e.g. amager-2026-2029."),
    )
    area = forms.CharField(label=_("area"), max_length=200)
    start_date = forms.DateField(label=_("start date"), widget=DateInput)
    end_date = forms.DateField(label=_("end date"), widget=DateInput)
    # Plain choice widgets over text: a period that does not exist is the service's message, a predecessor the
    # user may not read the view's 404, not a form's "choose a valid option".
    funding_period = forms.CharField(
        label=_("funding period"),
        widget=forms.Select,
        help_text=_("The plan gets one sub-agreement per focus area of the period."),
    )
    organisation = forms.ModelChoiceField(
        label=_("your organisation"),
        queryset=Organisation.objects.order_by("short_name"),
        help_text=_(
            "You become the new plan's coordinator for this organisation (one that has confirmed you as one of "
            "its people). The other parties, Landsbyggefonden included, are invited and confirm their part."
        ),
    )
    predecessor = forms.CharField(
        label=_("copy goals from"),
        required=False,
        widget=forms.Select,
        help_text=_(
            "A plan this one succeeds: its goals and indicators (with baselines and targets, without "
            "measurements) are copied as drafts."
        ),
    )

    def __init__(self, *args: Any, user: Any, readable_plans: list[Plan], **kwargs: Any):
        super().__init__(*args, **kwargs)
        periods = list(FundingPeriod.objects.order_by("-first_year"))
        self.fields["funding_period"].widget.choices = [(p.code, p.name) for p in periods]
        self.fields["funding_period"].initial = DEFAULT_PERIOD_CODE
        self.fields["predecessor"].widget.choices = [("", _("None: start empty"))] + [
            (plan.slug, plan.name) for plan in readable_plans
        ]
        own = (
            Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR)
            .order_by("-plan__start_date")
            .values_list("organisation", flat=True)
            .first()
        )
        self.fields["organisation"].initial = own
        # Only an organisation that has confirmed the user as one of its people; a party the user does not belong
        # to is invited into the plan, never spoken for.
        self.fields["organisation"].queryset = organisations_to_start_for(user)  # type: ignore[attr-defined]
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "You can start a plan only for an organisation that has confirmed you as one of its people."
        )
