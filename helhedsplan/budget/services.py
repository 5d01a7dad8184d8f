"""Writes to the budget that touch several rows: a line with its yearly amounts, its actual spend, a funding
source with its yearly funding. Each runs in one transaction, so a refused year or amount saves nothing.

A line (or source) and its yearly rows are edited in one form, and optimistic locking guards the line's
``version``. So the line is saved — and its version raised — whenever one of its yearly rows changes: a form
opened before someone else changed only an amount is then refused too, instead of silently overwriting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helhedsplan.plans.models import Plan

from .models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource

#: year → amount in kroner; None means "no amount" (budget and funding: nothing; actual spend: not yet known).
YearAmounts = Mapping[int, Decimal | None]


def validate_year_amounts(plan: Plan, amounts: YearAmounts) -> None:
    """Every year inside the plan's period and every amount zero or more; else a ValidationError naming them."""
    errors: list[str] = []
    for year, amount in amounts.items():
        if not plan.contains_year(year):
            errors.append(
                _("%(year)s is outside the plan's period (%(first)s–%(last)s).")
                % {"year": year, "first": plan.start_date.year, "last": plan.end_date.year}
            )
        if amount is not None and amount < 0:
            errors.append(_("The amount for %(year)s cannot be negative.") % {"year": year})
    if errors:
        raise ValidationError(errors)


def _write_yearly(model, parent_field: str, parent, amounts: YearAmounts, **extra) -> bool:
    """Create, change or delete the yearly rows of ``parent`` to match ``amounts``; True if anything changed."""
    existing = {row.year: row for row in model.objects.filter(**{parent_field: parent})}
    changed = False
    for year, amount in amounts.items():
        row = existing.get(year)
        if amount is None:
            if row is not None:
                row.delete()
                changed = True
        elif row is None:
            model.objects.create(**{parent_field: parent}, year=year, amount=amount, **extra)
            changed = True
        elif row.amount != amount:
            row.amount = amount
            row.save()
            changed = True
    return changed


def _check_belongs(plan: Plan, obj) -> None:
    if obj.plan_id is not None and obj.plan_id != plan.pk:
        raise ValidationError(_("This belongs to another plan."))


@transaction.atomic
def save_budget_line(plan: Plan, line: BudgetLine, amounts: YearAmounts) -> BudgetLine:
    """Save ``line`` in ``plan`` with its budgeted amount per year (None or 0 for a year leaves it at 0 kr.)."""
    _check_belongs(plan, line)
    validate_year_amounts(plan, amounts)
    line.plan = plan
    line.full_clean()
    # Saving the line raises its version, so a stale form for the same row is refused (see module docstring).
    line.save()
    _write_yearly(BudgetAmount, "line", line, {y: (a or None) for y, a in amounts.items()})
    return line


@transaction.atomic
def save_actual_spend(plan: Plan, line: BudgetLine, amounts: YearAmounts) -> bool:
    """Record what ``line`` actually spent per year (None: not yet known). True if anything changed."""
    if line.pk is None or line.plan_id != plan.pk:
        raise ValidationError(_("This belongs to another plan."))
    validate_year_amounts(plan, amounts)
    changed = _write_yearly(ActualSpend, "line", line, amounts)
    if changed:
        line.save()  # raises the line's version: the row's version guards its actuals too
    return changed


@transaction.atomic
def save_funding_source(plan: Plan, source: FundingSource, amounts: YearAmounts) -> FundingSource:
    """Save ``source`` in ``plan`` with what it pays per year (None or 0 for a year: nothing)."""
    _check_belongs(plan, source)
    validate_year_amounts(plan, amounts)
    source.plan = plan
    source.full_clean()
    source.save()
    _write_yearly(Funding, "source", source, {y: (a or None) for y, a in amounts.items()})
    return source
