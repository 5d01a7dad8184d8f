"""Access helpers: every lookup goes through the plans the user is a member of, or reads through an
organisation-wide grant (``OrganisationGrant``).

A plan the user may not read does not exist for them (404); so does any object of another plan.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from helhedsplan.plans.models import Membership, Plan, PlanContent, PlanScopedQuerySet, granted_plans


def plans_of(user) -> QuerySet[Plan]:
    """The plans the user is a member of or reads through an organisation-wide grant."""
    if not user.is_authenticated:
        return Plan.objects.none()
    member_of = Membership.objects.filter(user=user).values("plan")
    return Plan.objects.filter(Q(pk__in=member_of) | Q(pk__in=granted_plans(user))).order_by(
        "-start_date", "name"
    )


def get_plan_or_404(user, slug: str) -> Plan:
    """The plan with ``slug`` if the user may read it (a member, or through a grant), else 404 (one query)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(plans_of(user), slug=slug)


def get_in_plan_or_404(queryset: PlanScopedQuerySet | type[PlanContent], plan: Plan, **lookup) -> Model:
    """An object of ``plan`` by ``lookup`` (usually pk); another plan's object is a 404."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    return get_object_or_404(queryset.in_plan(plan), **lookup)


def membership_of(user, plan: Plan) -> Membership | None:
    """The user's membership of ``plan``, shared with the permission rules' per-request cache."""
    from helhedsplan.plans.rules import membership_for

    return membership_for(user, plan)
