"""Forms for the budget: a line with an amount per plan year, its actual spend, a funding source with its funding.

Each form offers one Danish amount field per year of the plan (``31.200.000``, ``31.200.000,00``, ``4,62 mio.``).
The forms validate through the models — the line or source and each year's row — and never save: the views hand
``model_data()`` and ``year_amounts()`` to the budget's services, which write the object and its yearly rows
together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.core.formatting import format_kr
from helhedsplan.core.forms import DanishAmountField, PlanModelForm
from helhedsplan.plans.models import Organisation

from . import selectors
from .models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource, validate_yearly_rows


def year_field_name(year: int) -> str:
    return f"amount_{year}"


class YearAmountsMixin(PlanModelForm):
    """Adds one DanishAmountField per year of the plan, filled from the object's yearly rows, and validates
    each year's row through its model so its refusal is shown next to that year's field.

    Mixed in before ``PlanModelForm``; being one itself, it sits in the same place in the MRO either way."""

    #: The model of the yearly rows, its foreign key to the form's object, and what the form starts from.
    year_model: type[Model] = BudgetAmount
    year_parent_field: str = "line"
    year_initial: Callable = staticmethod(selectors.budget_of)
    year_label = _("Budget %(year)s")
    year_help_text = _("In kroner. Leave empty for nothing.")

    def add_year_fields(self) -> None:
        current = self.year_initial(self.instance)
        for year in self.plan.years:
            self.fields[year_field_name(year)] = DanishAmountField(
                required=False,
                label=self.year_label % {"year": year},
                help_text=self.year_help_text,
                initial=current.get(year),
            )

    def year_amounts(self) -> dict[int, Decimal | None]:
        return {year: self.cleaned_data.get(year_field_name(year)) for year in self.plan.years}

    def clean(self):
        cleaned = super().clean()
        rows = [
            self.year_model(**{self.year_parent_field: self.instance, "year": year, "amount": amount})
            for year, amount in self.year_amounts().items()
            if amount is not None
        ]
        try:
            # The parent may be new, and an existing year is rewritten rather than added: the service
            # validates the rows it writes again, against what is stored then.
            validate_yearly_rows(rows, exclude=[self.year_parent_field])
        except ValidationError as error:
            self.add_write_errors(error)
        return cleaned

    def add_write_errors(self, error: ValidationError) -> None:
        """Show a refusal of the services at the field it is about: a year's (keyed by the year) or the
        form's own; anything else at the top of the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = year_field_name(key) if isinstance(key, int) else key
            self.add_error(name if name in self.fields else NON_FIELD_ERRORS, errors)


class BudgetLineForm(YearAmountsMixin, PlanModelForm):
    """A budget line — delaftale (or shared), category, description — with its budget for each year."""

    class Meta:
        model = BudgetLine
        fields = ["sub_agreement", "category", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_to_plan("sub_agreement", SubAgreement.objects.all())
        self.choice_field("sub_agreement").empty_label = _("Shared / secretariat")
        self.add_year_fields()


#: An actual amount below this share of its line's yearly budget is probably a slip (12,50 kr. typed for
#: 12.500 kr. on a 400.000 kr. line): the form asks to confirm it. Not a rule of the model — it may be true.
SMALL_ACTUAL_SHARE = Decimal("0.01")
CONFIRM_SMALL_FIELD = "confirm_small_amounts"


class ActualSpendForm(YearAmountsMixin, PlanModelForm):
    """What one budget line actually spent per year; empty means not yet known.

    An amount far below the line's scale (under 1 % of that year's budget, or of its largest year when that
    year has none) is refused once with a warning at the year, and saved when the user ticks "Yes, the amount
    is right"; the box is shown only then."""

    year_model = ActualSpend
    year_initial = staticmethod(selectors.actual_spend_of)
    year_label = _("Actual spend %(year)s")
    year_help_text = _("In kroner. Leave empty while the year's spend is not known.")

    class Meta:
        model = BudgetLine
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_year_fields()
        # Hidden until an amount asks for it (then ``clean`` shows it as a checkbox).
        self.fields[CONFIRM_SMALL_FIELD] = forms.BooleanField(
            required=False, label=_("Yes, the amount is right"), widget=forms.HiddenInput
        )

    def clean(self):
        cleaned = super().clean()
        small = self.small_amounts()
        if small and not cleaned.get(CONFIRM_SMALL_FIELD):
            self.fields[CONFIRM_SMALL_FIELD].widget = forms.CheckboxInput()
            for year, amount, scale in small:
                self.add_error(
                    year_field_name(year),
                    _(
                        "%(amount)s is less than 1 %% of the line's budget of %(scale)s. Check the amount; "
                        "if it is right, tick “Yes, the amount is right” below and save again."
                    )
                    % {"amount": format_kr(amount, 2), "scale": format_kr(scale)},
                )
        return cleaned

    def small_amounts(self) -> list[tuple[int, Decimal, Decimal]]:
        """(year, amount, the line's yearly budget it is compared with) of each amount far below that budget."""
        budget = selectors.budget_of(self.instance) if self.instance.pk else {}
        largest = max(budget.values(), default=Decimal(0))
        small = []
        for year, amount in self.year_amounts().items():
            scale = budget.get(year) or largest
            if amount is not None and amount > 0 and scale > 0 and amount < scale * SMALL_ACTUAL_SHARE:
                small.append((year, amount, scale))
        return small


class FundingSourceForm(YearAmountsMixin, PlanModelForm):
    """Who pays, on what basis, and how much each year."""

    year_model = Funding
    year_parent_field = "source"
    year_initial = staticmethod(selectors.funding_of)
    year_label = _("Funding %(year)s")

    class Meta:
        model = FundingSource
        fields = ["name", "kind", "organisation", "basis"]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organisations are shared by all plans: offer the plan's own parties (and the one already chosen).
        self.choice_field("organisation").queryset = (
            Organisation.objects.filter(Q(plans=self.plan) | Q(pk=self.instance.organisation_id))
            .distinct()
            .order_by("name")
        )
        self.add_year_fields()
