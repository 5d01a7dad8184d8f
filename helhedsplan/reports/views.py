"""The plan's dashboard: how each delaftale is going, what needs attention, what changed lately."""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.plans.views import PlanTemplateView
from helhedsplan.reports import selectors


class DashboardView(PlanTemplateView):
    """The start page of a plan: what ``selectors.dashboard`` reads, in a fixed number of queries."""

    template_name = "reports/dashboard.html"
    page_title = _("Overview")

    def get_breadcrumbs(self):
        # The plan itself is the page: the breadcrumb trail ends at the plan's name.
        return []

    def today(self) -> datetime.date:
        return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dashboard = selectors.dashboard(
            self.plan,
            self.today(),
            may_see_contacts=self.request.user.has_perm("plan.view_contact_details", self.plan),
        )
        context.update(
            {field.name: getattr(dashboard, field.name) for field in dataclasses.fields(dashboard)}
        )
        return context
