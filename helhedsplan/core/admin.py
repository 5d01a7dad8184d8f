"""What every admin page of the project shares.

Administrators build and repair whole plans in the Django admin, so every model gets the same treatment:

- history views (simple_history) on every model;
- the optimistic-locking ``version`` shown read-only;
- on a change page, every choice of a plan's content (delaftale, goal, level, …) is limited to the object's
  own plan; on an add page the choices name their plan, and a form that mixes two plans is refused;
- inline children inherit their plan from the parent and "entered by"/"opened by" is filled in with the
  administrator who adds them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

admin.site.site_header = _("Helhedsplan – administration")
admin.site.site_title = _("Helhedsplan – administration")
admin.site.index_title = _("Plans, organisations and users")

#: Fields that record which user created a row; filled in with the administrator when left empty.
USER_STAMP_FIELDS = ("entered_by", "opened_by")


def plan_of(obj):
    """The plan an object (or the plan itself) belongs to; None while that is not yet known."""
    if obj is None:
        return None
    try:
        return obj.owning_plan
    except (AttributeError, models.ObjectDoesNotExist):
        return None


def _is_plan_content(model) -> bool:
    return hasattr(model, "plan_lookup") and hasattr(model.objects, "in_plan")


def _label_with_plan(obj) -> str:
    plan = plan_of(obj)
    return f"{obj} ({plan})" if plan is not None else str(obj)


def scope_choices(fields: dict[str, forms.Field], plan) -> None:
    """Limit the choices of plan content to ``plan``; without a plan, name each choice's plan instead.

    Works on a form class's ``base_fields``, which ModelAdmin builds afresh for every request.
    """
    for field in fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not _is_plan_content(queryset.model):
            continue
        model = queryset.model
        # __str__ of several models reads their direct foreign keys (a budget line its delaftale, a contact
        # its organisation): join them, and the path to the plan, so a long list costs one query.
        related = [f.name for f in model._meta.concrete_fields if f.many_to_one]
        if plan is not None:
            field.queryset = queryset.in_plan(plan).select_related(*related)
        else:
            field.queryset = queryset.select_related(*related, model.plan_lookup)
            field.label_from_instance = _label_with_plan


class PlanScopedForm(forms.ModelForm):
    """Refuses a form whose choices come from more than one plan (a goal of plan A in a delaftale of B)."""

    def clean(self):
        cleaned_data = super().clean()
        plans: dict[int, str] = {}
        for name, value in cleaned_data.items():
            values = value if isinstance(value, models.QuerySet | list | tuple) else [value]
            for item in values:
                if not isinstance(item, models.Model) or not hasattr(item, "owning_plan"):
                    continue
                plan = plan_of(item)
                if plan is not None and plan.pk is not None:
                    plans.setdefault(plan.pk, name)
        if len(plans) > 1:
            first, *others = plans.values()
            for name in others:
                self.add_error(name if name in self.fields else None, _("This belongs to another plan."))
        return cleaned_data


class BaseAdmin(SimpleHistoryAdmin):
    """The base of every ModelAdmin in the project."""

    form = PlanScopedForm
    list_per_page = 50
    save_on_top = True

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if (
            any(f.name == "lock_version" for f in self.model._meta.concrete_fields)
            and "lock_version" not in fields
        ):
            fields.append("lock_version")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        scope_choices(form.base_fields, plan_of(obj))
        return form

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            stamp_user(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        parent_plan = plan_of(form.instance)
        for obj in formset.save(commit=False):
            if obj._state.adding:
                stamp_user(obj, request.user)
                # Inlines leave out the child's own ``plan`` field (an indicator's): it is the parent's.
                if _has_field(obj, "plan") and obj.plan_id is None and parent_plan is not None:
                    obj.plan = parent_plan
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class BaseInlineMixin:
    """Inline children: no empty rows unless asked for, a link to the full page, choices of the parent's plan."""

    form = PlanScopedForm
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        scope_choices(formset.form.base_fields, plan_of(obj))
        return formset


class BaseTabularInline(BaseInlineMixin, admin.TabularInline):
    pass


class BaseStackedInline(BaseInlineMixin, admin.StackedInline):
    pass


def _has_field(obj, name: str) -> bool:
    return any(f.name == name for f in obj._meta.concrete_fields)


def stamp_user(obj, user) -> None:
    """Fill in who entered a new row, unless the administrator chose someone."""
    for name in USER_STAMP_FIELDS:
        if _has_field(obj, name) and getattr(obj, f"{name}_id") is None and user.is_authenticated:
            setattr(obj, name, user)
