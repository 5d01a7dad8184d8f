"""Access helpers: every lookup goes through the plans the user is a member of, or reads through an
organisation-wide grant (``OrganisationGrant``).

A plan the user may not read does not exist for them (404); so does any object of another plan.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from helhedsplan.plans import rules
from helhedsplan.plans.models import (
    Membership,
    Plan,
    PlanContent,
    PlanScopedQuerySet,
    granted_plans,
    landsbyggefonden_affiliation,
)


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


def plan_and_membership_or_404(user, slug: str) -> tuple[Plan, Membership | None]:
    """The plan with ``slug`` and the user's effective membership of it (``membership_of``), or 404.

    Every page of a plan starts here, so a member's costs two queries: the membership with its plan and
    organisation, and the delaftaler it is limited to (which the rules and the page read of an editor; asked of
    every membership, so that a page reads as much for every role). Through an organisation-wide grant: the
    plan, then the grant.
    """
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.filter(user=user, plan__slug=slug)
        .annotate(speaks_for_lbf=landsbyggefonden_affiliation(user))
        .select_related("plan", "organisation")
        .first()
    )
    if membership is None:
        plan = get_plan_or_404(user, slug)
        return plan, membership_of(user, plan)
    prefetch_related_objects([membership], "sub_agreements")
    rules.remember_membership(user, membership.plan, membership)
    return membership.plan, membership


def get_in_plan_or_404(queryset: PlanScopedQuerySet | type[PlanContent], plan: Plan, **lookup) -> Model:
    """An object of ``plan`` by ``lookup`` (usually pk); another plan's object is a 404."""
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    return get_object_or_404(queryset.in_plan(plan), **lookup)


def membership_of(user, plan: Plan) -> Membership | None:
    """The user's membership of ``plan``, shared with the permission rules' per-request cache."""
    return rules.membership_for(user, plan)


def memberships_of(user, plans: list[Plan]) -> dict[int, Membership | None]:
    """The user's membership of each of ``plans`` (by pk), read at once into the rules' per-request cache, so that
    ``user.has_perm(…, plan)`` then asks nothing of the database (``rules.memberships_for``: at most four queries
    for any number of plans)."""
    return rules.memberships_for(user, plans)
