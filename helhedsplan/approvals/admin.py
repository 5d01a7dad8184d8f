from typing import Any

from django import forms
from django.contrib import admin
from django.db import models

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline
from helhedsplan.plans.models import Estate

from . import services
from .models import ApprovalStep, EstateDecision


class PrivateFileInput(forms.ClearableFileInput):
    """Shows the stored file's name, never a link: minutes are private and have no public URL."""

    template_name = "approvals/widgets/private_file_input.html"


PRIVATE_FILES: dict[type[models.Field], dict[str, Any]] = {models.FileField: {"widget": PrivateFileInput}}


class EstateDecisionInline(BaseTabularInline):
    model = EstateDecision
    formfield_overrides = PRIVATE_FILES
    fields = (
        "body",
        "result",
        "date",
        "expected_date",
        "votes_for",
        "votes_against",
        "minutes",
        "is_example",
    )


@admin.register(Estate)
class EstateAdmin(BaseAdmin):
    """The estates, each with its decisions: registered here, above the plans app, which knows no decisions."""

    list_display = ("name", "number", "housing_association", "plan", "homes", "residents", "name_is_known")
    list_filter = ("plan", "housing_association", "name_is_known")
    list_select_related = ("plan", "housing_association")
    search_fields = ("name", "number", "plan__name")
    autocomplete_fields = ("plan", "housing_association")
    inlines = (EstateDecisionInline,)


@admin.register(EstateDecision)
class EstateDecisionAdmin(BaseAdmin):
    formfield_overrides = PRIVATE_FILES
    list_display = (
        "estate",
        "body",
        "result",
        "date",
        "expected_date",
        "votes_for",
        "votes_against",
        "is_example",
    )
    list_filter = ("estate__plan", "result", "body", "estate__housing_association", "is_example")
    list_select_related = ("estate",)
    search_fields = ("estate__name", "note")
    date_hierarchy = "date"

    def delete_model(self, request, obj) -> None:
        # Through the service: the minutes file goes with the decision.
        services.estate_decision_delete(estate_decision=obj, actor=request.user)


@admin.register(ApprovalStep)
class ApprovalStepAdmin(BaseAdmin):
    list_display = ("order", "title", "body", "plan", "date", "date_is_expected", "status", "is_example")
    list_display_links = ("title",)
    list_filter = ("plan", "status", "is_example")
    list_select_related = ("plan",)
    search_fields = ("title", "body", "reference")
    autocomplete_fields = ("plan",)
