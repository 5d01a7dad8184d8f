"""The few generic views every page of a plan is built from (NetBox-style), plus home, errors and history.

Every view inside a plan resolves the plan from the URL through the user's memberships (404 for anyone else),
then asks one permission of one object (403 when refused). Subclasses are declarative: a model, a form, a
template, the service that writes, and which permission on which object. Breadcrumbs, "cancel", where a save
or delete returns to and a safe ``next`` all come from the model's declared parent (``core.navigation``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.views import generic

from helhedsplan.core.history import entries_for
from helhedsplan.core.navigation import Crumb, parent_of, return_url, safe_next_url, trail
from helhedsplan.core.services import EditConflict
from helhedsplan.plans import access


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


class HomeView(generic.TemplateView):
    """The user's plans; straight to the plan when there is only one."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        plans = list(access.plans_of(request.user))
        if len(plans) == 1:
            return redirect(plans[0])
        return self.render_to_response({"plans": plans})


def rebase_on(form, conflict: EditConflict) -> None:
    """Base the form's next save on the current version: it is made knowing the conflict, so it may overwrite."""
    data = form.data.copy()
    data["lock_version"] = conflict.current_lock_version
    form.data = data


def _service_of(view: Any) -> Callable[..., Any]:
    """The app service a writing view declares, read from the class (a plain function is not bound to it)."""
    service = type(view).service
    if service is None:
        raise ImproperlyConfigured(f"{type(view).__name__} writes, so it names the app service that does it.")
    return service


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class PlanViewMixin:
    """Resolves ``self.plan`` from the URL and checks ``permission_required`` on ``get_permission_object()``."""

    permission_required: str = "plan.view"
    #: Title of this page (and its last breadcrumb); the object's own str() when None on object pages.
    page_title: str | Promise | None = None
    # Set by the View this is mixed into (``View.setup``).
    request: HttpRequest
    kwargs: Any

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.plan = access.get_plan_or_404(request.user, kwargs["plan"])
        self.membership = access.membership_of(request.user, self.plan)
        if not request.user.has_perm(self.get_permission_required(), self.get_permission_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_permission_required(self) -> str:
        return self.permission_required

    def get_permission_object(self):
        return self.plan

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["plan"] = self.plan
        context["membership"] = self.membership
        context["page_title"] = self.get_page_title()
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context

    def get_page_title(self) -> str:
        return str(self.page_title or "")

    def get_breadcrumbs(self) -> list[Crumb]:
        """The trail between the plan and this page; the last step has no link."""
        return [Crumb(self.get_page_title())]

    @property
    def plan_url(self) -> str:
        return self.plan.get_absolute_url()


class PlanTemplateView(PlanViewMixin, generic.TemplateView):
    pass


class PlanObjectMixin(PlanViewMixin):
    """A view about one object of the plan, fetched through the plan (another plan's object is a 404)."""

    model: Any = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        # The object comes with what its breadcrumbs read (``PlanContent.trail_related``) and what the view asks.
        related = (*self.model.trail_related(), *self.select_related)
        # (select_related() without names would follow every non-null relation instead of none.)
        queryset = self.model.objects.in_plan(self.plan)
        if related:
            queryset = queryset.select_related(*related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    @cached_property
    def object(self):
        return access.get_in_plan_or_404(self.get_queryset(), self.plan, pk=self.kwargs["pk"])

    def get_object(self, queryset=None):
        return self.object

    def get_permission_object(self):
        return self.object

    def get_page_title(self) -> str:
        return str(self.page_title or self.object)

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(parent_of(self.object)), Crumb(self.get_page_title())]

    def object_name(self) -> str:
        """The keyword the services take the object by: ``goal``, ``budget_line``, ``action_card``."""
        return _snake_case(self.model.__name__)


class PlanDetailView(PlanObjectMixin, generic.DetailView):
    pass


class PlanFormMixin:
    """Forms know their plan; the write goes through ``service``; "cancel" and the return follow ``next`` or
    the model's declared parent."""

    template_name: str | None = "core/form.html"
    #: The message after a save; None: the generic "… was created." / "… was saved." naming the object.
    success_message: str | Promise | None = None
    #: The app's service that writes (see the subclasses for how it is called); a plain function is fine.
    service: Callable[..., Any] | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["plan"] = self.plan  # type: ignore[attr-defined]
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["cancel_url"] = self.get_cancel_url()
        context["next_url"] = safe_next_url(self.request)  # type: ignore[attr-defined]
        return context

    def get_cancel_url(self) -> str:
        return safe_next_url(self.request) or return_url(self.navigation_target(), self.plan_url)  # type: ignore[attr-defined]

    def get_success_url(self) -> str:
        return safe_next_url(self.request) or return_url(self.object, self.plan_url)  # type: ignore[attr-defined]

    def navigation_target(self):
        """What the page is about for "cancel": the parent of a new object, the object being edited."""
        raise NotImplementedError

    def refused(self, form, refusal: ValidationError):
        """The service refused what the form let through — a rule only the database could see, as when two
        people create the same row at once: shown on the form like its own errors, nothing saved."""
        add_write_errors = getattr(form, "add_write_errors", None)
        if add_write_errors is not None:
            add_write_errors(refusal)
        elif hasattr(refusal, "error_dict"):
            for name, errors in refusal.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, refusal)
        return self.form_invalid(form)  # type: ignore[attr-defined]


