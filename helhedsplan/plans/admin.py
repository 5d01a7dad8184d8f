from django.contrib import admin

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline

from .models import Estate, Membership, Organisation, Plan


class EstateInline(BaseTabularInline):
    model = Estate
    fields = ("name", "number", "housing_association", "homes", "residents", "name_is_known")
    autocomplete_fields = ("housing_association",)


class MembershipInline(BaseTabularInline):
    model = Membership
    fields = ("user", "organisation", "role", "sub_agreements")
    autocomplete_fields = ("user", "organisation")


@admin.register(Organisation)
class OrganisationAdmin(BaseAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")


@admin.register(Plan)
class PlanAdmin(BaseAdmin):
    list_display = ("name", "area", "start_date", "end_date", "homes", "residents")
    search_fields = ("name", "area", "slug")
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("organisations",)
    inlines = (EstateInline, MembershipInline)


@admin.register(Estate)
class EstateAdmin(BaseAdmin):
    list_display = ("name", "number", "housing_association", "plan", "homes", "residents", "name_is_known")
    list_filter = ("plan", "housing_association", "name_is_known")
    list_select_related = ("plan", "housing_association")
    search_fields = ("name", "number", "plan__name")
    autocomplete_fields = ("plan", "housing_association")
    # The estate's decisions are the approvals app's, a layer above: approvals.admin adds their inline here
    # (``EstateAdmin.inlines = (*EstateAdmin.inlines, EstateDecisionInline)``); plans imports no app above it.
    inlines: tuple = ()


@admin.register(Membership)
class MembershipAdmin(BaseAdmin):
    list_display = ("user", "role", "organisation", "plan")
    list_filter = ("plan", "role", "organisation")
    list_select_related = ("user", "plan", "organisation")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "plan__name")
    autocomplete_fields = ("user", "plan", "organisation")
    # The delaftale limit is offered from the membership's own plan (see BaseAdmin.get_form); a limit from
    # another plan is refused by the form.
    filter_horizontal = ("sub_agreements",)
