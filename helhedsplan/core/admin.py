"""What every admin page of the project shares.

Administrators build and repair whole plans in the Django admin, so every model gets the same treatment:

- who sees what: a superuser everything; any other staff user only the plans where they are coordinator —
  every list, object (another plan's is a 404), inline row, choice, autocomplete and list filter goes through
  the model's ``plan_lookup``, and the rights on plan content come from that role, not from Django's model
  permissions (``ScopedAdminMixin``; the plans app registers which plans those are, as core lies below it);
- inline rows read their choices once for the whole formset, not once per row (``preload_labels``);
- history views (simple_history) on every model;
- saves go through ``core.services`` (``object_create`` / ``object_update``): validated by the model, recorded
  with the administrator, and — as on the pages — a save based on an older version is refused. The change form
  carries the object's ``lock_version`` as a hidden field; a stale one is refused in the form's ``clean()``
  (shown at the top of the form, or of the inline row) and checked again by the service under the row lock;
- on a change page, every choice of a plan's content (delaftale, goal, level, …) is limited to the object's
  own plan; on an add page the choices name their plan, and a form that mixes two plans is refused;
- inline children inherit their plan from the parent and "entered by"/"opened by" is filled in with the
  administrator who adds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from helhedsplan.core.models import OutgoingMail
from helhedsplan.core.services import object_create, object_delete, object_save, object_update

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


#: How many of a parent's children its change page lists as links (the rest: the children's own list).
LINKED_ROWS_SHOWN = 20


def linked_rows(
    queryset: models.QuerySet,
    *,
    list_filter: dict[str, Any],
    describe: Callable[[Any], str] = str,
    add_initial: dict[str, Any] | None = None,
    shown: int = LINKED_ROWS_SHOWN,
) -> str:
    """A parent's children as links to their own change pages, instead of a form row each: a big plan's estates
    and members, an indicator's measurements. At most ``shown`` (the queryset's order decides which), then a link
    to all of them in the children's list filtered by ``list_filter``, and one to add a child (``add_initial``
    fills in its parent). Two queries: the rows shown and, when there may be more, their number."""
    model = queryset.model
    opts = model._meta
    rows = list(queryset[:shown])
    total = len(rows) if len(rows) < shown else queryset.count()
    links = format_html_join(
        "",
        '<li><a href="{}">{}</a></li>',
        (
            (reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]), describe(row))
            for row in rows
        ),
    )
    listed = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?" + urlencode(list_filter)
    if total > len(rows):
        summary = gettext("%(shown)d of the %(count)d are shown.") % {
            "shown": len(rows),
            "count": total,
        }
    else:
        summary = gettext("%(count)d in all.") % {"count": total}
    add = ""
    if add_initial is not None:
        add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add") + "?" + urlencode(add_initial)
        add = format_html(
            ' · <a href="{}">{}</a>', add_url, gettext("Add %(name)s") % {"name": opts.verbose_name}
        )
    return format_html(
        '<ul class="linked-rows">{}</ul><p>{} <a href="{}">{}</a>{}</p>',
        links,
        summary,
        listed,
        gettext("All of them in the list"),
        add,
    )


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
        if not isinstance(field, forms.ModelChoiceField):
            continue
        # Plan content's querysets have ``in_plan`` (plans.PlanScopedQuerySet, which core lies below).
        queryset: Any = field.queryset
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
            # Overriding the method on this one field (not its class) is the point: ModelChoiceField calls it.
            field.label_from_instance = _label_with_plan  # type: ignore[method-assign]


# --- Who sees what: the plans a staff user administers -------------------------------------------------------

#: The plans a (non-superuser) user administers, as a queryset of plans. The plans app sets this
#: (``register_plan_scope``): core lies below it and cannot ask the memberships itself.
_administered_plans: Callable[[Any], models.QuerySet] | None = None
#: How to scope a model that does not live in a plan (the users), by the plans administered: set by its app.
_model_scopes: dict[
    type[models.Model], Callable[[models.QuerySet, Any, frozenset[int]], models.QuerySet]
] = {}


def register_plan_scope(administered_plans: Callable[[Any], models.QuerySet]) -> None:
    """Tell the admin which plans a staff user administers (the plans where they are coordinator)."""
    global _administered_plans
    _administered_plans = administered_plans


def register_model_scope(
    model: type[models.Model], scope: Callable[[models.QuerySet, Any, frozenset[int]], models.QuerySet]
) -> None:
    """Scope a model outside the plans (``scope(queryset, user, plan_pks)``) for staff who are not superusers."""
    _model_scopes[model] = scope


def administered_plan_pks(request) -> frozenset[int] | None:
    """None for an active superuser (every plan); else the pks of the plans the user administers (one query,
    kept on the request)."""
    user = request.user
    if user.is_active and user.is_superuser:
        return None
    cached = getattr(request, "_administered_plan_pks", None)
    if cached is None:
        if _administered_plans is None or not (user.is_active and user.is_staff):
            cached = frozenset()
        else:
            cached = frozenset(_administered_plans(user).values_list("pk", flat=True))
        request._administered_plan_pks = cached
    return cached


def lives_in_a_plan(model) -> bool:
    """A plan (``plan_lookup = "pk"``) or anything inside one."""
    return hasattr(model, "plan_lookup")


def scope_to_request(queryset: models.QuerySet, request) -> models.QuerySet:
    """Only the rows of ``queryset`` that ``request.user`` may administer: everything for a superuser; the
    rows of the plans they administer for other staff; shared rows (organisations) as they are."""
    plan_pks = administered_plan_pks(request)
    if plan_pks is None:
        return queryset
    model = queryset.model
    if lives_in_a_plan(model):
        return queryset.filter(**{f"{model.plan_lookup}__in": plan_pks})
    scope = _model_scopes.get(model)
    return scope(queryset, request.user, plan_pks) if scope is not None else queryset


def may_administer(request, obj=None) -> bool:
    """May the user administer plan content (``obj``, or such content in general)? A superuser everything;
    other active staff what lies in the plans they administer."""
    plan_pks = administered_plan_pks(request)
    if plan_pks is None:
        return True
    if not plan_pks:
        return False
    if obj is None or not lives_in_a_plan(type(obj)):
        return True  # an inline asks with its parent; a parent outside the plans (a user) is scoped itself
    plan = plan_of(obj)
    return plan is not None and plan.pk in plan_pks


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose chosen option's label comes from ``labels`` when set: an inline formset loads the
    labels of all its rows at once (``preload_labels``) instead of one query per row."""

    labels: dict[str, str] | None = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        labels = self.labels
        if labels is None or not set(chosen) <= labels.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in chosen:
            options.append(self.create_option(name, key, labels[key], True, len(options)))
        return [(None, options, 0)]


