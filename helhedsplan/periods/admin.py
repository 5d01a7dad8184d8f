from django.contrib import admin

from .models import FocusAreaDefinition, FundingPeriod


class FocusAreaInline(admin.TabularInline):
    model = FocusAreaDefinition
    extra = 0


@admin.register(FundingPeriod)
class FundingPeriodAdmin(admin.ModelAdmin):
    """Landsbyggefonden's funding periods: kept by administrators with Django's model permissions (they belong to
    no plan)."""

    list_display = ("code", "name", "first_year", "last_year")
    inlines = [FocusAreaInline]
