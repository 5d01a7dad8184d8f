"""Budget lines by delaftale (or shared) × category with an amount per year; funding by source × year;
actual spend per line and year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.core.models import ExampleFlag
from helhedsplan.plans.models import Organisation, Plan, PlanContent

AMOUNT = {"max_digits": 14, "decimal_places": 2}
YEAR_RANGE = Q(year__gte=1990) & Q(year__lte=2100)


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
    history = HistoricalRecords()

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

    def clean(self) -> None:
        if self.sub_agreement_id and self.plan_id and self.sub_agreement.plan_id != self.plan_id:
            raise ValidationError({"sub_agreement": _("The sub-agreement belongs to another plan.")})


class BudgetAmount(PlanContent):
    """What a budget line has for one year."""

    plan_lookup = "line__plan"

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="amounts", verbose_name=_("budget line")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (kr.)"), **AMOUNT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budgeted amount")
        verbose_name_plural = _("budgeted amounts")
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="one_budget_amount_per_line_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(condition=YEAR_RANGE, name="budget_amount_year_sensible"),
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.year}"

    def get_absolute_url(self) -> str:
        return self.line.get_absolute_url()

    def clean(self) -> None:
        if self.line_id:
            self.line.plan.validate_year(self.year)


class ActualSpend(PlanContent):
    """What a budget line actually spent in one year."""

    plan_lookup = "line__plan"

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("budget line")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (kr.)"), **AMOUNT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actual spend")
        verbose_name_plural = _("actual spend")
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="one_actual_per_line_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="actual_spend_not_negative"),
            models.CheckConstraint(condition=YEAR_RANGE, name="actual_spend_year_sensible"),
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.year}"

    def get_absolute_url(self) -> str:
        return self.line.get_absolute_url()

    def clean(self) -> None:
        if self.line_id:
            self.line.plan.validate_year(self.year)


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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["plan", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="funding_source_name_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("budget:overview", kwargs={"plan": self.plan.slug}) + f"#source-{self.pk}"

    @property
    def is_local(self) -> bool:
        """Local co-financing is everything but Landsbyggefonden's money."""
        return self.kind != self.Kind.LBF


class Funding(PlanContent):
    """What a funding source pays in one year."""

    plan_lookup = "source__plan"

    source = models.ForeignKey(
        FundingSource, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("source")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (kr.)"), **AMOUNT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["source", "year"]
        constraints = [
            models.UniqueConstraint(fields=["source", "year"], name="one_funding_per_source_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_not_negative"),
            models.CheckConstraint(condition=YEAR_RANGE, name="funding_year_sensible"),
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.year}"

    def get_absolute_url(self) -> str:
        return self.source.get_absolute_url()

    def clean(self) -> None:
        if self.source_id:
            self.source.plan.validate_year(self.year)
