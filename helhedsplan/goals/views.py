"""Pages for a delaftale's goals, their indicators and measurements, and the activities that serve them.

Reading needs ``plan.view``. Creating asks ``plan.edit_goals`` of the parent (delaftale, goal, indicator or
strategic goal), editing and deleting ask it of the object, so an editor limited to some delaftaler is refused
everywhere else, and key figures on strategic goals are left to coordinators and unlimited editors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhedsplan.agreements.models import StrategicGoal, SubAgreement
from helhedsplan.core.formatting import format_number
from helhedsplan.plans import access
from helhedsplan.plans.views import PlanCreateView, PlanDeleteView, PlanDetailView, PlanUpdateView

from . import progress as progress_rules
from .charts import indicator_chart
from .forms import ActivityForm, GoalForm, IndicatorForm, MeasurementForm
from .models import Activity, Goal, Indicator, Measurement
from .selectors import measurements_prefetch

EDIT_GOALS = "plan.edit_goals"

Crumbs = list[tuple[str, str | None]]

# The related rows every page of an object needs for its breadcrumbs and its permission check.
GOAL_RELATED = ("sub_agreement__plan",)
INDICATOR_RELATED = ("plan", "goal__sub_agreement__plan", "strategic_goal__plan")
MEASUREMENT_RELATED = tuple(f"indicator__{name}" for name in INDICATOR_RELATED)
ACTIVITY_RELATED = ("sub_agreement__plan", "responsible_organisation")


# Breadcrumbs: delaftale → goal → indicator, or strategic goal → key figure.


def sub_agreement_crumbs(sub_agreement: SubAgreement) -> Crumbs:
    sub_agreements_url = reverse("agreements:sub_agreements", kwargs={"plan": sub_agreement.plan.slug})
    return [(_("Sub-agreements"), sub_agreements_url), (str(sub_agreement), sub_agreement.get_absolute_url())]


def goal_crumbs(goal: Goal) -> Crumbs:
    return [*sub_agreement_crumbs(goal.sub_agreement), (str(goal), goal.get_absolute_url())]


def strategic_goal_crumbs(strategic_goal: StrategicGoal) -> Crumbs:
    title = _("Strategic goal: %(focus_area)s") % {"focus_area": strategic_goal}
    return [(title, strategic_goal.get_absolute_url())]


def indicator_parent_crumbs(indicator: Indicator) -> Crumbs:
    if indicator.goal_id:
        return goal_crumbs(indicator.goal)
    return strategic_goal_crumbs(indicator.strategic_goal)


def indicator_crumbs(indicator: Indicator) -> Crumbs:
    return [*indicator_parent_crumbs(indicator), (str(indicator), indicator.get_absolute_url())]


def indicator_parent_url(indicator: Indicator) -> str:
    return (
        indicator.goal.get_absolute_url()
        if indicator.goal_id
        else indicator.strategic_goal.get_absolute_url()
    )


def describe_measurement(measurement: Measurement) -> str:
    """'45 % on 30. juni 2023' — how people speak of a measurement."""
    return _("%(value)s %(unit)s on %(date)s") % {
        "value": format_number(measurement.value),
        "unit": measurement.indicator.unit,
        "date": formats.date_format(measurement.date, "DATE_FORMAT"),
    }


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator as lists show it: its progress and latest measurement, computed once."""

    indicator: Indicator
    progress: progress_rules.Progress
    latest: Measurement | None
    next_due: date
    #: A new measurement was due before today.
    overdue: bool


def summarise(indicator: Indicator, today: date) -> IndicatorSummary:
    return IndicatorSummary(
        indicator=indicator,
        progress=indicator.progress(),
        latest=indicator.latest_measurement(),
        next_due=indicator.next_measurement_due(),
        overdue=indicator.measurement_is_overdue(today),
    )


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    overdue: bool


@dataclass(frozen=True)
class MeasurementRow:
    measurement: Measurement
    #: Where the indicator stood when this value was measured.
    progress: progress_rules.Progress


