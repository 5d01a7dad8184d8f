from typing import Any

from django import forms
from django.contrib import admin
from django.db import models

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline

from . import services
from .models import Body, BodyMember, Meeting, MeetingDecision


class PrivateFileInput(forms.ClearableFileInput):
    """Shows the stored file's name, never a link: minutes are private and have no public URL."""

    template_name = "approvals/widgets/private_file_input.html"


PRIVATE_FILES: dict[type[models.Field], dict[str, Any]] = {models.FileField: {"widget": PrivateFileInput}}


class BodyMemberInline(BaseTabularInline):
    model = BodyMember
    fields = ("name", "title", "organisation", "role", "is_example")


class MeetingDecisionInline(BaseTabularInline):
    model = MeetingDecision
    fields = ("text", "approves_report", "approves_budget_line", "is_example")


@admin.register(Body)
class BodyAdmin(BaseAdmin):
    list_display = ("name", "kind", "plan", "sub_agreement", "is_example")
    list_filter = ("plan", "kind", "is_example")
    list_select_related = ("plan", "sub_agreement")
    search_fields = ("name",)
    autocomplete_fields = ("plan",)
    inlines = (BodyMemberInline,)

    def delete_model(self, request, obj) -> None:
        services.body_delete(body=obj, actor=request.user)


@admin.register(Meeting)
class MeetingAdmin(BaseAdmin):
    formfield_overrides = PRIVATE_FILES
    list_display = ("body", "date", "is_example")
    list_filter = ("body__plan", "body__kind", "is_example")
    list_select_related = ("body",)
    search_fields = ("body__name", "agenda")
    date_hierarchy = "date"
    inlines = (MeetingDecisionInline,)

    def delete_model(self, request, obj) -> None:
        services.meeting_delete(meeting=obj, actor=request.user)
