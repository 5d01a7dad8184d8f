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
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import Promise, cached_property
from django.utils.html import format_html
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from helhedsplan.core.history import entries_for, entries_from_records
from helhedsplan.core.login_safety import client_ip_address
from helhedsplan.core.mail_throttle import check_mail_allowed
from helhedsplan.core.navigation import Crumb, parent_of, return_url, safe_next_url, title_of, trail
from helhedsplan.core.services import EditConflict, object_restore
from helhedsplan.plans import access, forms, rules, selectors, services
from helhedsplan.plans.models import (
    Affiliation,
    Invitation,
    Membership,
    Organisation,
    Plan,
    email_is_verified,
    email_key,
)


class Refused(PermissionDenied):
    """A refusal that knows the permission asked (and of what), so the 403 page can name the role it takes."""

    def __init__(self, permission: str, obj=None, reason: str | Promise | None = None):
        super().__init__(permission)
        self.permission = permission
        self.obj = obj
        self.reason = reason


def _plan_of_request(request):
    """The plan the refused URL lies under, if the user is a member of it (never reveals another plan)."""
    try:
        slug = resolve(request.path_info).kwargs.get("plan")
    except Resolver404:
        return None
    if not slug or not request.user.is_authenticated:
        return None
    return access.plans_of(request.user).filter(slug=slug).first()


def permission_denied(request, exception=None):
    """The 403 page: inside a plan the user reads it keeps the plan's navigation, names the role the refused
    action takes and the plan's coordinators to ask (names only)."""
    context: dict[str, Any] = {}
    plan = _plan_of_request(request)
    if plan is not None:
        context["plan"] = plan
        context["membership"] = access.membership_of(request.user, plan)
        coordinators = (
            Membership.objects.filter(plan=plan, role=Membership.Role.COORDINATOR)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username")
        )
        context["coordinators"] = [m.user.get_full_name() or m.user.username for m in coordinators]
        if isinstance(exception, Refused):
            roles = rules.roles_needed(exception.permission, exception.obj)
            labels = [str(Membership.Role(role).label) for role in roles]
            context["roles_needed"] = get_text_list(labels, _("or"))
            membership = context["membership"]
            context["role_held_but_limited"] = membership is not None and membership.role in roles
            context["reason"] = exception.reason
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


