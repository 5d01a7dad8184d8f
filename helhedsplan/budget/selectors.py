"""What the budget pages show, as functions a report can call too: the budget page, the spreadsheet, the yearly
amounts a line's or source's form starts from, and the change log of a line or source with its yearly rows.

Every read is a fixed number of queries, whatever the number of lines, sources or years: rows come with their
plan (``select_related``), and a history reads the records of all yearly rows of a line at once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.core.history import Entry, entries_for, entries_from_records
from helhedsplan.plans.models import Plan

from .charts import BudgetActualChart, budget_actual_chart
from .models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from .summary import BudgetSummary, summarise

__all__ = [
    "BudgetPage",
    "SubjectEntry",
    "actual_spend_of",
    "budget_of",
    "budget_page",
    "budget_summaries",
    "budget_summary",
    "funding_of",
    "line_history",
    "source_history",
]


# --- The budget page and its spreadsheet ----------------------------------------------------------------------


def budget_summaries(plans: Iterable[Plan]) -> dict[int, BudgetSummary]:
    """The whole budget of each of ``plans``, by plan id, in five queries whatever their number and size:
    lines (with their plan and their delaftale's), amounts, actuals, funding sources (with their plan and
    organisation), fundings. Rows come with their plan, so links and permission checks cost nothing more."""
    plans = list(plans)
    lines = list(BudgetLine.objects.filter(plan__in=plans).select_related("plan", "sub_agreement__plan"))
    sources = list(FundingSource.objects.filter(plan__in=plans).select_related("plan", "organisation"))
    plan_of_line = {line.pk: line.plan_id for line in lines}
    plan_of_source = {source.pk: source.plan_id for source in sources}
    # A row added since its line was read (a concurrent save) lands under None and is not shown.
    by_plan: dict[int | None, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for line in lines:
        by_plan[line.plan_id]["lines"].append(line)
    for source in sources:
        by_plan[source.plan_id]["sources"].append(source)
    for amount in BudgetAmount.objects.filter(line__plan__in=plans):
        by_plan[plan_of_line.get(amount.line_id)]["amounts"].append(amount)
    for actual in ActualSpend.objects.filter(line__plan__in=plans):
        by_plan[plan_of_line.get(actual.line_id)]["actuals"].append(actual)
    for funding in Funding.objects.filter(source__plan__in=plans):
        by_plan[plan_of_source.get(funding.source_id)]["fundings"].append(funding)
    return {
        plan.pk: summarise(
            years=plan.years,
            lines=by_plan[plan.pk]["lines"],
            amounts=by_plan[plan.pk]["amounts"],
            actuals=by_plan[plan.pk]["actuals"],
            sources=by_plan[plan.pk]["sources"],
            fundings=by_plan[plan.pk]["fundings"],
        )
        for plan in plans
    }


def budget_summary(plan: Plan) -> BudgetSummary:
    """The whole budget of ``plan`` in five queries, whatever its size (see ``budget_summaries``)."""
    return budget_summaries([plan])[plan.pk]


@dataclass(frozen=True)
class BudgetPage:
    summary: BudgetSummary
    chart: BudgetActualChart
    #: Years that have ended with a budget but no actual spend recorded (a warning each).
    finished_years_without_actual: list[int]


def budget_page(plan: Plan, today: datetime.date | None = None) -> BudgetPage:
    """The budget page as of ``today`` (the local date unless given): the summary's tables and the
    budget-against-actual chart (the summary's queries only)."""
    summary = budget_summary(plan)
    return BudgetPage(
        summary=summary,
        chart=budget_actual_chart(summary),
        finished_years_without_actual=summary.finished_years_without_actual(today or timezone.localdate()),
    )


# --- What a line's or source's form starts from ---------------------------------------------------------------


def _by_year(rows: models.Manager) -> dict[int, Decimal]:
    return dict(rows.values_list("year", "amount"))


def budget_of(line: BudgetLine) -> dict[int, Decimal]:
    """The line's budget per year (years without an amount left out); nothing for an unsaved line."""
    return _by_year(line.amounts) if line.pk is not None else {}


def actual_spend_of(line: BudgetLine) -> dict[int, Decimal]:
    """What the line actually spent per year, for the years where it is known."""
    return _by_year(line.actuals) if line.pk is not None else {}


def funding_of(source: FundingSource) -> dict[int, Decimal]:
    """What the source pays per year; nothing for an unsaved source."""
    return _by_year(source.fundings) if source.pk is not None else {}


# --- History: a line with its yearly amounts and actuals, a source with its yearly funding ----------------------


@dataclass
class SubjectEntry:
    """A change log entry and what it is about ('Budget 2023', 'The line')."""

    subject: str
    entry: Entry


def _yearly_entries(model: type[models.Model], parent_field: str, parent, label: str) -> list[SubjectEntry]:
    """The change log of every yearly row ``parent`` has had, deleted ones included, by year.

    One query for the records of all rows (with their users), however many years there are.
    (``core.history.entries_for`` reads one object's records; called per row it cost two queries per year.)
    """
    records = list(
        model.history.filter(**{f"{parent_field}_id": parent.pk})  # type: ignore[attr-defined]
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    by_row: dict[int, list] = defaultdict(list)
    for record in records:
        by_row[record.id].append(record)
    result: list[SubjectEntry] = []
    for row_records in sorted(by_row.values(), key=lambda rows: rows[-1].year):
        subject = label % {"year": row_records[-1].year}
        # Every record names the same parent, which is at hand: nothing is looked up.
        entries = entries_from_records(model, row_records, known=[parent])
        result.extend(SubjectEntry(subject, entry) for entry in entries)
    return result


def _newest_first(own_label: str, obj, related: list[SubjectEntry]) -> list[SubjectEntry]:
    own = [SubjectEntry(own_label, entry) for entry in entries_for(obj)]
    return sorted([*own, *related], key=lambda item: item.entry.when, reverse=True)


def line_history(line: BudgetLine) -> list[SubjectEntry]:
    """The line's own changes with those of its budget and actual spend for every year, newest first."""
    return _newest_first(
        _("The line"),
        line,
        [
            *_yearly_entries(BudgetAmount, "line", line, _("Budget %(year)s")),
            *_yearly_entries(ActualSpend, "line", line, _("Actual spend %(year)s")),
        ],
    )


def source_history(source: FundingSource) -> list[SubjectEntry]:
    """The source's own changes with those of its funding for every year, newest first."""
    return _newest_first(
        _("The funding source"), source, _yearly_entries(Funding, "source", source, _("Funding %(year)s"))
    )
