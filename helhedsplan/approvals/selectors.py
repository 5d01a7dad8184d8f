"""Reads of the approvals pages: what the overview shows, as data a report could show too."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from helhedsplan.plans.models import Plan

from .models import ApprovalStep
from .summary import ApprovalSummary, approval_summary


@dataclass(frozen=True)
class ApprovalsOverview:
    """Every estate's decision as of a day, and the plan's political and funder steps in order."""

    summary: ApprovalSummary
    steps: list[ApprovalStep]


def approval_steps(plan: Plan) -> list[ApprovalStep]:
    """The plan's steps in the order of the timeline, each with its plan (one query)."""
    return list(ApprovalStep.objects.in_plan(plan).select_related("plan").order_by("order"))


def approvals_overview(plan: Plan, on: datetime.date) -> ApprovalsOverview:
    """Three queries: the estates, their decisions, the steps — whatever their number."""
    return ApprovalsOverview(summary=approval_summary(plan, on), steps=approval_steps(plan))