class ParentMixin:
    """A create view under a parent object of the plan; the parent also answers the permission question."""

    parent_model = None
    parent_kwarg: str = ""
    parent_related: tuple[str, ...] = ()
    permission_required = EDIT_GOALS

    @cached_property
    def parent(self):
        queryset = self.parent_model.objects.select_related(*self.parent_related)
        return access.get_in_plan_or_404(queryset, self.plan, pk=self.kwargs[self.parent_kwarg])

    def get_permission_object(self):
        return self.parent

    def new_instance(self):
        raise NotImplementedError

    def get_form_kwargs(self):
        # The parent is set before validation so the model's own rules (plan period, target ≠ baseline) run.
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.new_instance()
        return kwargs

    def get_cancel_url(self) -> str:
        return self.parent.get_absolute_url()

    def get_parent_crumbs(self) -> Crumbs:
        return []

    def get_breadcrumbs(self) -> Crumbs:
        return [*self.get_parent_crumbs(), (self.get_page_title(), None)]


# Goals


class GoalDetailView(PlanDetailView):
    model = Goal
    template_name = "goals/goal_detail.html"
    select_related = GOAL_RELATED

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                _indicators_prefetch(),
                _activities_prefetch(),
            )
        )

    def get_parent_breadcrumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.object.sub_agreement)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goal = self.object
        today = timezone.localdate()
        summaries = [summarise(indicator, today) for indicator in goal.indicators.all()]
        context.update(
            goal=goal,
            indicators=summaries,
            progress=progress_rules.roll_up(s.progress for s in summaries),
            activities=[ActivityRow(a, a.is_overdue(today)) for a in goal.activities.all()],
            can_edit=self.request.user.has_perm(EDIT_GOALS, goal),
        )
        return context


def _indicators_prefetch() -> Prefetch:
    # The plan is joined because each indicator links to its own page (the URL holds the plan's slug).
    indicators = (
        Indicator.objects.select_related("plan").order_by("pk").prefetch_related(measurements_prefetch())
    )
    return Prefetch("indicators", queryset=indicators)


def _activities_prefetch() -> Prefetch:
    activities = Activity.objects.select_related("sub_agreement__plan", "responsible_organisation")
    return Prefetch("activities", queryset=activities.order_by("name"))


class GoalCreateView(ParentMixin, PlanCreateView):
    model = Goal
    form_class = GoalForm
    parent_model = SubAgreement
    parent_kwarg = "sub_agreement"
    parent_related = ("plan",)
    page_title = gettext_lazy("New goal")

    def new_instance(self) -> Goal:
        return Goal(sub_agreement=self.parent)

    def get_initial(self):
        # New goals go last in the delaftale.
        return {"order": self.parent.goals.count() + 1}

    def get_parent_crumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.parent)


class GoalUpdateView(PlanUpdateView):
    model = Goal
    form_class = GoalForm
    permission_required = EDIT_GOALS
    select_related = GOAL_RELATED

    def get_parent_breadcrumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.object.sub_agreement)


class GoalDeleteView(PlanDeleteView):
    model = Goal
    permission_required = EDIT_GOALS
    select_related = GOAL_RELATED
    template_name = "goals/goal_confirm_delete.html"

    def get_parent_breadcrumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.object.sub_agreement)

    def get_success_url(self) -> str:
        return self.object.sub_agreement.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["indicator_count"] = self.object.indicators.count()
        return context


# Indicators