class PlanCreateView(PlanFormMixin, PlanViewMixin, generic.CreateView):
    """Create an object in the plan, under a parent or directly in the plan.

    With ``parent_field`` (the model's foreign key to its parent, also the URL keyword of the parent's pk) the
    parent is fetched through the plan, answers the permission question (an editor limited to some delaftaler)
    and is handed to the service as ``service(<parent_field>=parent, data=…, actor=user)``; without it the
    service is called as ``service(plan=plan, data=…, actor=user)``.
    """

    permission_required = "plan.manage"
    parent_field: str | None = None
    #: Related rows of the parent to join besides what its breadcrumbs read (``PlanContent.trail_related``).
    parent_related: tuple[str, ...] = ()

    @cached_property
    def parent(self):
        if self.parent_field is None:
            return None
        parent_model = self.model._meta.get_field(self.parent_field).related_model
        queryset = parent_model.objects.select_related(*parent_model.trail_related(), *self.parent_related)
        return access.get_in_plan_or_404(queryset, self.plan, pk=self.kwargs[self.parent_field])

    def get_permission_object(self):
        return self.parent if self.parent is not None else self.plan

    def new_instance(self):
        """The unsaved object the form validates, its parent set so the model's own rules run."""
        if self.parent_field is None:
            field_names = {f.name for f in self.model._meta.concrete_fields}
            return self.model(plan=self.plan) if "plan" in field_names else self.model()
        return self.model(**{self.parent_field: self.parent})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.new_instance()
        return kwargs

    def form_valid(self, form):
        try:
            self.object = self.create(form)
        except ValidationError as refusal:
            return self.refused(form, refusal)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def create(self, form):
        data = form.model_data()
        service = _service_of(self)
        where = {self.parent_field: self.parent} if self.parent_field else {"plan": self.plan}
        return service(**where, data=data, actor=self.request.user)

    def navigation_target(self):
        """What a new object will be shown under, as its model declares (its parent, or a list page)."""
        return parent_of(self.new_instance())

    def get_success_message(self) -> str:
        return str(self.success_message or _("%(name)s was created.") % {"name": self.object})

    def get_page_title(self) -> str:
        return str(self.page_title or _("New %(model)s") % {"model": self.model._meta.verbose_name})

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(self.navigation_target()), Crumb(self.get_page_title())]


class PlanUpdateView(PlanFormMixin, PlanObjectMixin, generic.UpdateView):
    """Edit an object through ``service(<object_name>=obj, data=…, expected_lock_version=…, actor=user)``; a
    save based on an older version is refused with what changed meanwhile."""

    permission_required = "plan.manage"

    def form_valid(self, form):
        try:
            self.update(form, form.cleaned_data.get("lock_version"))
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as refusal:
            return self.refused(form, refusal)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def update(self, form, expected_lock_version: int | None):
        data = form.model_data()
        return _service_of(self)(
            **{self.object_name(): self.object},
            data=data,
            expected_lock_version=expected_lock_version,
            actor=self.request.user,
        )

    def conflict(self, form, conflict: EditConflict):
        form.add_error(
            None,
            _(
                "Someone else saved this after you opened it. Nothing of yours was saved. "
                "See what changed below; your text is still in the form — save again to overwrite."
            ),
        )
        rebase_on(form, conflict)
        return self.render_to_response(self.get_context_data(form=form, conflict=conflict.conflict))

    def navigation_target(self):
        return self.object

    def get_success_message(self) -> str:
        return str(self.success_message or _("%(name)s was saved.") % {"name": self.object})

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(self.object), Crumb(_("Edit"))]

    def get_page_title(self) -> str:
        return str(self.page_title or _("Edit %(name)s") % {"name": self.object})


class PlanDeleteView(PlanObjectMixin, generic.DeleteView):
    """Delete an object through ``service(<object_name>=obj, actor=user)``; back to its parent's page."""

    permission_required = "plan.manage"
    template_name = "core/confirm_delete.html"
    service: Callable[..., Any] | None = None

    def form_valid(self, form):
        name, url = self.describe(), self.get_success_url()
        service = _service_of(self)
        try:
            service(**{self.object_name(): self.object}, actor=self.request.user)
        except (ProtectedError, RestrictedError):
            messages.error(self.request, _("%(name)s is in use and cannot be deleted.") % {"name": name})
            return HttpResponseRedirect(return_url(self.object, self.plan_url))
        messages.success(self.request, self.get_success_message(name))
        return HttpResponseRedirect(url)

    def describe(self) -> str:
        """How the messages name the object."""
        return str(self.object)

    def get_success_message(self, name: str) -> str:
        return _("%(name)s was deleted.") % {"name": name}

    def get_success_url(self) -> str:
        return safe_next_url(self.request) or return_url(parent_of(self.object), self.plan_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = safe_next_url(self.request) or return_url(self.object, self.plan_url)
        return context

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(self.object), Crumb(_("Delete"))]

    def get_page_title(self) -> str:
        return str(self.page_title or _("Delete %(name)s") % {"name": self.object})


class HistoryView(PlanObjectMixin, generic.TemplateView):
    """The change log of any object in the plan: ``/plan/<slug>/historik/<app>.<model>/<pk>/``.

    A model may ask for a stronger permission than reading the plan (contacts hold personal data) with a
    ``history_permission`` class attribute.
    """

    template_name = "core/history.html"

    @cached_property
    def model(self):
        try:
            model = apps.get_model(self.kwargs["app_label"], self.kwargs["model_name"])
        except LookupError as error:
            raise Http404 from error
        if not hasattr(model, "history") or not hasattr(model.objects, "in_plan"):
            raise Http404
        return model

    def get_permission_required(self) -> str:
        return getattr(self.model, "history_permission", "plan.view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["entries"] = self.get_entries()
        return context

    def get_entries(self) -> list:
        """The change log shown; a page that adds its children's changes (a budget line's years) overrides it."""
        return entries_for(self.object)

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(self.object), Crumb(_("History"))]

    def get_page_title(self) -> str:
        return _("History of %(name)s") % {"name": self.object}
