"""What a user may import into a plan (the template's rows), and the stored preview as its page shows it.

Each read is a fixed number of queries, whatever the number of indicators, lines or rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine
from helhedsplan.goals.models import Indicator
from helhedsplan.goals.selectors import measurements_prefetch
from helhedsplan.plans.models import Plan

from .models import ImportPreview

EDIT_GOALS = "plan.edit_goals"
ENTER_ACTUAL_SPEND = "plan.enter_actual_spend"


def measurable_indicators(plan: Plan, user) -> QuerySet[Indicator]:
    """The plan's indicators (and key figures) ``user`` may record measurements of, with what the template
    shows: their delaftale or strategic goal and their latest measurement (two queries)."""
    return (
        Indicator.objects.for_user(user, EDIT_GOALS)
        .in_plan(plan)
        .select_related("plan", "goal__sub_agreement", "strategic_goal")
        .prefetch_related(measurements_prefetch())
        .order_by("goal__sub_agreement_id", "goal__order", "goal_id", "strategic_goal_id", "pk")
    )


def sub_agreements_of(plan: Plan) -> list:
    """The plan's delaftaler, for a template of one of them (one query)."""
    return list(plan.sub_agreements.order_by("pk"))


def may_enter_actual_spend(plan: Plan, user) -> bool:
    return user.has_perm(ENTER_ACTUAL_SPEND, plan)


def spend_lines(plan: Plan) -> list[BudgetLine]:
    """The plan's budget lines with their budget and actual spend per year (three queries)."""
    return list(
        BudgetLine.objects.in_plan(plan)
        .select_related("plan", "sub_agreement")
        .prefetch_related(
            Prefetch("amounts", queryset=BudgetAmount.objects.order_by("year")),
            Prefetch("actuals", queryset=ActualSpend.objects.order_by("year")),
        )
    )


# --- The preview's page ---------------------------------------------------------------------------------------


@dataclass
class PreviewPage:
    preview: ImportPreview
    #: Rows that do something or are refused, in the file's order.
    rows: list[dict]
    counts: dict[str, int] = field(default_factory=dict)
    #: Rows without a new value (left as they are).
    empty: int = 0
    #: What the file names that the plan does not have, by column: estate numbers, catalogue codes (sorted).
    unknown: dict[str, list[str]] = field(default_factory=dict)

    @property
    def to_save(self) -> int:
        return self.counts.get("new", 0) + self.counts.get("changed", 0)


def preview_page(preview: ImportPreview) -> PreviewPage:
    """The preview's rows as its page lists them (no query: the rows are stored on it)."""
    counts: dict[str, int] = {"new": 0, "changed": 0, "unchanged": 0, "refused": 0}
    shown, empty = [], 0
    unknown: dict[str, set[str]] = {}
    for row in preview.rows:
        if row["outcome"] == "empty":
            empty += 1
            continue
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        shown.append(row)
        for column, value in row.get("unknown", ()):
            unknown.setdefault(column, set()).add(value)
    return PreviewPage(
        preview=preview,
        rows=shown,
        counts=counts,
        empty=empty,
        unknown={column: sorted(values) for column, values in unknown.items()},
    )
