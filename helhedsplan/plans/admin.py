from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.admin import (
    BaseAdmin,
    BaseTabularInline,
    administered_plan_pks,
    linked_rows,
    register_model_scope,
    register_plan_scope,
)

from .models import (
    ROLE_PERMISSIONS,
    Affiliation,
    EmailDomain,
    Estate,
    Membership,
    Organisation,
    OrganisationGrant,
    PartyConfirmation,
    Plan,
)
from .services import verified_email_record

User = get_user_model()


def plans_administered_by(user):
    """The plans whose content a staff user may administer: those where they hold ``plan.manage``
    (coordinator). One membership row answers both conditions (a single join)."""
    return Plan.objects.filter(
        memberships__user=user, memberships__role__in=ROLE_PERMISSIONS["plan.manage"]
    ).distinct()


def users_in_scope(queryset, user, plan_pks):
    """The users a coordinator may see and pick: members of the plans they administer, users who are not yet
    a member of any plan (just made), and themselves; never a superuser."""
    return (
        queryset.filter(
            Q(memberships__plan__in=plan_pks) | Q(memberships__isnull=True) | Q(pk=user.pk),
        )
        .exclude(Q(is_superuser=True) & ~Q(pk=user.pk))
        .distinct()
    )


register_plan_scope(plans_administered_by)
register_model_scope(User, users_in_scope)


class EstateInline(BaseTabularInline):
    model = Estate
    fields = ("name", "number", "housing_association", "homes", "residents", "name_is_known")
    autocomplete_fields = ("housing_association",)


class KeepsACoordinator(BaseInlineFormSet):
    """Memberships edited as rows: a row deleted is refused when it is its plan's last coordinator (demoting one
    is refused by ``Membership.clean``)."""

    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            membership = form.instance
            if membership.pk is not None:
                try:
                    membership.validate_delete()
                except ValidationError as refusal:
                    raise ValidationError(refusal.messages) from refusal


class InvitedNotAttached:
    """A role starts only when the holder of an address accepts an invitation (``plans.services``): in the admin
    only a superuser gives one directly; a coordinator invites from the plan's members page. Existing roles are
    changed and removed here as before."""

    def has_add_permission(self, request, *args) -> bool:
        allowed = super().has_add_permission(request, *args)  # type: ignore[misc]
        return bool(request.user.is_active and request.user.is_superuser and allowed)


class MembershipInline(InvitedNotAttached, BaseTabularInline):
    model = Membership
    formset = KeepsACoordinator
    fields = ("user", "organisation", "role", "sub_agreements")
    autocomplete_fields = ("user", "organisation")

    def get_queryset(self, request):
        # The delaftale limits are shown on every row: one query for all of them.
        return super().get_queryset(request).prefetch_related("sub_agreements")


class UserMembershipInline(InvitedNotAttached, BaseTabularInline):
    """A user's roles, made together with the user: the plan, the organisation they act for, the role."""

    model = Membership
    formset = KeepsACoordinator
    fk_name = "user"
    fields = ("plan", "organisation", "role", "sub_agreements")
    autocomplete_fields = ("plan", "organisation")
    verbose_name = _("role in a plan")
    verbose_name_plural = _("roles in plans")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sub_agreements")


@admin.register(Organisation)
class OrganisationAdmin(BaseAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")

    def has_view_permission(self, request, obj=None):
        # Organisations are shared by all plans and hold no personal data: a coordinator picks them (the
        # autocomplete asks this). Changing one changes every plan, so that takes Django's permission.
        return super().has_view_permission(request, obj) or bool(administered_plan_pks(request))

    def has_module_permission(self, request):
        return super().has_module_permission(request) or bool(administered_plan_pks(request))


@admin.register(Plan)
class PlanAdmin(BaseAdmin):
    list_display = ("name", "area", "municipality", "start_date", "end_date", "homes", "residents")
    search_fields = ("name", "area", "slug")
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisations",)
    inlines = (EstateInline, MembershipInline)
    readonly_fields = ("estate_links", "member_links")

    def get_inlines(self, request, obj):
        # A new plan gets its estates and first coordinator as rows. A plan's own page lists them as links
        # instead: a big plan's estates and members as form rows were hundreds of widgets (and the slowest
        # page of the admin); each is changed on its own page.
        return self.inlines if obj is None else ()

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f not in self.readonly_fields]
        return fields if obj is None else [*fields, *self.readonly_fields]

    @admin.display(description=_("estates"))
    def estate_links(self, obj: Plan) -> str:
        return linked_rows(
            obj.estates.select_related("housing_association").order_by("name", "pk"),
            list_filter={"plan__id__exact": obj.pk},
            add_initial={"plan": obj.pk},
        )

    @admin.display(description=_("members"))
    def member_links(self, obj: Plan) -> str:
        return linked_rows(
            obj.memberships.select_related("user", "organisation").order_by("user__username", "pk"),
            list_filter={"plan__id__exact": obj.pk},
            describe=lambda m: (
                f"{m.user.get_full_name() or m.user.username} · {m.get_role_display()} · {m.organisation}"
            ),
        )

    def has_add_permission(self, request):
        # A new plan has no coordinator yet: only a superuser makes one (and its first coordinator).
        return administered_plan_pks(request) is None and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return administered_plan_pks(request) is None and super().has_delete_permission(request, obj)


