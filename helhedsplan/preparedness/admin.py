from django.contrib import admin

from helhedsplan.core.admin import BaseAdmin, BaseStackedInline, BaseTabularInline

from .models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry, PreparednessPlan


class EscalationLevelInline(BaseTabularInline):
    model = EscalationLevel
    fields = ("order", "name", "criteria", "response")


class ContactInline(BaseTabularInline):
    model = Contact
    fields = ("order", "role", "name", "organisation", "phone", "email", "availability", "last_verified")
    autocomplete_fields = ("organisation",)


class ActionCardInline(BaseStackedInline):
    # Stacked: an action card is mostly long texts.
    model = ActionCard
    fields = (
        ("order", "scenario", "responsible_role"),
        "trigger",
        "steps_first_hour",
        "steps_first_day",
        "steps_first_days",
        "partners",
        "tools",
        "is_example",
    )


class IncidentLogEntryInline(BaseTabularInline):
    model = IncidentLogEntry
    fields = ("at", "text", "action_owner", "deadline", "entered_by")
    autocomplete_fields = ("entered_by",)


@admin.register(PreparednessPlan)
class PreparednessPlanAdmin(BaseAdmin):
    list_display = ("__str__", "plan", "last_reviewed", "is_example")
    list_filter = ("is_example",)
    list_select_related = ("plan",)
    search_fields = ("plan__name", "purpose")
    autocomplete_fields = ("plan",)
    inlines = (EscalationLevelInline, ContactInline, ActionCardInline)


@admin.register(EscalationLevel)
class EscalationLevelAdmin(BaseAdmin):
    list_display = ("order", "name", "preparedness_plan__plan")
    list_display_links = ("name",)
    list_filter = ("preparedness_plan__plan",)
    list_select_related = ("preparedness_plan__plan",)
    search_fields = ("name", "criteria")


@admin.register(Contact)
class ContactAdmin(BaseAdmin):
    list_display = (
        "role",
        "name",
        "organisation",
        "phone",
        "email",
        "last_verified",
        "preparedness_plan__plan",
    )
    list_filter = ("preparedness_plan__plan", "organisation", "is_example")
    list_select_related = ("organisation", "preparedness_plan__plan")
    search_fields = ("name", "role", "email", "phone")
    autocomplete_fields = ("organisation",)


@admin.register(ActionCard)
class ActionCardAdmin(BaseAdmin):
    list_display = ("order", "scenario", "responsible_role", "preparedness_plan__plan", "is_example")
    list_display_links = ("scenario",)
    list_filter = ("preparedness_plan__plan", "is_example")
    list_select_related = ("preparedness_plan__plan",)
    search_fields = ("scenario", "trigger", "responsible_role")


@admin.register(Incident)
class IncidentAdmin(BaseAdmin):
    list_display = ("__str__", "plan", "estate", "level", "status", "occurred_at", "closed_at", "is_example")
    list_filter = ("plan", "status", "level__name", "is_example")
    list_select_related = ("plan", "estate", "level")
    search_fields = ("summary", "location")
    date_hierarchy = "occurred_at"
    autocomplete_fields = ("plan", "opened_by")
    inlines = (IncidentLogEntryInline,)


@admin.register(IncidentLogEntry)
class IncidentLogEntryAdmin(BaseAdmin):
    list_display = ("__str__", "incident", "action_owner", "deadline", "entered_by")
    list_filter = ("incident__plan",)
    list_select_related = ("incident", "entered_by")
    search_fields = ("text", "action_owner")
    date_hierarchy = "at"
    autocomplete_fields = ("entered_by",)
