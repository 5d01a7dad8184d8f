"""The plan's overview pages: the dashboard (how each delaftale is going, what needs attention, what changed
lately) and the full change log."""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhedsplan.documents.selectors import sources_by_fact
from helhedsplan.plans.locations import static_map
from helhedsplan.plans.views import PlanTemplateView
from helhedsplan.versions.selectors import signing_organisations

from . import selectors


class DashboardView(PlanTemplateView):
    """The start page of a plan: what ``selectors.dashboard`` reads — the plan's kept figures and what depends on
    the reader — in a fixed number of queries."""

    template_name = "overview/dashboard.html"
    page_title = _("Overview")

    def get_breadcrumbs(self):
        # The plan itself is the page: the breadcrumb trail ends at the plan's name.
        return []

    def today(self) -> datetime.date:
        return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_see_contacts = self.request.user.has_perm("plan.view_contact_details", self.plan)
        user = self.request.user
        dashboard = selectors.dashboard(
            self.plan,
            self.today(),
            may_see_contacts=may_see_contacts,
            may_review=user.has_perm("plan.review_reports", self.plan),
            may_submit=user.has_perm("plan.submit_reports", self.plan),
            may_submit_versions=user.has_perm("plan.manage", self.plan),
            signs_for=signing_organisations(user, [self.plan])[self.plan.pk],
        )
        context.update(
            {field.name: getattr(dashboard, field.name) for field in dataclasses.fields(dashboard)}
        )
        context["map_svg"] = static_map(context["map_rows"], title=str(_("Map of the estates")))
        # One query: the sources of the plan's homes and residents, shown beside the figures.
        context["fact_sources"] = sources_by_fact(self.plan, "plan-homes", "plan-residents")
        return context


class ChangeLogView(PlanTemplateView):
    """The plan's full change log, paged (``?side=2``): who changed what, when, and what changed — what
    ``selectors.change_log`` reads, in a number of queries that does not grow with the history."""

    template_name = "overview/change_log.html"
    page_title = _("Change log")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        log = selectors.change_log(
            self.plan,
            # Contacts and memberships are personal data: for coordinators and editors, never for reviewers.
            personal=self.request.user.has_perm("plan.view_contact_details", self.plan),
            page_number=self.request.GET.get("side"),
        )
        context.update({"page_obj": log.page, "changes": log.changes, "page_parameter": "side"})
        return context