@admin.register(Membership)
class MembershipAdmin(InvitedNotAttached, BaseAdmin):
    list_display = ("user", "role", "organisation", "plan")
    list_filter = ("plan", "role", "organisation")
    list_select_related = ("user", "plan", "organisation")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "plan__name")
    autocomplete_fields = ("user", "plan", "organisation")
    # The delaftale limit is offered from the membership's own plan (see BaseAdmin.get_form); a limit from
    # another plan is refused by the form.
    filter_horizontal = ("sub_agreements",)

    def has_delete_permission(self, request, obj=None):
        # The plan's last coordinator stays (Membership.validate_delete); demoting them is refused by its clean().
        if obj is not None and obj.is_last_coordinator():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(OrganisationGrant)
class OrganisationGrantAdmin(BaseAdmin):
    """A role in every plan an organisation is a party to: it opens many plans at once, so only a superuser
    sees and keeps it (a coordinator administers their own plans only)."""

    list_display = ("organisation", "role")
    list_select_related = ("organisation",)
    search_fields = ("organisation__name", "organisation__short_name", "users__username")
    autocomplete_fields = ("organisation", "users")

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


class SuperuserOnlyAdmin(BaseAdmin):
    """Who belongs to an organisation, and what it has confirmed, is given by its administrators (on its page,
    ``/organisationer/<short name>/``); in the admin only a superuser sees and keeps it: naming an organisation's
    first administrator, or mending a mistake."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


@admin.register(Affiliation)
class AffiliationAdmin(SuperuserOnlyAdmin):
    list_display = ("user", "organisation", "state", "is_administrator", "at")
    list_filter = ("state", "is_administrator", "organisation")
    list_select_related = ("user", "organisation")
    search_fields = ("user__username", "user__email", "organisation__short_name", "organisation__name")
    autocomplete_fields = ("user", "organisation", "confirmed_by")


@admin.register(EmailDomain)
class EmailDomainAdmin(SuperuserOnlyAdmin):
    list_display = ("domain", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("domain", "organisation__short_name")
    autocomplete_fields = ("organisation",)


@admin.register(PartyConfirmation)
class PartyConfirmationAdmin(SuperuserOnlyAdmin):
    list_display = ("plan", "organisation", "confirmed_by", "at")
    list_select_related = ("plan", "organisation", "confirmed_by")
    search_fields = ("plan__name", "organisation__short_name")
    autocomplete_fields = ("plan", "organisation", "confirmed_by")


#: What only a superuser sees and sets on a user: the flags that open the admin or everything, and Django's
#: model permissions and groups, which play no part in the app (a user's rights come from their plan roles).
SUPERUSER_ONLY_USER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """A user and their plan roles in one place. Coordinators who are staff (not superusers) see the members
    of their plans and new users, give them roles in their plans, and never touch staff or superusers.

    Who someone is stays theirs: only a superuser makes a user (and so sets its first password) or sets another
    user's password or e-mail address; anyone else changes only their own, and an address set or changed by
    anyone but a superuser is unverified until its holder follows a link sent to it (``VerifiedEmail``). People
    join a plan through an invitation (the members page), never through an account prepared for them."""

    inlines = (UserMembershipInline,)
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser")

    def get_queryset(self, request):
        plan_pks = administered_plan_pks(request)
        queryset = super().get_queryset(request)
        return queryset if plan_pks is None else users_in_scope(queryset, request.user, plan_pks)

    def get_inlines(self, request, obj):
        # The user is made first (name and password), then given roles on their page, where the add leads.
        return self.inlines if obj is not None else ()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # another plan's member, or a superuser: not there for a coordinator
        return obj

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if administered_plan_pks(request) is None or obj is None:
            return fieldsets
        return [
            (
                title,
                {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_USER_FIELDS]},
            )
            for title, options in fieldsets
        ]

    def get_list_filter(self, request):
        return self.list_filter if administered_plan_pks(request) is None else ("is_active",)

    def _coordinates(self, request) -> bool:
        return bool(administered_plan_pks(request))

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self._coordinates(request)

    def has_view_permission(self, request, obj=None):
        if administered_plan_pks(request) is None:
            return super().has_view_permission(request, obj)
        return self._coordinates(request) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def _superuser(self, request) -> bool:
        return administered_plan_pks(request) is None

    def has_add_permission(self, request):
        # A new user's first password is set by whoever makes it: a superuser's act.
        return self._superuser(request) and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk != request.user.pk and not self._superuser(request):
            return (*fields, "email")
        return fields

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))  # 404 outside the staff user's scope
        if not self._superuser(request) and user.pk != request.user.pk:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A superuser who sets an address vouches for it; anyone else's leaves it unverified (VerifiedEmail
        # holds the address proved, so a changed one no longer matches it).
        if self._superuser(request) and obj.email and "email" in getattr(form, "changed_data", ()):
            verified_email_record(user=obj, actor=request.user)

    def has_change_permission(self, request, obj=None):
        plan_pks = administered_plan_pks(request)
        if plan_pks is None:
            return super().has_change_permission(request, obj)
        if not plan_pks:
            return False
        if obj is None or obj.pk == request.user.pk:
            return True
        # Not another staff user, no one who is also a member of a plan this coordinator does not run, and no
        # one holding an organisation-wide role (who reads plans far beyond this coordinator's).
        return (
            not obj.is_staff
            and not obj.is_superuser
            and not obj.memberships.exclude(plan__in=plan_pks).exists()
            and not obj.organisation_grants.exists()
            and self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting a user takes their roles in every plan with them: a superuser's work.
        return administered_plan_pks(request) is None and super().has_delete_permission(request, obj)