def preload_labels(formset) -> None:
    """Read what every row of an inline formset shows in its choices once for the whole formset, not once per
    row: the labels of the autocompletes' chosen options (one query per field), and the options of the other
    choice fields (one query per field, shared by every row and the empty row)."""
    rows = list(formset.get_queryset())
    for name, field in formset.form.base_fields.items():
        if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            continue
        widget: Any = getattr(field.widget, "widget", field.widget)  # the admin wraps it (add/change links)
        if not isinstance(widget, PreloadedAutocompleteSelect):
            if not widget.is_hidden:
                field.choices = widget.choices = list(field.choices)  # type: ignore[arg-type]
            continue
        attname = formset.model._meta.get_field(name).attname
        pks = {getattr(row, attname) for row in rows} - {None}
        widget.labels = {
            str(obj.pk): field.label_from_instance(obj) for obj in field.queryset.filter(pk__in=pks)
        }


class ScopedAdminMixin:
    """What every admin and inline shares: rows, objects and choices of the plans the staff user administers
    (every plan for a superuser). Rights on plan content come from the plan role (coordinator), not from
    Django's model permissions; models outside the plans keep Django's permissions."""

    def get_queryset(self, request):
        return scope_to_request(super().get_queryset(request), request)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if (
            "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request)  # type: ignore[attr-defined]
        ):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and getattr(field, "queryset", None) is not None:
            field.queryset = scope_to_request(field.queryset, request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and getattr(field, "queryset", None) is not None:
            field.queryset = scope_to_request(field.queryset, request)
        return field

    def _role_decides(self, request) -> bool:
        """For plan content the plan role decides, for staff who are not superusers."""
        return administered_plan_pks(request) is not None and lives_in_a_plan(self.model)  # type: ignore[attr-defined]

    def has_view_permission(self, request, obj=None):
        if self._role_decides(request):
            return may_administer(request, obj)
        return super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None):
        if self._role_decides(request):
            return may_administer(request, obj)
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):
        if self._role_decides(request):
            return may_administer(request, obj)
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


