"""Reads of the approvals pages: what the overview shows, as data a report could show too."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from helhedsplan.plans.models import Estate, Plan

from .models import ApprovalStep, EstateDecision
from .summary import ApprovalSummary, EstateState, StepState, estate_state, step_states


def approval_summaries(plans: Iterable[Plan], on: datetime.date) -> dict[int, ApprovalSummary]:
    """The summary of each plan as of ``on``, keyed by plan id: two queries however many plans and estates.

    The estates come with their housing association and their plan, the decisions with their estate, so pages
    link to them and check permissions without a query per row.
    """
    plan_ids = [plan.pk for plan in plans]
    estates = (
        Estate.objects.filter(plan_id__in=plan_ids)
        .select_related("housing_association", "plan")
        .prefetch_related(Prefetch("decisions", queryset=EstateDecision.objects.order_by("body", "pk")))
    )
    states: dict[int, list[EstateState]] = {plan_id: [] for plan_id in plan_ids}
    for estate in estates:
        states[estate.plan_id].append(estate_state(estate, list(estate.decisions.all()), on))
    return {
        plan_id: ApprovalSummary(as_of=on, estates=estate_states) for plan_id, estate_states in states.items()
    }


def approval_summary(plan: Plan, on: datetime.date) -> ApprovalSummary:
    """One plan's summary as of ``on``: two queries (the estates, their decisions)."""
    return approval_summaries([plan], on)[plan.pk]


@dataclass(frozen=True)
class ApprovalsOverview:
    """Every estate's decision as of a day, and the plan's political and funder steps in order."""

    summary: ApprovalSummary
    #: Each step as of the summary's day: the estates' step reads its status from the summary.
    steps: list[StepState]

    @property
    def overdue_steps(self) -> list[StepState]:
        return [state for state in self.steps if state.overdue]


def approval_steps(plan: Plan) -> list[ApprovalStep]:
    """The plan's steps in the order of the timeline, each with its plan (one query)."""
    return list(ApprovalStep.objects.in_plan(plan).select_related("plan").order_by("order"))


def approvals_overviews(plans: Iterable[Plan], on: datetime.date) -> dict[int, ApprovalsOverview]:
    """Each plan's overview as of ``on``, keyed by plan pk: three queries (the estates, their decisions, the
    steps) however many plans."""
    summaries = approval_summaries(plans, on)
    steps: dict[int, list[ApprovalStep]] = {pk: [] for pk in summaries}
    for step in (
        ApprovalStep.objects.filter(plan_id__in=list(summaries)).select_related("plan").order_by("order")
    ):
        steps[step.plan_id].append(step)
    return {
        pk: ApprovalsOverview(summary=summary, steps=step_states(steps[pk], summary))
        for pk, summary in summaries.items()
    }


def approvals_overview(plan: Plan, on: datetime.date) -> ApprovalsOverview:
    """Three queries: the estates, their decisions, the steps — whatever their number."""
    return approvals_overviews([plan], on)[plan.pk]
