from django.contrib import admin

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline

from .models import FocusAreaDefinition, FundingPeriod


class FocusAreaInline(BaseTabularInline):
    model = FocusAreaDefinition
    extra = 0


@admin.register(FundingPeriod)
class FundingPeriodAdmin(BaseAdmin):
    """Landsbyggefonden's funding periods and their focus areas: shared by every plan, so kept with Django's model
    permissions (an administrator's), like organisations."""

    list_display = ("code", "name", "first_year", "last_year")
    search_fields = ("code", "name", "focus_areas__name")
    inlines = [FocusAreaInline]
