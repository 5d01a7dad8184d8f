from django.contrib import admin
from django.db import models

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline

from .models import CatalogueIndicator, FocusAreaDefinition, FundingPeriod


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


@admin.register(CatalogueIndicator)
class CatalogueIndicatorAdmin(BaseAdmin):
    """Landsbyggefonden's indicator catalogue: every plan of a period links to it and the Beboerdata import
    matches by its codes, so a superuser alone changes it; other staff with the view permission read it."""

    list_display = ("code", "name", "period", "unit", "direction", "level", "is_example")
    list_filter = ("period", "level", "is_example")
    search_fields = ("code", "name", "definition")
    # A source's address is written in full; one without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