class IndicatorDetailView(PlanDetailView):
    model = Indicator
    template_name = "goals/indicator_detail.html"
    select_related = INDICATOR_RELATED

    def get_queryset(self):
        measurements = Measurement.objects.select_related("entered_by").order_by("date", "pk")
        return super().get_queryset().prefetch_related(Prefetch("measurements", queryset=measurements))

    def get_parent_breadcrumbs(self) -> Crumbs:
        return indicator_parent_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = self.object
        measurements = list(indicator.measurements.all())
        can_edit = self.request.user.has_perm(EDIT_GOALS, indicator)
        summary = summarise(indicator, timezone.localdate())
        context.update(
            indicator=indicator,
            summary=summary,
            rows=[MeasurementRow(m, _progress_at(indicator, m)) for m in measurements],
            chart=indicator_chart(indicator, measurements, self.plan),
            can_edit=can_edit,
            parent_url=indicator_parent_url(indicator),
        )
        if can_edit:
            context["measurement_form"] = MeasurementForm(
                plan=self.plan,
                instance=Measurement(indicator=indicator),
                initial={"date": timezone.localdate()},
                auto_id="measurement-%s",
            )
        return context


def _progress_at(indicator: Indicator, measurement: Measurement) -> progress_rules.Progress:
    return progress_rules.indicator_progress(
        baseline_value=indicator.baseline_value,
        baseline_date=indicator.baseline_date,
        target_value=indicator.target_value,
        target_date=indicator.target_date,
        latest_value=measurement.value,
        latest_date=measurement.date,
    )


class IndicatorCreateView(ParentMixin, PlanCreateView):
    """A new indicator on a goal of a delaftale."""

    model = Indicator
    form_class = IndicatorForm
    parent_model = Goal
    parent_kwarg = "goal"
    parent_related = GOAL_RELATED
    page_title = gettext_lazy("New indicator")

    def new_instance(self) -> Indicator:
        return Indicator(goal=self.parent, plan=self.plan)

    def get_initial(self):
        return {"baseline_date": self.plan.start_date, "target_date": self.plan.end_date}

    def get_parent_crumbs(self) -> Crumbs:
        return goal_crumbs(self.parent)


class KeyFigureCreateView(IndicatorCreateView):
    """A key figure of the area (LBF's Boligsociale Data) on a strategic goal."""

    parent_model = StrategicGoal
    parent_kwarg = "strategic_goal"
    parent_related = ("plan",)
    page_title = gettext_lazy("New key figure")

    def new_instance(self) -> Indicator:
        return Indicator(strategic_goal=self.parent, plan=self.plan)

    def get_parent_crumbs(self) -> Crumbs:
        return strategic_goal_crumbs(self.parent)


class IndicatorUpdateView(PlanUpdateView):
    model = Indicator
    form_class = IndicatorForm
    permission_required = EDIT_GOALS
    select_related = INDICATOR_RELATED

    def get_parent_breadcrumbs(self) -> Crumbs:
        return indicator_parent_crumbs(self.object)


