"""Budget lines by delaftale (or shared) × category with an amount per year; funding by source × year;
actual spend per line and year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint
from helhedsplan.core.models import ExampleFlag
from helhedsplan.core.navigation import Crumb
from helhedsplan.plans.models import Organisation, Plan, PlanContent, PlanHistoricalRecords


class _Digits(TypedDict):
    max_digits: int
    decimal_places: int


AMOUNT: _Digits = {"max_digits": 14, "decimal_places": 2}
YEAR_RANGE = Q(year__gte=1990) & Q(year__lte=2100)
AMOUNT_NOT_NEGATIVE = Q(amount__gte=0)
NEGATIVE_MESSAGE = _("The amount cannot be negative.")
YEAR_RANGE_MESSAGE = _("The year must be between 1990 and 2100.")


def budget_crumb(plan: Plan, section: str) -> Crumb:
    """The budget page, at the section (``budget-lines``, ``funding``) where lines and sources are shown."""
    return Crumb(str(_("Budget")), reverse("budget:overview", kwargs={"plan": plan.slug}) + f"#{section}")


def yearly_row_constraints(*, parent: str, unique_name: str, prefix: str, unique_message) -> list:
    """The rules every yearly row (budgeted amount, actual spend, funding) keeps: one row per parent and year,
    never a negative amount, a year near any plan's."""
    return [
        UniqueConstraint(
            fields=[parent, "year"],
            name=unique_name,
            violation_error_message=unique_message,
            error_field="year",
        ),
        CheckConstraint(
            condition=AMOUNT_NOT_NEGATIVE,
            name=f"{prefix}_not_negative",
            violation_error_message=NEGATIVE_MESSAGE,
            error_field="amount",
        ),
        CheckConstraint(
            condition=YEAR_RANGE,
            name=f"{prefix}_year_sensible",
            violation_error_message=YEAR_RANGE_MESSAGE,
            error_field="year",
        ),
    ]


def validate_year_in_period(year: int | None, parent) -> None:
    """A yearly row's year lies inside the period of its line's (or source's) plan.

    ``parent`` may be unsaved (a new line being validated with its amounts), so it is read as loaded.
    """
    plan = getattr(parent, "plan", None)
    if plan is not None:
        plan.validate_year(year)


def validate_yearly_rows(rows: Iterable[models.Model], exclude: Iterable[str] = ()) -> None:
    """Validate yearly rows through their model; refuse with a ValidationError keyed by year (an int)."""
    errors: dict[int, list[str]] = {}
    for row in rows:
        try:
            row.full_clean(exclude=list(exclude))
        except ValidationError as error:
            errors.setdefault(row.year, []).extend(error.messages)  # type: ignore[attr-defined]
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


class BudgetCategory(models.TextChoices):
    """The rows of LBF's budget template."""

    SALARIES = "salaries", _("salaries")
    ACTIVITIES = "activities", _("activity funds")
    ADMINISTRATION = "administration", _("administration")
    AUDIT = "audit", _("audit")
    PREMISES = "premises", _("premises")
    TRAINING = "training", _("training")
    EVALUATION = "evaluation", _("evaluation")
    OTHER = "other", _("other")


class BudgetLine(PlanContent, ExampleFlag):
    """One row of the budget: a category within a delaftale, or shared (secretariat) when none is given."""

    trail_also_reads = ("sub_agreement",)

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("plan")
    )
    sub_agreement = models.ForeignKey(
        SubAgreement,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("sub-agreement"),
        help_text=_("Empty for shared costs (secretariat)."),
    )
    category = models.CharField(_("category"), max_length=30, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan", "sub_agreement__focus_area", "category", "description"]

    def __str__(self) -> str:
        where = self.sub_agreement or _("Shared / secretariat")
        text = f"{where} · {self.get_category_display()}"
        return f"{text} · {self.description}" if self.description else text

    def get_absolute_url(self) -> str:
        return reverse("budget:overview", kwargs={"plan": self.plan.slug}) + f"#line-{self.pk}"

    def navigation_parent(self) -> Crumb:
        return budget_crumb(self.plan, "budget-lines")

    def clean(self) -> None:
        if self.plan_id and self.sub_agreement is not None and self.sub_agreement.plan_id != self.plan_id:
            raise ValidationError({"sub_agreement": _("The sub-agreement belongs to another plan.")})


class YearlyRow(PlanContent):
    """An amount for one year of a budget line or a funding source (``parent_field`` names which)."""

    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (kr.)"), **AMOUNT)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.navigation_parent()} · {self.year}"

    def get_absolute_url(self) -> str:
        return self.navigation_parent().get_absolute_url()

    def clean(self) -> None:
        assert self.parent_field is not None  # every yearly row names its line or source
        validate_year_in_period(self.year, getattr(self, self.parent_field, None))


class BudgetAmount(YearlyRow):
    """What a budget line has for one year."""

    plan_lookup = "line__plan"
    parent_field = "line"

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="amounts", verbose_name=_("budget line")
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("budgeted amount")
        verbose_name_plural = _("budgeted amounts")
        ordering = ["line", "year"]
        constraints = yearly_row_constraints(
            parent="line",
            unique_name="one_budget_amount_per_line_and_year",
            prefix="budget_amount",
            unique_message=_("The budget line already has an amount for this year."),
        )


class ActualSpend(YearlyRow):
    """What a budget line actually spent in one year."""

    plan_lookup = "line__plan"
    parent_field = "line"

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("budget line")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("actual spend")
        verbose_name_plural = _("actual spend")
        ordering = ["line", "year"]
        constraints = yearly_row_constraints(
            parent="line",
            unique_name="one_actual_per_line_and_year",
            prefix="actual_spend",
            unique_message=_("The budget line already has actual spend for this year."),
        )


class FundingSource(PlanContent, ExampleFlag):
    """Who pays: the municipality, the housing associations, LBF, or another (e.g. Sikker By)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipal co-financing")
        OTHER_PUBLIC = "other_public", _("other public funding")
        HOUSING_ASSOCIATIONS = "housing_associations", _("housing associations")
        LBF = "lbf", _("Landsbyggefonden")
        OTHER = "other", _("other (foundations etc.)")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="funding_sources", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_sources",
        verbose_name=_("organisation"),
    )
    basis = models.TextField(_("basis"), blank=True, help_text=_("The decision the money rests on."))
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["plan", "kind", "name"]
        constraints = [
            # Names differing only in capitals are the same source to a reader.
            UniqueConstraint(
                Lower("name"),
                "plan",
                name="funding_source_name_unique_in_plan",
                violation_error_message=_("The plan already has a funding source with this name."),
                error_field="name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("budget:overview", kwargs={"plan": self.plan.slug}) + f"#source-{self.pk}"

    def navigation_parent(self) -> Crumb:
        return budget_crumb(self.plan, "funding")

    @property
    def is_local(self) -> bool:
        """Local co-financing is everything but Landsbyggefonden's money."""
        return self.kind != self.Kind.LBF


class Funding(YearlyRow):
    """What a funding source pays in one year."""

    plan_lookup = "source__plan"
    parent_field = "source"

    source = models.ForeignKey(
        FundingSource, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("source")
    )
    history = PlanHistoricalRecords()

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["source", "year"]
        constraints = yearly_row_constraints(
            parent="source",
            unique_name="one_funding_per_source_and_year",
            prefix="funding",
            unique_message=_("The funding source already has funding for this year."),
        )
