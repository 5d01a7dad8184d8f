"""The plan's dashboard: how each delaftale is going, what needs attention, what changed lately."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.agreements.selectors import strategic_goals_with_key_figures, sub_agreements_with_goal_tree
from helhedsplan.approvals.summary import approval_summary
from helhedsplan.budget.summary import budget_summary
from helhedsplan.goals import progress
from helhedsplan.plans.views import PlanTemplateView
from helhedsplan.reports import selectors


@dataclass(frozen=True)
class SubAgreementCard:
    sub_agreement: SubAgreement
    progress: progress.Progress
    goal_count: int
    indicator_count: int
    activity_count: int


class DashboardView(PlanTemplateView):
    """The start page of a plan. Reads everything through prefetching selectors: a fixed number of queries."""

    template_name = "reports/dashboard.html"
    page_title = _("Overview")

    def get_breadcrumbs(self):
        # The plan itself is the page: the breadcrumb trail ends at the plan's name.
        return []

    def today(self) -> datetime.date:
        return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, today = self.plan, self.today()
        sub_agreements = list(sub_agreements_with_goal_tree(plan, with_activities=True))
        strategic_goals = list(strategic_goals_with_key_figures(plan))
        selectors.share_plan(sub_agreements, plan)
        indicators, activities, cards = [], [], []
        for sub_agreement in sub_agreements:
            goals = list(sub_agreement.goals.all())
            sub_indicators = [i for goal in goals for i in goal.indicators.all()]
            selectors.share_plan(sub_indicators, plan)
            indicators.extend(sub_indicators)
            activities.extend(sub_agreement.activities.all())
            cards.append(
                SubAgreementCard(
                    sub_agreement=sub_agreement,
                    progress=progress.sub_agreement_progress(sub_agreement),
                    goal_count=len(goals),
                    indicator_count=len(sub_indicators),
                    activity_count=len(sub_agreement.activities.all()),
                )
            )
        key_figures = [i for goal in strategic_goals for i in goal.key_figures.all()]
        selectors.share_plan(key_figures, plan)
        budget = budget_summary(plan)
        approvals = approval_summary(plan, today)
        context.update(
            today=today,
            cards=cards,
            plan_progress=progress.plan_progress(sub_agreements),
            attention=selectors.needs_attention([*key_figures, *indicators], activities, today),
            recent_changes=selectors.recent_changes(plan),
            total_budget=budget.total_budget,
            approvals=approvals,
            estate_homes=sum(state.estate.homes or 0 for state in approvals.estates),
            estate_residents=sum(state.estate.residents or 0 for state in approvals.estates),
        )
        return context
