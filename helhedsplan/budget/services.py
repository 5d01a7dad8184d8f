"""Writes to the budget: a line with its yearly amounts, its actual spend, a funding source with its yearly
funding. Each runs in one transaction — a refused year or amount saves nothing — checks the lock counter of the
line (or source) and records who acted.

A line (or source) and its yearly rows are edited in one form, and optimistic locking guards the line's
``lock_version``. So the line is saved — and its counter raised — whenever one of its yearly rows changes: a form
opened before someone else changed only an amount is then refused too, instead of silently overwriting it.

The rules for a yearly row ("inside the plan's period", "not negative") are the models'; a refused row raises a
ValidationError keyed by its year, which the forms show next to that year's field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from helhedsplan.core.services import (
    Data,
    check_lock,
    object_create,
    object_delete,
    object_update,
    record_actor,
)
from helhedsplan.plans.models import Plan

from .models import BudgetLine, FundingSource, validate_yearly_rows

#: year → amount in kroner; None means "no amount" (budget and funding: nothing; actual spend: not yet known).
YearAmounts = Mapping[int, Decimal | None]


def _zero_is_nothing(amounts: YearAmounts) -> YearAmounts:
    """Budget and funding: 0 kr. and an empty year are the same, so no row is kept for either."""
    return {year: amount or None for year, amount in amounts.items()}


def _write_yearly(rows: Any, amounts: YearAmounts, actor: Any) -> bool:
    """Create, change or delete the yearly ``rows`` of a line or source (its related manager, e.g.
    ``line.amounts``) to match ``amounts``; True if anything changed.

    Every row to be written is validated through its model first, so a refused year writes nothing. Rows read
    through the related manager come with their line (and its plan), so validating them costs no query each.
    """
    model, parent_field, parent = rows.model, rows.field.name, rows.instance
    existing = {row.year: row for row in rows.all()}
    to_save, to_delete = [], []
    for year, amount in amounts.items():
        row = existing.get(year)
        if amount is None:
            if row is not None:
                to_delete.append(row)
        elif row is None:
            to_save.append(model(**{parent_field: parent, "year": year, "amount": amount}))
        elif row.amount != amount:
            row.amount = amount
            to_save.append(row)
    validate_yearly_rows(to_save)
    for row in to_delete:
        record_actor(row, actor)
        row.delete()
    for row in to_save:
        record_actor(row, actor)
        row.save()
    return bool(to_save or to_delete)


# --- Budget lines ---------------------------------------------------------------------------------------------


@transaction.atomic
def budget_line_create(*, plan: Plan, data: Data, amounts: YearAmounts, actor: Any) -> BudgetLine:
    """A new line in ``plan`` with its budget per year (None or 0 for a year: nothing budgeted)."""
    line = object_create(BudgetLine(plan=plan), data=data, actor=actor)
    _write_yearly(line.amounts, _zero_is_nothing(amounts), actor)
    return line


@transaction.atomic
def budget_line_update(
    *, line: BudgetLine, data: Data, amounts: YearAmounts, expected_lock_version: int | None, actor: Any
) -> BudgetLine:
    """Change ``line`` and its budget per year, unless someone saved it after ``expected_lock_version``."""
    # Saving the line raises its counter even when only an amount changed (see the module docstring).
    object_update(line, data=data, expected_lock_version=expected_lock_version, actor=actor)
    _write_yearly(line.amounts, _zero_is_nothing(amounts), actor)
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, actor: Any) -> None:
    """Delete ``line`` with its budget and actual spend for every year."""
    object_delete(line, actor=actor)


@transaction.atomic
def actual_spend_update(
    *, line: BudgetLine, amounts: YearAmounts, expected_lock_version: int | None, actor: Any
) -> bool:
    """Record what ``line`` actually spent per year (None: not yet known; 0 kr. is a known fact).

    True if anything changed; only then is the line saved, raising the counter that guards its actuals too.
    """
    line.lock_version = check_lock(line, expected_lock_version)
    changed = _write_yearly(line.actuals, amounts, actor)
    if changed:
        record_actor(line, actor)
        line.save()
    return changed


# --- Funding sources ------------------------------------------------------------------------------------------


@transaction.atomic
def funding_source_create(*, plan: Plan, data: Data, amounts: YearAmounts, actor: Any) -> FundingSource:
    """A new funding source in ``plan`` with what it pays per year (None or 0 for a year: nothing)."""
    source = object_create(FundingSource(plan=plan), data=data, actor=actor)
    _write_yearly(source.fundings, _zero_is_nothing(amounts), actor)
    return source


@transaction.atomic
def funding_source_update(
    *,
    funding_source: FundingSource,
    data: Data,
    amounts: YearAmounts,
    expected_lock_version: int | None,
    actor: Any,
) -> FundingSource:
    """Change ``funding_source`` and its funding per year, unless someone saved it after
    ``expected_lock_version``."""
    object_update(funding_source, data=data, expected_lock_version=expected_lock_version, actor=actor)
    _write_yearly(funding_source.fundings, _zero_is_nothing(amounts), actor)
    return funding_source


@transaction.atomic
def funding_source_delete(*, funding_source: FundingSource, actor: Any) -> None:
    """Delete ``funding_source`` with its funding for every year."""
    object_delete(funding_source, actor=actor)
