from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.admin import BaseAdmin, BaseTabularInline

from .models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _BudgetTotal(TypedDict):
    budget_total: Decimal | None  # None without amounts


class _FundingTotal(TypedDict):
    funding_total: Decimal | None  # None without funding


class BudgetAmountInline(BaseTabularInline):
    model = BudgetAmount
    fields = ("year", "amount")


class ActualSpendInline(BaseTabularInline):
    model = ActualSpend
    fields = ("year", "amount", "note")


class FundingInline(BaseTabularInline):
    model = Funding
    fields = ("year", "amount")


@admin.register(BudgetLine)
class BudgetLineAdmin(BaseAdmin):
    list_display = ("__str__", "plan", "sub_agreement", "category", "total", "is_example")
    list_filter = ("plan", "sub_agreement__focus_area", "category", "is_example")
    list_select_related = ("plan", "sub_agreement")
    search_fields = ("description", "plan__name")
    autocomplete_fields = ("plan",)
    inlines = (BudgetAmountInline, ActualSpendInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(budget_total=Sum("amounts__amount"))

    @admin.display(description=_("budget in all (kr.)"), ordering="budget_total")
    def total(self, obj: WithAnnotations[BudgetLine, _BudgetTotal]):
        return obj.budget_total


@admin.register(BudgetAmount)
class BudgetAmountAdmin(BaseAdmin):
    list_display = ("line", "line__plan", "year", "amount")
    list_filter = ("line__plan", "year", "line__category")
    list_select_related = ("line__plan", "line__sub_agreement")
    search_fields = ("line__description",)


@admin.register(ActualSpend)
class ActualSpendAdmin(BaseAdmin):
    list_display = ("line", "line__plan", "year", "amount", "note")
    list_filter = ("line__plan", "year", "line__category")
    list_select_related = ("line__plan", "line__sub_agreement")
    search_fields = ("line__description", "note")


@admin.register(FundingSource)
class FundingSourceAdmin(BaseAdmin):
    list_display = ("name", "kind", "organisation", "plan", "total", "is_example")
    list_filter = ("plan", "kind", "is_example")
    list_select_related = ("plan", "organisation")
    search_fields = ("name", "basis", "plan__name")
    autocomplete_fields = ("plan", "organisation")
    inlines = (FundingInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(funding_total=Sum("fundings__amount"))

    @admin.display(description=_("funding in all (kr.)"), ordering="funding_total")
    def total(self, obj: WithAnnotations[FundingSource, _FundingTotal]):
        return obj.funding_total


@admin.register(Funding)
class FundingAdmin(BaseAdmin):
    list_display = ("source", "source__plan", "year", "amount")
    list_filter = ("source__plan", "year", "source__kind")
    list_select_related = ("source__plan",)
    search_fields = ("source__name",)
