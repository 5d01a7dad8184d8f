"""The few generic views every page of a plan is built from (NetBox-style), plus home, errors and history.

Every view inside a plan resolves the plan from the URL through the user's memberships (404 for anyone else),
then asks one permission of one object (403 when refused). Subclasses are declarative: a model, a form, a
template, and which permission on which object.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.history import entries_for
from helhedsplan.core.services import EditConflict, save_versioned
from helhedsplan.plans import access


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


class HomeView(LoginRequiredMixin, generic.TemplateView):
    """The user's plans; straight to the plan when there is only one."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        plans = list(access.plans_of(request.user))
        if len(plans) == 1:
            return redirect(plans[0])
        return self.render_to_response({"plans": plans})


class PlanViewMixin(LoginRequiredMixin):
    """Resolves ``self.plan`` from the URL and checks ``permission_required`` on ``get_permission_object()``."""

    permission_required: str = "plan.view"
    #: Breadcrumb title of this page; the object's own str() when None on object pages.
    page_title: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = access.get_plan_or_404(request.user, kwargs["plan"])
        self.membership = access.membership_of(request.user, self.plan)
        if not request.user.has_perm(self.permission_required, self.get_permission_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.plan

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["membership"] = self.membership
        context["page_title"] = self.get_page_title()
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context

    def get_page_title(self) -> str:
        return str(self.page_title or "")

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        """(title, url) pairs between the plan and this page; the last has no link."""
        return [(self.get_page_title(), None)]


class PlanTemplateView(PlanViewMixin, generic.TemplateView):
    pass


class PlanObjectMixin(PlanViewMixin):
    """A view about one object of the plan, fetched through the plan (another plan's object is a 404)."""

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        queryset = self.model.objects.in_plan(self.plan)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
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

    def get_parent_breadcrumbs(self) -> list[tuple[str, str | None]]:
        """Override to put the object under its parents (delaftale → goal → indicator)."""
        return []

    def get_breadcrumbs(self):
        # Some objects live on a parent's page and have no URL of their own (an escalation level, a log entry).
        url = self.object.get_absolute_url() if hasattr(self.object, "get_absolute_url") else None
        return [*self.get_parent_breadcrumbs(), (str(self.object), url)]


class PlanDetailView(PlanObjectMixin, generic.DetailView):
    def get_breadcrumbs(self):
        return [*self.get_parent_breadcrumbs(), (self.get_page_title(), None)]


class PlanFormMixin:
    """Forms know their plan; saving says so in a message."""

    template_name = "core/form.html"
    success_message: str = gettext_lazy("Saved.")
    cancel_url: str | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = self.plan
        return kwargs

    def get_success_message(self) -> str:
        return str(self.success_message)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.get_cancel_url()
        return context

    def get_cancel_url(self) -> str:
        return self.cancel_url or self.plan.get_absolute_url()


class PlanCreateView(PlanFormMixin, PlanViewMixin, generic.CreateView):
    """Create an object in the plan. Set ``permission_required`` and, when the right depends on a parent
    (an editor limited to some delaftaler), return that parent from ``get_permission_object``."""

    permission_required = "plan.manage"

    def form_valid(self, form):
        self.prepare_instance(form.instance)
        response = super().form_valid(form)
        messages.success(self.request, self.get_success_message())
        return response

    def prepare_instance(self, instance) -> None:
        """Set the fields the user does not choose (the plan, the parent object, who entered it)."""

    def get_success_message(self) -> str:
        return _("%(name)s was created.") % {"name": self.object}

    def get_page_title(self) -> str:
        return str(self.page_title or _("New %(model)s") % {"model": self.model._meta.verbose_name})


class PlanUpdateView(PlanFormMixin, PlanObjectMixin, generic.UpdateView):
    """Edit an object; a save based on an older version is refused with what changed meanwhile."""

    permission_required = "plan.manage"

    def form_valid(self, form):
        try:
            save_versioned(form, form.cleaned_data.get("lock_version"))
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def conflict(self, form, conflict: EditConflict):
        form.add_error(
            None,
            _(
                "Someone else saved this after you opened it. Nothing of yours was saved. "
                "See what changed below; your text is still in the form — save again to overwrite."
            ),
        )
        # The next save is made knowing the conflict, so it is based on the current version.
        data = form.data.copy()
        data["lock_version"] = conflict.current_lock_version
        form.data = data
        return self.render_to_response(self.get_context_data(form=form, conflict=conflict.conflict))

    def get_success_message(self) -> str:
        return _("%(name)s was saved.") % {"name": self.object}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_cancel_url(self) -> str:
        return self.cancel_url or self.object.get_absolute_url()

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Edit"), None)]

    def get_page_title(self) -> str:
        return _("Edit %(name)s") % {"name": self.object}


class PlanDeleteView(PlanObjectMixin, generic.DeleteView):
    permission_required = "plan.manage"
    template_name = "core/confirm_delete.html"

    def form_valid(self, form):
        name = str(self.object)
        url = self.get_success_url()
        try:
            self.object.delete()
        except (ProtectedError, RestrictedError):
            messages.error(self.request, _("%(name)s is in use and cannot be deleted.") % {"name": name})
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, _("%(name)s was deleted.") % {"name": name})
        return HttpResponseRedirect(url)

    def get_success_url(self) -> str:
        return self.plan.get_absolute_url()

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Delete"), None)]

    def get_page_title(self) -> str:
        return _("Delete %(name)s") % {"name": self.object}


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

    def get_queryset(self):
        return self.model.objects.in_plan(self.plan)

    @property
    def permission_required(self) -> str:
        return getattr(self.model, "history_permission", "plan.view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["entries"] = entries_for(self.object)
        return context

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("History"), None)]

    def get_page_title(self) -> str:
        return _("History of %(name)s") % {"name": self.object}