class HomeView(generic.TemplateView):
    """The user's plans; straight to the plan when there is only one."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        plans = list(access.plans_of(request.user))
        # The portfolio (reports app) is for whoever sees several plans or reads through an organisation-wide grant.
        show_portfolio = len(plans) > 1 or request.user.organisation_grants.exists()
        if len(plans) == 1 and not show_portfolio:
            return redirect(plans[0])
        return self.render_to_response({"plans": plans, "show_portfolio": show_portfolio})


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
        self.plan, self.membership = access.plan_and_membership_or_404(request.user, kwargs["plan"])
        self.check_permissions()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def check_permissions(self) -> None:
        """Refuse (403, naming the permission) unless the user holds ``permission_required`` on the object."""
        permission, obj = self.get_permission_required(), self.get_permission_object()
        if not self.request.user.has_perm(permission, obj):
            reason = None
            if permission in rules.IN_LANDSBYGGEFONDENS_NAME:
                reason = _(
                    "Only someone Landsbyggefonden has confirmed as one of its people can answer in its name. "
                    "Ask Landsbyggefonden's administrator to confirm your affiliation."
                )
            raise Refused(permission, obj, reason=reason)

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
    """A page of the plan from a template: the plan resolved and the permission checked (``PlanViewMixin``)."""


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
    """The page of one object of the plan (``PlanObjectMixin``)."""


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
    """Delete an object through ``service(<object_name>=obj, actor=user)``; back to its parent's page.

    Deleting an object that takes other rows with it (``PlanContent.has_dependants``: a goal's indicators, an
    indicator's measurements) is a coordinator's act (``plan.delete_with_dependants``, as ``rules.may_delete``
    says); the page lists those rows. The message after the delete links to the deleted object's history, where
    a coordinator can restore it.
    """

    permission_required = "plan.manage"
    template_name = "core/confirm_delete.html"
    service: Callable[..., Any] | None = None

    def check_permissions(self) -> None:
        super().check_permissions()
        if not self.request.user.has_perm(rules.DELETE_WITH_DEPENDANTS, self.object) and self.has_dependants:
            raise Refused(
                rules.DELETE_WITH_DEPENDANTS,
                self.object,
                reason=_("Deleting something together with what it holds is a coordinator's task."),
            )

    @cached_property
    def has_dependants(self) -> bool:
        return self.object.has_dependants()

    def form_valid(self, form):
        name, url = self.describe(), self.get_success_url()
        history = _history_url(self.plan, self.object)
        service = _service_of(self)
        try:
            service(**{self.object_name(): self.object}, actor=self.request.user)
        except (ProtectedError, RestrictedError):
            messages.error(self.request, _("%(name)s is in use and cannot be deleted.") % {"name": name})
            return HttpResponseRedirect(return_url(self.object, self.plan_url))
        messages.success(
            self.request,
            format_html(
                '{} <a href="{}">{}</a>', self.get_success_message(name), history, _("See it in the history.")
            ),
        )
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
        context["dependants"] = _grouped(self.object.dependants()) if self.has_dependants else []
        return context

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(self.object), Crumb(_("Delete"))]

    def get_page_title(self) -> str:
        return str(self.page_title or _("Delete %(name)s") % {"name": self.object})


def _history_url(plan, obj) -> str:
    return reverse(
        "history",
        kwargs={
            "plan": plan.slug,
            "app_label": obj._meta.app_label,
            "model_name": obj._meta.model_name,
            "pk": obj.pk,
        },
    )


def _grouped(objects: list) -> list[tuple[str, list[str]]]:
    """Rows by kind, as the delete page lists them: [("indicators", ["Andel i job", …]), …]."""
    groups: dict[str, list[str]] = {}
    for obj in objects:
        groups.setdefault(str(obj._meta.verbose_name_plural), []).append(title_of(obj))
    return list(groups.items())


class HistoryModelMixin:
    """The model named by the URL's ``<app_label>.<model_name>``: one with a history that lives in a plan."""

    kwargs: Any

    @cached_property
    def model(self):
        try:
            model = apps.get_model(self.kwargs["app_label"], self.kwargs["model_name"])
        except LookupError as error:
            raise Http404 from error
        if not hasattr(model, "history") or not hasattr(model.objects, "in_plan"):
            raise Http404
        return model

    @cached_property
    def deleted(self) -> selectors.DeletedObject:
        """The object as its history tells it, when it was deleted from this plan; else 404."""
        deleted = selectors.deleted_object(self.model, self.kwargs["pk"], self.plan)  # type: ignore[attr-defined]
        if deleted is None:
            raise Http404
        return deleted


class HistoryView(HistoryModelMixin, PlanObjectMixin, generic.TemplateView):
    """The change log of any object in the plan: ``/plan/<slug>/historik/<app>.<model>/<pk>/`` — also of one
    that was deleted, with a button to restore it for those who may.

    A model may ask for a stronger permission than reading the plan (contacts hold personal data) with a
    ``history_permission`` class attribute.
    """

    template_name = "core/history.html"
    # Who changed what, and a contact's old phones and e-mails: Cache-Control: no-store (core.middleware).
    personal_data = True
    #: Whether the page lists the rows deleted from under the object; a page showing its children's changes
    #: itself (a budget line's years) does not need to.
    lists_deleted_under = True

    @cached_property
    def live(self):
        """The object if it exists; None when it was deleted (then ``deleted`` tells of it)."""
        return self.get_queryset().filter(pk=self.kwargs["pk"]).first()

    @cached_property
    def object(self):
        return self.live if self.live is not None else self.deleted.instance

    def get_permission_object(self):
        if self.live is not None:
            return self.live
        # A deleted object's way to its plan may be gone: reading history is a right on the whole plan, asked
        # once the object is known to have been deleted from this plan (else 404).
        assert self.deleted is not None
        return self.plan

    def get_permission_required(self) -> str:
        return getattr(self.model, "history_permission", "plan.view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["entries"] = self.get_entries()
        if self.live is None:
            context["deleted"] = self.deleted
            context["back_url"] = return_url(self.deleted.parent, self.plan_url)
            context["can_restore"] = self.request.user.has_perm(rules.RESTORE, self.plan)
            context["restore_url"] = reverse("restore", kwargs=self.kwargs)
        else:
            context["back_url"] = return_url(self.object, self.plan_url)
            context["deleted_under"] = (
                selectors.deleted_under(self.object) if self.lists_deleted_under else []
            )
        return context

    def get_entries(self) -> list:
        """The change log shown; a page that adds its children's changes (a budget line's years) overrides it."""
        if self.live is None:
            return entries_from_records(self.model, self.deleted.records)
        return entries_for(self.object)

    def get_breadcrumbs(self) -> list[Crumb]:
        if self.live is None:
            return [*trail(self.deleted.parent), Crumb(self.deleted.name), Crumb(_("History"))]
        return [*trail(self.object), Crumb(_("History"))]

    def get_page_title(self) -> str:
        name = self.deleted.name if self.live is None else self.object
        return _("History of %(name)s") % {"name": name}


class RestoreView(HistoryModelMixin, PlanViewMixin, generic.TemplateView):
    """Bring back a deleted object as it was just before it was deleted, with the rows deleted with it
    (``core.services.object_restore``): a coordinator's act. GET asks, POST restores."""

    template_name = "core/confirm_restore.html"
    permission_required = rules.RESTORE

    def get_permission_object(self):
        assert self.deleted is not None  # 404 unless it was deleted from this plan
        return self.plan

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deleted"] = self.deleted
        context["history_url"] = reverse("history", kwargs=self.kwargs)
        return context

    def post(self, request, *args, **kwargs):
        try:
            restored = object_restore(record=self.deleted.deletion, actor=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, _("%(name)s was restored.") % {"name": self.deleted.name})
        return HttpResponseRedirect(return_url(restored, self.plan_url))

    def get_breadcrumbs(self) -> list[Crumb]:
        history = reverse("history", kwargs=self.kwargs)
        return [*trail(self.deleted.parent), Crumb(self.deleted.name, history), Crumb(_("Restore"))]

    def get_page_title(self) -> str:
        return _("Restore %(name)s") % {"name": self.deleted.name}


# Members: a coordinator's page of who has which role in the plan -------------------------------------------


class MembersView(PlanTemplateView):
    """The plan's members with their e-mail, organisation, role and delaftale limit (coordinators only).

    Queries: the plan, the user's membership and its limits (the permission), the members with their users and
    organisations, and their limits, the pending invitations with their organisations and inviters, and their
    limits: the same for one member or invitation as for many."""

    template_name = "plans/members.html"
    permission_required = "plan.manage"
    page_title = gettext_lazy("Members")
    personal_data = True  # names and e-mail addresses: Cache-Control: no-store (core.middleware)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.member_list(self.plan)
        context["invitations"] = selectors.pending_invitations(self.plan)
        return context


def _member_name(membership: Membership) -> str:
    return membership.crumb_title


def site_of(request) -> services.SiteAddress:
    """Where the links in a mail lead: the address this request came to."""
    return services.SiteAddress(domain=request.get_host(), use_https=request.is_secure())


def invitation_sent_message(request, invitation: Invitation) -> None:
    """After an invitation's mail was queued: say so, naming the address only — never an account. The mail goes
    after the commit; where it has been tried already (no background worker), a failure is said at once, else the
    members page shows it."""
    if invitation.mail is not None:
        invitation.mail.refresh_from_db(fields=["status"])
    if invitation.mail_failed:
        messages.error(
            request,
            _(
                "The invitation to %(email)s is saved, but the e-mail could not be sent. Use “Send again” on "
                "the members page when the mail server works again."
            )
            % {"email": invitation.email},
        )
    else:
        messages.success(
            request,
            _("An invitation was sent to %(email)s. The role starts when it is accepted.")
            % {"email": invitation.email},
        )


class MemberAdd(PlanCreateView):
    """Invite someone by e-mail (``services.invitation_create``): the role starts when the holder of the address
    follows the mailed link and accepts. Whether an account has the address is neither used nor shown."""

    model = Invitation
    form_class = forms.InvitationForm
    page_title = gettext_lazy("Add a member")
    personal_data = True
    service = staticmethod(services.invitation_create)

    def create(self, form):
        return _service_of(self)(
            plan=self.plan, data=form.model_data(), site=site_of(self.request), actor=self.request.user
        )

    def form_valid(self, form):
        try:
            self.object = self.create(form)
        except ValidationError as refusal:
            return self.refused(form, refusal)
        invitation_sent_message(self.request, self.object)
        return HttpResponseRedirect(reverse("members", kwargs={"plan": self.plan.slug}))


class InvitationActionView(PlanObjectMixin, generic.TemplateView):
    """Send a pending invitation again, or withdraw it (a coordinator's): GET asks, POST does it."""

    model = Invitation
    permission_required = "plan.manage"
    template_name = "plans/invitation_confirm.html"
    personal_data = True
    #: The question the page asks and its button.
    question: str | Promise = ""
    button: str | Promise = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question % {"email": self.object.email}
        context["button"] = self.button
        context["cancel_url"] = reverse("members", kwargs={"plan": self.plan.slug})
        return context

    def get_breadcrumbs(self) -> list[Crumb]:
        return [*trail(parent_of(self.object)), Crumb(self.get_page_title())]

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        return HttpResponseRedirect(reverse("members", kwargs={"plan": self.plan.slug}))

    def act(self) -> None:
        raise NotImplementedError


class InvitationResend(InvitationActionView):
    page_title = gettext_lazy("Send the invitation again")
    question = gettext_lazy(
        "Send the invitation to %(email)s again? It gets a new link, valid for 14 days; the old link stops working."
    )
    button = gettext_lazy("Send again")

    def act(self) -> None:
        invitation = services.invitation_resend(
            invitation=self.object, site=site_of(self.request), actor=self.request.user
        )
        invitation_sent_message(self.request, invitation)


class InvitationWithdraw(InvitationActionView):
    page_title = gettext_lazy("Withdraw the invitation")
    question = gettext_lazy("Withdraw the invitation to %(email)s? Its link stops working.")
    button = gettext_lazy("Withdraw")

    def act(self) -> None:
        invitation = services.invitation_withdraw(invitation=self.object, actor=self.request.user)
        messages.success(
            self.request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )


class InvitationAcceptView(generic.TemplateView):
    """``/konto/invitation/<token>/``: whoever follows the mailed link accepts the invitation.

    Signed in as no one, they make an account for the invited address (choosing a password) or log in and come
    back. Signed in, they are asked whether to take the role with this account — named, and told when its
    verified address is not the invited one — and may log out to use another; nothing is attached without that
    answer (the POST names the account it was asked about). A link that names no invitation, or one accepted,
    withdrawn or expired, is refused with its message, and nothing changes. The page never says whether an
    account has the invited address."""

    template_name = "plans/invitation_accept.html"
    personal_data = True

    @cached_property
    def invitation(self) -> Invitation | None:
        return services.invitation_by_token(self.kwargs["token"])

    def refused(self, message: str):
        status = 404 if self.invitation is None else 410
        return render(
            self.request,
            "plans/invitation_refused.html",
            {"message": message, "page_title": _("Invitation")},
            status=status,
        )

    def dispatch(self, request, *args, **kwargs):
        refusal = services.invitation_refusal(self.invitation)
        if refusal is not None:
            return self.refused(refusal)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = self.invitation
        assert invitation is not None
        user = self.request.user
        context.update(
            invitation=invitation,
            page_title=_("Invitation to %(plan)s") % {"plan": invitation.plan.name},
            login_url=f"{reverse('login')}?next={self.request.path}",
            own_address=user.is_authenticated
            and email_is_verified(user)
            and email_key(user.email) == email_key(invitation.email),
        )
        if not user.is_authenticated:
            context.setdefault("form", forms.NewAccountForm(self.unsaved_user()))
        return context

    def unsaved_user(self):
        """The account to be made, for the password rules (not too like the address)."""
        assert self.invitation is not None
        user_model = get_user_model()
        return user_model(username=self.invitation.email, email=self.invitation.email)

    def post(self, request, *args, **kwargs):
        invitation = self.invitation
        assert invitation is not None
        if request.user.is_authenticated:
            if request.POST.get("account") != str(request.user.pk):
                # Asked about another account (signed in anew meanwhile): ask again, attach nothing.
                messages.error(request, _("You are signed in as another account now. Choose again."))
                return HttpResponseRedirect(request.path)
            try:
                membership = services.invitation_accept(
                    invitation=invitation, user=request.user, actor=request.user
                )
            except ValidationError as refusal:
                return self.render_to_response(self.get_context_data(errors=refusal.messages))
        else:
            form = forms.NewAccountForm(self.unsaved_user(), request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form))
            try:
                user, membership = services.invitation_accept_new_user(
                    invitation=invitation, password=form.cleaned_data["new_password1"]
                )
            except ValidationError as refusal:
                return self.render_to_response(self.get_context_data(form=form, errors=refusal.messages))
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.info(request, _("Your user name is %(name)s.") % {"name": user.get_username()})
        if membership is None:
            # The role is held for the organisation, which has not confirmed this person yet: it starts then.
            messages.info(
                request,
                _(
                    "You have accepted the invitation to %(plan)s. You are to be %(role)s for %(organisation)s, "
                    "which confirms its own people: the role starts when its administrator has confirmed you."
                )
                % {
                    "plan": invitation.plan.name,
                    "role": invitation.get_role_display(),
                    "organisation": invitation.organisation.name,
                },
            )
            return HttpResponseRedirect(reverse("organisations"))
        messages.success(
            request,
            _("Welcome to %(plan)s. You are %(role)s.")
            % {"plan": invitation.plan.name, "role": membership.get_role_display()},
        )
        return HttpResponseRedirect(invitation.plan.get_absolute_url())


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?", with the mails asked for counted per address and per sender
    (``core.mail_throttle``): over the limit nothing is sent and the form says so. The answer is the same
    whether or not an account has the address."""

    form_class = forms.PasswordResetForm

    def form_valid(self, form):
        sender = (
            f"user:{self.request.user.pk}"
            if self.request.user.is_authenticated
            else (f"ip:{client_ip_address(self.request)}")
        )
        try:
            check_mail_allowed(address=form.cleaned_data["email"], sender=sender)
        except ValidationError as refusal:
            form.add_error(None, refusal)
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a password from the link mailed to the account's address: following it proves the address, so
    it is verified from now on (Django's token covers the address, so a link sent to an earlier one fails)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.verified_email_record(user=self.user, actor=self.user)
        return response


class MemberUpdate(PlanUpdateView):
    model = Membership
    form_class = forms.MembershipForm
    personal_data = True
    prefetch_related = ("sub_agreements",)
    service = staticmethod(services.membership_update)

    def get_page_title(self) -> str:
        return _("Edit the membership of %(name)s") % {"name": _member_name(self.object)}

    def get_success_message(self) -> str:
        return _("The membership of %(name)s was saved.") % {"name": _member_name(self.object)}

    def get_success_url(self) -> str:
        # A coordinator who made themselves editor or reviewer may no longer open the members' pages.
        if self.object.user_id == self.request.user.pk and self.object.role != Membership.Role.COORDINATOR:
            return self.plan_url
        return super().get_success_url()


class MemberDelete(PlanDeleteView):
    """Remove a member from the plan; the plan's last coordinator is refused with the model's message."""

    model = Membership
    template_name = "plans/member_confirm_delete.html"
    personal_data = True
    service = staticmethod(services.membership_delete)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(self.request, message)
            return HttpResponseRedirect(return_url(parent_of(self.object), self.plan_url))

    def describe(self) -> str:
        return _("The membership of %(name)s") % {"name": _member_name(self.object)}

    def get_success_url(self) -> str:
        # Who removed themselves is no longer in the plan: back to their plans.
        if self.object.user_id == self.request.user.pk:
            return reverse("home")
        return super().get_success_url()

    def get_page_title(self) -> str:
        return _("Remove %(name)s from the plan") % {"name": _member_name(self.object)}


# Organisations: who belongs to them, and the plans they take part in (outside any plan) ----------------------


class OrganisationsView(LoginRequiredMixin, generic.TemplateView):
    """ "Mine organisationer": the organisations that have confirmed (or been asked to confirm) the user as one
    of their people, and a form to ask one; links to the pages of those the user administers."""

    template_name = "plans/organisations.html"
    page_title = gettext_lazy("My organisations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        affiliations = selectors.affiliations_of(self.request.user)
        context["page_title"] = self.page_title
        context["affiliations"] = affiliations
        context["form"] = kwargs.get("form") or forms.AffiliationRequestForm(
            exclude=[a.organisation_id for a in affiliations if a.state != Affiliation.State.REVOKED]
        )
        return context

    def post(self, request, *args, **kwargs):
        form = forms.AffiliationRequestForm(request.POST, exclude=[])
        if form.is_valid():
            try:
                services.affiliation_request(
                    organisation=form.cleaned_data["organisation"], actor=request.user
                )
            except ValidationError as refusal:
                form.add_error("organisation", refusal)
            else:
                messages.success(
                    request,
                    _("You asked %(organisation)s to confirm you; its administrators will answer.")
                    % {"organisation": form.cleaned_data["organisation"].short_name},
                )
                return redirect("organisations")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OrganisationAdminMixin(LoginRequiredMixin):
    """A page of one organisation (``<short_name>`` in the URL, 404 if none): for its administrators only
    (``organisation.administer``, 403 for anyone else)."""

    kwargs: dict[str, Any]

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(Organisation, short_name=self.kwargs["short_name"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            "organisation.administer", self.organisation
        ):
            raise PermissionDenied(_("Only the organisation's administrators can open its page."))
        return super().dispatch(request, *args, **kwargs)

    def organisation_url(self) -> str:
        return reverse("organisation", kwargs={"short_name": self.organisation.short_name})


class OrganisationView(OrganisationAdminMixin, generic.TemplateView):
    """An organisation's page for its administrators: its people (asked, confirmed, revoked) to confirm or
    revoke, name administrators and holders of its reviewer role; the plans awaiting its confirmation as a
    party; its e-mail domains. Queries: the organisation, the administrator check, and ``organisation_page``'s
    five, whatever the numbers."""

    template_name = "plans/organisation.html"
    personal_data = True  # names and e-mail addresses

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = str(self.organisation)
        context["page"] = selectors.organisation_page(self.organisation)
        context["domain_form"] = kwargs.get("domain_form") or forms.EmailDomainForm()
        return context

    def post(self, request, *args, **kwargs):
        """Declare an e-mail domain."""
        form = forms.EmailDomainForm(request.POST)
        if form.is_valid():
            try:
                services.email_domain_add(
                    organisation=self.organisation, domain=form.cleaned_data["domain"], actor=request.user
                )
            except ValidationError as refusal:
                form.add_error("domain", refusal.messages)
            else:
                messages.success(request, _("The e-mail domain was added."))
                return redirect(self.organisation_url())
        return self.render_to_response(self.get_context_data(domain_form=form), status=400)


class OrganisationActionView(OrganisationAdminMixin, generic.View):
    """A button of the organisation's page (POST only): does one thing through a service, says what it did
    (or why it was refused) and goes back to the page (or to a safe ``next``)."""

    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act())
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        return redirect(safe_next_url(request) or self.organisation_url())


class AffiliationActionView(OrganisationActionView):
    @cached_property
    def affiliation(self) -> Affiliation:
        return get_object_or_404(
            Affiliation.objects.select_related("user", "organisation"),
            pk=self.kwargs["pk"],
            organisation=self.organisation,
        )

    def name(self) -> str:
        return self.affiliation.user.get_full_name() or self.affiliation.user.get_username()


class AffiliationConfirm(AffiliationActionView):
    def act(self) -> str:
        services.affiliation_confirm(affiliation=self.affiliation, actor=self.request.user)
        return _("%(name)s is confirmed as one of %(organisation)s's people.") % {
            "name": self.name(),
            "organisation": self.organisation.short_name,
        }


class AffiliationRevoke(AffiliationActionView):
    def act(self) -> str:
        services.affiliation_revoke(affiliation=self.affiliation, actor=self.request.user)
        return _("The affiliation of %(name)s is revoked.") % {"name": self.name()}


class AffiliationAdministrator(AffiliationActionView):
    def act(self) -> str:
        make = self.request.POST.get("is_administrator") == "1"
        services.affiliation_set_administrator(
            affiliation=self.affiliation, is_administrator=make, actor=self.request.user
        )
        if make:
            return _("%(name)s is now an administrator of the organisation.") % {"name": self.name()}
        return _("%(name)s is no longer an administrator of the organisation.") % {"name": self.name()}


class AffiliationGrant(AffiliationActionView):
    def act(self) -> str:
        holds = self.request.POST.get("holds") == "1"
        services.organisation_grant_set(affiliation=self.affiliation, holds=holds, actor=self.request.user)
        if holds:
            return _("%(name)s is now a reviewer in every plan %(organisation)s has confirmed.") % {
                "name": self.name(),
                "organisation": self.organisation.short_name,
            }
        return _("%(name)s is no longer a reviewer in the organisation's plans.") % {"name": self.name()}


class PartyConfirm(OrganisationActionView):
    """The organisation confirms its part in a plan that names it (a plan it is no party to: 404)."""

    def act(self) -> str:
        plan = get_object_or_404(Plan, slug=self.kwargs["slug"], organisations=self.organisation)
        services.party_confirm(plan=plan, organisation=self.organisation, actor=self.request.user)
        return _("%(organisation)s takes part in %(plan)s.") % {
            "organisation": self.organisation.short_name,
            "plan": plan.name,
        }