class LockVersionField(forms.IntegerField):
    """The hidden lock counter a form was opened with. It is never a change of its own: an inline row whose
    values are untouched is not written, however old its counter."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        # No label: a tabular inline would still write "edit number" into its (hidden) column heading.
        super().__init__(required=False, label="", **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


def _has_lock(model) -> bool:
    return any(f.name == "lock_version" for f in model._meta.concrete_fields)


class PlanScopedForm(forms.ModelForm):
    """Refuses a form whose choices come from more than one plan (a goal of plan A in a delaftale of B), and a
    save of an object someone else saved after this form was opened (its hidden ``lock_version``)."""

    lock_version = LockVersionField()
    #: An inline row is refused only when it would write something; the main form always (see BaseInlineMixin).
    refuse_stale_only_when_changed = False

    class Meta:
        # The model's lock counter is not editable; this form's own hidden field of that name carries it.
        exclude = ("lock_version",)  # noqa: DJ006 — a field list here would restrict every admin's form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "lock_version" in self.fields and self.instance.pk is not None:
            self.fields["lock_version"].initial = self.instance.lock_version

    def clean(self):
        cleaned_data = super().clean()
        assert cleaned_data is not None  # ModelForm.clean() returns cleaned_data
        self._refuse_stale_edit(cleaned_data)
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

    def _refuse_stale_edit(self, cleaned_data) -> None:
        """Refuse when the stored lock counter is no longer the one this form was opened with."""
        if "lock_version" not in self.fields or self.instance.pk is None:
            return
        if cleaned_data.get("lock_version") == self.instance.lock_version:
            return
        if self.refuse_stale_only_when_changed and not self.has_changed():
            return  # an unchanged row is not written, so its age does not matter
        raise ValidationError(
            _(
                "Someone else saved this %(model)s after you opened it, so nothing was saved. Open it again "
                "to see their changes, then make yours."
            ),
            code="edit_conflict",
            params={"model": self._meta.model._meta.verbose_name},
        )

    @property
    def expected_lock_version(self) -> int | None:
        """The lock counter this form was opened with (what the service compares under the row lock)."""
        return self.cleaned_data.get("lock_version")


def admin_save(obj: models.Model, form: forms.Form | None, user: Any) -> None:
    """Write ``obj`` (the admin form's values already on it) through core.services, as ``user``.

    A new object is created; an existing one with a lock counter is updated only if still at the version the
    form was opened with (EditConflict otherwise); one without a lock counter is validated and saved.
    """
    if obj._state.adding:
        object_create(obj, data={}, actor=user)
    elif _has_lock(type(obj)):
        expected = getattr(form, "expected_lock_version", getattr(obj, "lock_version", None))
        object_update(obj, data={}, expected_lock_version=expected, actor=user)
    else:
        object_save(obj, actor=user)


class BaseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The base of every ModelAdmin in the project."""

    form = PlanScopedForm
    list_per_page = 50
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        return _with_lock_version(super().get_fieldsets(request, obj), self.model, editing=obj is not None)

    def has_module_permission(self, request):
        if self._role_decides(request):
            return may_administer(request)
        return super().has_module_permission(request)

    def has_add_permission(self, request):
        if self._role_decides(request):
            return may_administer(request)
        return super().has_add_permission(request)

    def get_object(self, request, object_id, from_field=None):
        """Another plan's object (or none at all) is a 404, not the admin's redirect to its start page."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_list_filter(self, request):
        """For staff who are not superusers a related filter offers only what their rows refer to, never the
        names of other plans (or their delaftaler)."""
        filters = super().get_list_filter(request)
        if administered_plan_pks(request) is None:
            return filters
        return [_related_only(self.model, item) for item in filters]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        scope_choices(form.base_fields, plan_of(obj))
        _drop_lock_field_unless_locked(form)
        return form

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            stamp_user(obj, request.user)
        admin_save(obj, form, request.user)

    def delete_model(self, request, obj) -> None:
        object_delete(obj, actor=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        parent_plan = plan_of(form.instance)
        forms_by_object = {id(row.instance): row for row in formset.forms}
        for obj in formset.save(commit=False):
            if obj._state.adding:
                stamp_user(obj, request.user)
                # Inlines leave out the child's own ``plan`` field (an indicator's): it is the parent's.
                if _has_field(obj, "plan") and obj.plan_id is None and parent_plan is not None:
                    obj.plan = parent_plan
            admin_save(obj, forms_by_object.get(id(obj)), request.user)
        for obj in formset.deleted_objects:
            object_delete(obj, actor=request.user)
        formset.save_m2m()


def _related_only(model, item):
    if isinstance(item, str) and get_fields_from_path(model, item)[-1].is_relation:
        return (item, RelatedOnlyFieldListFilter)
    return item


class BaseInlineMixin(ScopedAdminMixin, admin.options.InlineModelAdmin):
    """Inline children: no empty rows unless asked for, a link to the full page, choices of the parent's plan.

    Mixed in before ``TabularInline`` or ``StackedInline``; its own base only comes after theirs in the MRO.
    """

    form: type[PlanScopedForm] = PlanScopedForm
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        scope_choices(formset.form.base_fields, plan_of(obj))
        _drop_lock_field_unless_locked(formset.form)
        # Rows the administrator did not touch are not written, so only a changed stale row is refused.
        assert issubclass(formset.form, PlanScopedForm)  # the formset's form is built from self.form
        formset.form.refuse_stale_only_when_changed = True
        return type(
            formset.__name__,
            (formset,),
            {"__init__": _init_preloading_labels},
        )

    def get_queryset(self, request):
        # The rows' way to the plan and their parent (which their names and the plan check read): joined.
        queryset = super().get_queryset(request)
        if lives_in_a_plan(self.model) and self.model.plan_lookup != "pk":
            queryset = queryset.select_related(*self.model.trail_related())
        return queryset

    def has_add_permission(self, request, obj=None):
        if self._role_decides(request):
            return may_administer(request, obj)
        return super().has_add_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        # Every row, new or not, has the hidden field (new rows leave it empty).
        return _with_lock_version(super().get_fieldsets(request, obj), self.model, editing=True)


def _init_preloading_labels(formset, *args, **kwargs) -> None:
    super(type(formset), formset).__init__(*args, **kwargs)
    preload_labels(formset)


class BaseTabularInline(BaseInlineMixin, admin.TabularInline):
    pass


class BaseStackedInline(BaseInlineMixin, admin.StackedInline):
    pass


def _drop_lock_field_unless_locked(form_class) -> None:
    """A model without a lock counter (an organisation) gets no hidden ``lock_version``."""
    if not _has_lock(form_class._meta.model):
        form_class.base_fields.pop("lock_version", None)


def _with_lock_version(fieldsets, model, *, editing: bool):
    """Put the hidden ``lock_version`` into the first fieldset of a form that edits a locked model."""
    if not editing or not _has_lock(model) or not fieldsets:
        return fieldsets
    names = [name for _title, options in fieldsets for name in options.get("fields", ())]
    if "lock_version" in names:
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [*options["fields"], "lock_version"]}), *rest]


def _has_field(obj, name: str) -> bool:
    return any(f.name == name for f in obj._meta.concrete_fields)


def stamp_user(obj, user) -> None:
    """Fill in who entered a new row, unless the administrator chose someone."""
    for name in USER_STAMP_FIELDS:
        if _has_field(obj, name) and getattr(obj, f"{name}_id") is None and user.is_authenticated:
            setattr(obj, name, user)


# --- The mail the app sent: a record administrators read, never edit -------------------------------------------


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Every mail's record (``core.mail``): what was queued, tried how often, sent, refused or given up, and the
    last error. Read-only and for superusers only (mails name people and their plans); what a failed mail's task
    did is beside it under "Tasks" (django-tasks-db's task results). A mail that carried a secret link shows no
    text once done with."""

    list_display = ("created_at", "to", "subject", "status", "attempts", "sent_at", "plan")
    list_filter = ("status", "carries_secret")
    search_fields = ("to", "subject", "key")
    list_select_related = ("plan",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]

    def has_module_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
