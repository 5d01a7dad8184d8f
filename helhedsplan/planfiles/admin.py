"""The plan's admin deletes a plan as ``delete_plan`` does: its rows, and once that is committed its stored files
(estates' minutes, documents' versions, governance meetings' minutes).

The plans app lies below this one and cannot call ``delete_plan``, so its ``PlanAdmin`` is registered again here
with the delete going through it (Django's admin loads the apps' ``admin`` modules in ``INSTALLED_APPS`` order:
plans' first).
"""

from __future__ import annotations

from django.contrib import admin

from helhedsplan.plans.admin import PlanAdmin as BasePlanAdmin
from helhedsplan.plans.models import Plan

from .importer import delete_plan

admin.site.unregister(Plan)


@admin.register(Plan)
class PlanAdmin(BasePlanAdmin):
    """A superuser's delete of a plan (its page or the list's action) leaves no stored file behind."""

    def delete_model(self, request, obj: Plan) -> None:
        delete_plan(obj)

    def delete_queryset(self, request, queryset) -> None:
        for plan in queryset.order_by("pk"):
            delete_plan(plan)
