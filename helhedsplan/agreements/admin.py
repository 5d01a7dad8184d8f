from django.contrib import admin

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline
from helhedsplan.goals.admin import ActivityInline, GoalInline, KeyFigureInline

from .models import Narrative, StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty


class SubAgreementPartyInline(BaseTabularInline):
    model = SubAgreementParty
    fields = ("organisation", "contact_name", "contact_title", "commitment")
    autocomplete_fields = ("organisation",)


@admin.register(StrategicAgreement)
class StrategicAgreementAdmin(BaseAdmin):
    list_display = ("__str__", "plan")
    list_select_related = ("plan",)
    search_fields = ("plan__name", "vision")
    autocomplete_fields = ("plan",)


@admin.register(StrategicGoal)
class StrategicGoalAdmin(BaseAdmin):
    list_display = ("focus_area", "text", "plan")
    list_filter = ("plan", "focus_area")
    list_select_related = ("plan",)
    search_fields = ("text", "plan__name")
    autocomplete_fields = ("plan",)
    inlines = (KeyFigureInline,)

    def get_inlines(self, request, obj):
        # An indicator needs a saved strategic goal to belong to: add key figures once the goal is saved.
        return self.inlines if obj is not None else ()


@admin.register(SubAgreement)
class SubAgreementAdmin(BaseAdmin):
    list_display = ("focus_area", "plan", "purpose")
    list_filter = ("plan", "focus_area")
    list_select_related = ("plan",)
    search_fields = ("purpose", "target_groups", "plan__name")
    autocomplete_fields = ("plan",)
    inlines = (SubAgreementPartyInline, GoalInline, ActivityInline)


@admin.register(SubAgreementParty)
class SubAgreementPartyAdmin(BaseAdmin):
    list_display = ("organisation", "sub_agreement", "sub_agreement__plan", "contact_name", "contact_title")
    list_filter = ("sub_agreement__plan", "sub_agreement__focus_area", "organisation")
    list_select_related = ("organisation", "sub_agreement__plan")
    search_fields = ("organisation__name", "organisation__short_name", "contact_name", "commitment")
    autocomplete_fields = ("organisation",)


@admin.register(Narrative)
class NarrativeAdmin(BaseAdmin):
    list_display = ("sub_agreement", "year", "sub_agreement__plan")
    list_filter = ("sub_agreement__plan", "sub_agreement__focus_area", "year")
    list_select_related = ("sub_agreement__plan",)
    search_fields = ("went_well", "went_badly", "changes")