class IndicatorDeleteView(PlanDeleteView):
    model = Indicator
    permission_required = EDIT_GOALS
    select_related = INDICATOR_RELATED
    template_name = "goals/indicator_confirm_delete.html"

    def get_parent_breadcrumbs(self) -> Crumbs:
        return indicator_parent_crumbs(self.object)

    def get_success_url(self) -> str:
        return indicator_parent_url(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["measurement_count"] = self.object.measurements.count()
        return context


# Measurements


class MeasurementCreateView(ParentMixin, PlanCreateView):
    """Record a measurement: the short form on the indicator and delaftale pages posts here.

    ``next`` (a local URL) brings the user back to the page the form was on; an invalid form is shown on its
    own page with the errors next to the fields and ``next`` kept.
    """

    model = Measurement
    form_class = MeasurementForm
    parent_model = Indicator
    parent_kwarg = "indicator"
    parent_related = INDICATOR_RELATED
    page_title = gettext_lazy("Record a measurement")

    def new_instance(self) -> Measurement:
        return Measurement(indicator=self.parent)

    def get_initial(self):
        return {"date": timezone.localdate(), "next": self.request.GET.get("next", "")}

    def get_parent_crumbs(self) -> Crumbs:
        return indicator_crumbs(self.parent)

    def prepare_instance(self, instance: Measurement) -> None:
        instance.entered_by = self.request.user

    def form_valid(self, form):
        self.next_url = form.cleaned_data.get("next") or ""
        return super().form_valid(form)

    def get_success_url(self) -> str:
        if url_has_allowed_host_and_scheme(
            self.next_url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return self.next_url
        return self.parent.get_absolute_url()

    def get_success_message(self) -> str:
        return _("The measurement %(measurement)s of %(indicator)s was recorded.") % {
            "measurement": describe_measurement(self.object),
            "indicator": self.parent,
        }


class MeasurementObjectMixin:
    model = Measurement
    permission_required = EDIT_GOALS
    select_related = MEASUREMENT_RELATED

    def get_breadcrumbs(self) -> Crumbs:
        return [*indicator_crumbs(self.object.indicator), (self.get_page_title(), None)]

    def get_success_url(self) -> str:
        return self.object.indicator.get_absolute_url()


class MeasurementUpdateView(MeasurementObjectMixin, PlanUpdateView):
    form_class = MeasurementForm

    def get_page_title(self) -> str:
        return _("Edit the measurement of %(date)s") % {
            "date": formats.date_format(self.object.date, "DATE_FORMAT")
        }

    def get_success_message(self) -> str:
        return _("The measurement %(measurement)s was saved.") % {
            "measurement": describe_measurement(self.object)
        }

    def get_cancel_url(self) -> str:
        return self.object.indicator.get_absolute_url()


class MeasurementDeleteView(MeasurementObjectMixin, PlanDeleteView):
    template_name = "goals/measurement_confirm_delete.html"

    def get_page_title(self) -> str:
        return _("Delete the measurement of %(date)s") % {
            "date": formats.date_format(self.object.date, "DATE_FORMAT")
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["description"] = describe_measurement(self.object)
        return context

    def form_valid(self, form):
        # Measurements are named by value and date, not by their str(), in the message.
        description = describe_measurement(self.object)
        url = self.get_success_url()
        self.object.delete()
        messages.success(
            self.request, _("The measurement %(measurement)s was deleted.") % {"measurement": description}
        )
        return HttpResponseRedirect(url)


# Activities


class ActivityDetailView(PlanDetailView):
    model = Activity
    template_name = "goals/activity_detail.html"
    select_related = ACTIVITY_RELATED
    prefetch_related = ("goals",)

    def get_parent_breadcrumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.object.sub_agreement)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        context.update(
            activity=activity,
            goals=list(activity.goals.all()),
            overdue=activity.is_overdue(timezone.localdate()),
            can_edit=self.request.user.has_perm(EDIT_GOALS, activity),
        )
        return context


class ActivityCreateView(ParentMixin, PlanCreateView):
    model = Activity
    form_class = ActivityForm
    parent_model = SubAgreement
    parent_kwarg = "sub_agreement"
    parent_related = ("plan",)
    page_title = gettext_lazy("New activity")

    def new_instance(self) -> Activity:
        return Activity(sub_agreement=self.parent)

    def get_initial(self):
        initial = super().get_initial()
        goal = self.request.GET.get("goal")
        if goal and goal.isdigit():
            # Started from a goal's page: that goal is ticked.
            initial["goals"] = [int(goal)]
        return initial

    def get_parent_crumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.parent)


class ActivityUpdateView(PlanUpdateView):
    model = Activity
    form_class = ActivityForm
    permission_required = EDIT_GOALS
    select_related = ACTIVITY_RELATED

    def get_parent_breadcrumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.object.sub_agreement)


class ActivityDeleteView(PlanDeleteView):
    model = Activity
    permission_required = EDIT_GOALS
    select_related = ACTIVITY_RELATED

    def get_parent_breadcrumbs(self) -> Crumbs:
        return sub_agreement_crumbs(self.object.sub_agreement)

    def get_success_url(self) -> str:
        return self.object.sub_agreement.get_absolute_url()
