"""Forms for the budget: a line with an amount per plan year, its actual spend, a funding source with its funding.

Each form offers one Danish amount field per year of the plan (``31.200.000``, ``31.200.000,00``, ``4,62 mio.``)
and writes through ``services`` so the line (or source) and its yearly rows are saved together or not at all.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.core.forms import DanishAmountField, PlanModelForm
from helhedsplan.plans.models import Organisation

from . import services
from .models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource


def year_field_name(year: int) -> str:
    return f"amount_{year}"


class YearAmountsMixin:
    """Adds one DanishAmountField per year of the plan, filled from the object's yearly rows."""

    #: The model of the yearly rows and the name of its foreign key to the form's object.
    year_model: type = BudgetAmount
    year_parent_field: str = "line"
    year_label = _("Budget %(year)s")
    year_help_text = _("In kroner. Leave empty for nothing.")

    def add_year_fields(self) -> None:
        current: dict[int, Decimal] = {}
        if self.year_parent.pk is not None:
            current = dict(
                self.year_model.objects.filter(**{self.year_parent_field: self.year_parent}).values_list(
                    "year", "amount"
                )
            )
        for year in self.plan.years:
            self.fields[year_field_name(year)] = DanishAmountField(
                required=False,
                label=self.year_label % {"year": year},
                help_text=self.year_help_text,
                initial=current.get(year),
            )

    @property
    def year_parent(self):
        return self.instance

    def year_amounts(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(year_field_name(year)) for year in self.plan.years}

    def validate_years(self) -> None:
        # The fields only offer the plan's years; the service checks again, and its message lands on the form.
        try:
            services.validate_year_amounts(self.plan, self.year_amounts())
        except ValidationError as error:
            self.add_error(None, error)


class BudgetLineForm(YearAmountsMixin, PlanModelForm):
    """A budget line — delaftale (or shared), category, description — with its budget for each year."""

    class Meta:
        model = BudgetLine
        fields = ["sub_agreement", "category", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_plan("sub_agreement", SubAgreement.objects.all())
        self.fields["sub_agreement"].empty_label = _("Shared / secretariat")
        self.instance.plan = self.plan
        self.add_year_fields()

    def clean(self):
        cleaned = super().clean()
        self.validate_years()
        return cleaned

    def save(self, commit: bool = True) -> BudgetLine:
        return services.save_budget_line(self.plan, self.instance, self.year_amounts())


class ActualSpendForm(YearAmountsMixin, PlanModelForm):
    """What one budget line actually spent per year; empty means not yet known."""

    year_model = ActualSpend
    year_label = _("Actual spend %(year)s")
    year_help_text = _("In kroner. Leave empty while the year's spend is not known.")

    class Meta:
        model = BudgetLine
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_year_fields()

    def clean(self):
        cleaned = super().clean()
        self.validate_years()
        return cleaned

    def save(self, commit: bool = True) -> BudgetLine:
        services.save_actual_spend(self.plan, self.instance, self.year_amounts())
        return self.instance


class FundingSourceForm(YearAmountsMixin, PlanModelForm):
    """Who pays, on what basis, and how much each year."""

    year_model = Funding
    year_parent_field = "source"
    year_label = _("Funding %(year)s")

    class Meta:
        model = FundingSource
        fields = ["name", "kind", "organisation", "basis"]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans: offer the plan's own parties (and the one already chosen).
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(Q(plans=self.plan) | Q(pk=self.instance.organisation_id))
            .distinct()
            .order_by("name")
        )
        self.instance.plan = self.plan
        self.add_year_fields()

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        # The plan is not a form field, so Django's own check of the (plan, name) constraint skips it.
        others = (
            FundingSource.objects.in_plan(self.plan).filter(name__iexact=name).exclude(pk=self.instance.pk)
        )
        if others.exists():
            raise ValidationError(_("The plan already has a funding source with this name."), code="unique")
        return name

    def clean(self):
        cleaned = super().clean()
        self.validate_years()
        return cleaned

    def save(self, commit: bool = True) -> FundingSource:
        return services.save_funding_source(self.plan, self.instance, self.year_amounts())
