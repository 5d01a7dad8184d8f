"""Pages for a delaftale's goals, their indicators and measurements, and the activities that serve them.

Reading needs ``plan.view``. Creating asks ``plan.edit_goals`` of the parent (delaftale, goal, indicator or
strategic goal), editing and deleting ask it of the object, so an editor limited to some delaftaler is refused
everywhere else, and key figures on strategic goals are left to coordinators, as the strategic agreement is.
Deleting what takes other rows with it (a goal with indicators) is a coordinator's act too (the view kit).

The views are declarative: the parent comes from the model's foreign key (``parent_field``), breadcrumbs and
return addresses from the models' declared parents, writes from ``services``, page data from ``selectors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

from helhedsplan.core.formatting import format_date
from helhedsplan.core.forms import id_from_query
from helhedsplan.documents.selectors import sources_by_fact
from helhedsplan.periods.models import CatalogueIndicator
from helhedsplan.plans.views import PlanCreateView, PlanDeleteView, PlanDetailView, PlanUpdateView

from . import selectors, services
from .forms import ActivityForm, GoalForm, IndicatorForm, MeasurementForm, MilestoneForm, catalogue_entries
from .models import Activity, Goal, Indicator, Measurement, Milestone

EDIT_GOALS = selectors.EDIT_GOALS

# An activity's pages name its responsible organisation (its breadcrumbs are joined by the kit).
ACTIVITY_RELATED = ("responsible_organisation",)


def describe_measurement(measurement: Measurement) -> str:
    """'45 % on 30. juni 2023' — how people speak of a measurement."""
    return _("%(value)s on %(date)s") % {
        "value": measurement.value_text(),
        "date": format_date(measurement.date),
    }


def is_htmx(request) -> bool:
    """Whether htmx sent the request (django-htmx's middleware marks it)."""
    return bool(getattr(request, "htmx", False))


# Goals


class GoalDetailView(PlanDetailView):
    model = Goal
    template_name = "goals/goal_detail.html"

    def get_queryset(self):
        return selectors.goals_for_page().in_plan(self.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(vars(selectors.goal_page(self.object, today=timezone.localdate())))
        context["can_edit"] = self.request.user.has_perm(EDIT_GOALS, self.object)
        # One query: the indicators' baselines' sources, shown beside the baselines.
        context["fact_sources"] = sources_by_fact(self.plan, "indicator-baseline")
        return context


class GoalCreateView(PlanCreateView):
    model = Goal
    form_class = GoalForm
    permission_required = EDIT_GOALS
    parent_field = "sub_agreement"
    service = staticmethod(services.goal_create)
    page_title = gettext_lazy("New goal")

    def get_initial(self):
        # New goals go last in the delaftale.
        return {"order": self.parent.goals.count() + 1}


class GoalUpdateView(PlanUpdateView):
    model = Goal
    form_class = GoalForm
    permission_required = EDIT_GOALS
    service = staticmethod(services.goal_update)


class GoalDeleteView(PlanDeleteView):
    model = Goal
    permission_required = EDIT_GOALS
    service = staticmethod(services.goal_delete)


# Indicators


class IndicatorDetailView(PlanDetailView):
    model = Indicator
    template_name = "goals/indicator_detail.html"

    def get_queryset(self):
        return selectors.indicators_for_page().in_plan(self.plan)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = self.object
        page = selectors.indicator_page(
            indicator, today=timezone.localdate(), page_number=self.request.GET.get("side")
        )
        context.update(vars(page))
        context["page_parameter"] = "side"
        context["anchor"] = "#measurements-heading"
        # One query: the baseline's source, shown beside it.
        context["fact_sources"] = sources_by_fact(self.plan, "indicator-baseline")
        context["can_edit"] = can_edit = self.request.user.has_perm(EDIT_GOALS, indicator)
        if can_edit:
            context["measurement_form"] = MeasurementForm(
                plan=self.plan,
                instance=Measurement(indicator=indicator),
                initial={"date": self.plan.nearest_date_in_period(timezone.localdate())},
                auto_id="measurement-%s",
            )
        return context


class IndicatorCreateView(PlanCreateView):
    """A new indicator on a goal of a delaftale."""

    model = Indicator
    form_class = IndicatorForm
    permission_required = EDIT_GOALS
    parent_field = "goal"
    # Typed as any service: KeyFigureCreateView's takes a strategic goal instead of a goal.
    service: Callable[..., Any] | None = staticmethod(services.indicator_create)
    page_title = gettext_lazy("New indicator")

    template_name = "goals/indicator_form.html"

    def new_instance(self) -> Indicator:
        # The indicator lives in the plan too, so the model's "parent in the same plan" rule is checked.
        return Indicator(**{self.parent_field: self.parent}, plan=self.plan)

    @cached_property
    def picked_entry(self) -> CatalogueIndicator | None:
        """The catalogue entry ``?katalog=<id>`` picks, if it is one of the plan's period's (else none: a bad id
        in an address is ignored)."""
        pk = id_from_query(self.request.GET.get("katalog"))
        return catalogue_entries(self.plan).filter(pk=pk).first() if pk else None

    def get_initial(self):
        initial: dict[str, Any] = {"baseline_date": self.plan.start_date, "target_date": self.plan.end_date}
        if self.picked_entry is not None:
            # Picking copies the entry's name, definition, unit and direction and keeps the link.
            values = Indicator.values_from_catalogue(self.picked_entry)
            initial.update(values, catalogue_entry=self.picked_entry.pk)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["catalogue_choices"] = list(context["form"].choice_field("catalogue_entry").queryset)
        context["picked_entry"] = self.picked_entry
        return context


class KeyFigureCreateView(IndicatorCreateView):
    """A key figure of the area (LBF's Boligsociale Data) on a strategic goal."""

    parent_field = "strategic_goal"
    service = staticmethod(services.key_figure_create)
    page_title = gettext_lazy("New key figure")


class IndicatorUpdateView(PlanUpdateView):
    model = Indicator
    form_class = IndicatorForm
    permission_required = EDIT_GOALS
    service = staticmethod(services.indicator_update)


class IndicatorDeleteView(PlanDeleteView):
    model = Indicator
    permission_required = EDIT_GOALS
    service = staticmethod(services.indicator_delete)


# Measurements


class MeasurementCreateView(PlanCreateView):
    """Record a measurement: the short form on the indicator and delaftale pages posts here.

    ``next`` (a local URL) brings the user back to the page the form was on; an invalid form is shown on its
    own page with the errors next to the fields and ``next`` kept. The indicator page's form posts with htmx:
    a refused save answers with that form alone, errors and all, to swap in place (the page and its chart stay);
    a save answers with HX-Redirect, so the page reloads with the new measurement, as without JavaScript.
    """

    #: The form of the indicator page, for the htmx answer: its ids and the include it is drawn with.
    htmx_template_name = "goals/includes/measurement_form.html"
    htmx_auto_id = "measurement-%s"

    model = Measurement
    form_class = MeasurementForm
    permission_required = EDIT_GOALS
    parent_field = "indicator"
    service = staticmethod(services.measurement_create)
    page_title = gettext_lazy("Record a measurement")

    def get_initial(self):
        # Today, or the period's last day once it has ended: a default the form accepts.
        return {"date": self.plan.nearest_date_in_period(timezone.localdate())}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if is_htmx(self.request):
            kwargs["auto_id"] = self.htmx_auto_id
        return kwargs

    def form_valid(self, form):
        response = super().form_valid(form)
        if is_htmx(self.request):
            return HttpResponseClientRedirect(response["Location"])
        return response

    def form_invalid(self, form):
        if not is_htmx(self.request):
            return super().form_invalid(form)
        context = {"plan": self.plan, "indicator": self.parent, "measurement_form": form}
        return render(self.request, self.htmx_template_name, context)

    def get_success_message(self) -> str:
        assert self.object is not None  # form_valid() created it before asking for the message
        return _("The measurement %(measurement)s of %(indicator)s was recorded.") % {
            "measurement": describe_measurement(self.object),
            "indicator": self.parent,
        }


class MeasurementUpdateView(PlanUpdateView):
    model = Measurement
    form_class = MeasurementForm
    permission_required = EDIT_GOALS
    service = staticmethod(services.measurement_update)

    def get_page_title(self) -> str:
        return _("Edit the measurement of %(date)s") % {"date": format_date(self.object.date)}

    def get_success_message(self) -> str:
        return _("The measurement %(measurement)s was saved.") % {
            "measurement": describe_measurement(self.object)
        }


class MeasurementDeleteView(PlanDeleteView):
    model = Measurement
    permission_required = EDIT_GOALS
    service = staticmethod(services.measurement_delete)
    template_name = "goals/measurement_confirm_delete.html"

    def get_page_title(self) -> str:
        return _("Delete the measurement of %(date)s") % {"date": format_date(self.object.date)}

    def describe(self) -> str:
        # Measurements are named by value and date, not by their str(), in the messages.
        return describe_measurement(self.object)

    def get_success_message(self, name: str) -> str:
        return _("The measurement %(measurement)s was deleted.") % {"measurement": name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["description"] = self.describe()
        return context


# Activities


class ActivityDetailView(PlanDetailView):
    model = Activity
    template_name = "goals/activity_detail.html"
    select_related = ACTIVITY_RELATED
    prefetch_related = ("goals", "milestones")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(vars(selectors.activity_page(self.object, today=timezone.localdate())))
        context["can_edit"] = self.request.user.has_perm(EDIT_GOALS, self.object)
        return context


class ActivityCreateView(PlanCreateView):
    model = Activity
    form_class = ActivityForm
    permission_required = EDIT_GOALS
    parent_field = "sub_agreement"
    service = staticmethod(services.activity_create)
    page_title = gettext_lazy("New activity")

    def get_initial(self):
        initial = super().get_initial()
        goal = id_from_query(self.request.GET.get("goal"))
        if goal is not None:
            # Started from a goal's page: that goal is ticked.
            initial["goals"] = [goal]
        return initial


class ActivityUpdateView(PlanUpdateView):
    model = Activity
    form_class = ActivityForm
    permission_required = EDIT_GOALS
    select_related = ACTIVITY_RELATED
    service = staticmethod(services.activity_update)


class ActivityDeleteView(PlanDeleteView):
    model = Activity
    permission_required = EDIT_GOALS
    select_related = ACTIVITY_RELATED
    service = staticmethod(services.activity_delete)


# Milestones of an activity


class MilestoneCreateView(PlanCreateView):
    model = Milestone
    form_class = MilestoneForm
    permission_required = EDIT_GOALS
    parent_field = "activity"
    service = staticmethod(services.milestone_create)
    page_title = gettext_lazy("New milestone")


class MilestoneUpdateView(PlanUpdateView):
    model = Milestone
    form_class = MilestoneForm
    permission_required = EDIT_GOALS
    service = staticmethod(services.milestone_update)


class MilestoneDeleteView(PlanDeleteView):
    model = Milestone
    permission_required = EDIT_GOALS
    service = staticmethod(services.milestone_delete)
