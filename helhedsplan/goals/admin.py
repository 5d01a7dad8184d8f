from django.contrib import admin
from django.db.models import Prefetch
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline, linked_rows

from .models import Activity, Goal, Indicator, Measurement, Milestone

INDICATOR_INLINE_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "data_source",
    "is_example",
)


# An indicator's page in the admin lists this many of its newest measurements as links.
MEASUREMENTS_SHOWN = 20


class GoalInline(BaseTabularInline):
    model = Goal
    fields = ("title", "order", "is_example")


class IndicatorInline(BaseTabularInline):
    """A goal's indicators; their plan is the goal's (set on save)."""

    model = Indicator
    fk_name = "goal"
    fields = INDICATOR_INLINE_FIELDS


class KeyFigureInline(BaseTabularInline):
    """A strategic goal's own indicators: the area's key figures."""

    model = Indicator
    fk_name = "strategic_goal"
    fields = INDICATOR_INLINE_FIELDS
    verbose_name = _("key figure")
    verbose_name_plural = _("key figures")


class MilestoneInline(BaseTabularInline):
    model = Milestone
    fields = ("name", "due_date", "done_date", "note", "is_example")


class ActivityInline(BaseTabularInline):
    model = Activity
    fields = (
        "name",
        "status",
        "responsible_organisation",
        "start_date",
        "end_date",
        "participants",
        "is_example",
    )
    autocomplete_fields = ("responsible_organisation",)


@admin.register(Goal)
class GoalAdmin(BaseAdmin):
    list_display = ("title", "sub_agreement", "sub_agreement__plan", "order", "is_example")
    list_filter = ("sub_agreement__plan", "sub_agreement__focus_area", "is_example")
    list_select_related = ("sub_agreement__plan",)
    search_fields = ("title", "description")
    inlines = (IndicatorInline,)

    def get_inlines(self, request, obj):
        # An indicator needs a saved goal to belong to: add indicators once the goal is saved.
        return self.inlines if obj is not None else ()


@admin.register(Indicator)
class IndicatorAdmin(BaseAdmin):
    list_display = (
        "name",
        "goal",
        "strategic_goal",
        "plan",
        "direction",
        "baseline_value",
        "target_value",
        "unit",
        "progress_status",
        "is_example",
    )
    list_filter = (
        "plan",
        "direction",
        "goal__sub_agreement__focus_area",
        "strategic_goal__focus_area",
        "is_example",
    )
    list_select_related = ("plan", "goal", "strategic_goal")
    search_fields = ("name", "data_source")
    autocomplete_fields = ("plan",)
    # The newest measurements as links, not form rows: a long history's rows were the page's widgets and most of
    # its time; each measurement is changed on its own page.
    readonly_fields = ("all_measurements",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is None or not match.url_name.endswith("_changelist"):
            return queryset  # a change page reads only its newest measurements (all_measurements)
        # The status column needs each indicator's measurements: one extra query for the whole page.
        return queryset.prefetch_related(Prefetch("measurements"))

    @admin.display(description=_("status"))
    def progress_status(self, obj: Indicator) -> str:
        return obj.progress().label

    @admin.display(description=_("measurements"))
    def all_measurements(self, obj: Indicator | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return linked_rows(
            # Newest first by the measurement's own columns (indexed), as the measurement list sorts.
            obj.measurements.order_by("-date", "-pk"),
            list_filter={"indicator__id__exact": obj.pk},
            describe=lambda m: f"{date_format(m.date, 'SHORT_DATE_FORMAT')}: {number_format(m.value)}",
            add_initial={"indicator": obj.pk},
            shown=MEASUREMENTS_SHOWN,
        )


@admin.register(Measurement)
class MeasurementAdmin(BaseAdmin):
    list_display = ("indicator", "date", "value", "entered_by", "entered_at", "is_example")
    list_filter = ("indicator__plan", "is_example")
    list_select_related = ("indicator", "entered_by")
    search_fields = ("indicator__name", "note")
    # Newest first by the measurement's own columns: the model's ordering (indicator, date) follows the
    # indicator's ordering through plan, goal and delaftale, joining and sorting every row to show fifty. No
    # date drill-down: it reads every date in the table to build its links; the filters and search find a
    # measurement.
    ordering = ("-date", "-id")
    # A nation's indicators are too many for one drop-down: they are searched (and scoped to the user's plans).
    autocomplete_fields = ("indicator", "entered_by")
    readonly_fields = ("entered_at",)


@admin.register(Activity)
class ActivityAdmin(BaseAdmin):
    list_display = (
        "name",
        "sub_agreement",
        "sub_agreement__plan",
        "status",
        "responsible_organisation",
        "start_date",
        "end_date",
        "participants",
        "is_example",
    )
    list_filter = ("status", "sub_agreement__plan", "sub_agreement__focus_area", "is_example")
    list_select_related = ("sub_agreement__plan", "responsible_organisation")
    search_fields = ("name", "description", "target_group")
    autocomplete_fields = ("responsible_organisation",)
    filter_horizontal = ("goals",)
    inlines = (MilestoneInline,)

    def get_inlines(self, request, obj):
        # A milestone is checked against its activity's plan: add milestones once the activity is saved.
        return self.inlines if obj is not None else ()
