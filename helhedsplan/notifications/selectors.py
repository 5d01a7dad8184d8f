"""Who is mailed about which plan, and what they chose — each in a fixed number of queries, however many plans
and people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from helhedsplan.core.mail import undeliverable_addresses
from helhedsplan.plans.access import plans_of
from helhedsplan.plans.models import Membership, OrganisationGrant, Plan

from .models import MailPreference


@dataclass(frozen=True)
class Person:
    """Someone who reads a plan, with the role they read it in (their membership's, or a grant's)."""

    user: Any
    plan: Plan
    role: str
    #: For an editor limited to some delaftaler: their pks; empty means the whole plan.
    limits: frozenset[int] = frozenset()

    @property
    def role_label(self) -> str:
        return str(Membership.Role(self.role).label)


def people_by_plan(plans: Iterable[Plan]) -> dict[int, list[Person]]:
    """Everyone with a role in each plan, keyed by plan pk (three queries): the members (their membership
    decides), and the users of an organisation-wide grant of a party to the plan who are no members of it. Only
    active users with an e-mail address: the others cannot be mailed."""
    plans = list(plans)
    by_pk = {plan.pk: plan for plan in plans}
    people: dict[int, list[Person]] = {pk: [] for pk in by_pk}
    members: dict[int, set[int]] = defaultdict(set)
    memberships = (
        Membership.objects.filter(plan_id__in=by_pk)
        .select_related("user")
        .prefetch_related("sub_agreements")
        .order_by("plan_id", "role", "user__username")
    )
    for membership in memberships:
        members[membership.plan_id].add(membership.user_id)
        if membership.user.is_active and membership.user.email:
            people[membership.plan_id].append(
                Person(
                    user=membership.user,
                    plan=by_pk[membership.plan_id],
                    role=membership.role,
                    limits=frozenset(s.pk for s in membership.sub_agreements.all()),
                )
            )
    grants = OrganisationGrant.objects.filter(organisation__plans__in=by_pk).values_list(
        "pk", "role", "organisation__plans"
    )
    grant_plans: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for grant_pk, role, plan_pk in grants:
        if plan_pk in by_pk:
            grant_plans[grant_pk].append((role, plan_pk))
    if grant_plans:
        user_model = get_user_model()
        through = OrganisationGrant.users.through.objects.filter(organisationgrant_id__in=grant_plans)
        users = {
            user.pk: user
            for user in user_model._default_manager.filter(
                pk__in=through.values("user_id"), is_active=True
            ).exclude(email="")
        }
        seen: set[tuple[int, int]] = set()
        for grant_pk, user_pk in through.order_by("organisationgrant_id", "user_id").values_list(
            "organisationgrant_id", "user_id"
        ):
            user = users.get(user_pk)
            for role, plan_pk in grant_plans[grant_pk]:
                if user is None or user_pk in members[plan_pk] or (user_pk, plan_pk) in seen:
                    continue
                seen.add((user_pk, plan_pk))
                people[plan_pk].append(Person(user=user, plan=by_pk[plan_pk], role=role))
    return people


def preferences_for(plans: Iterable[Plan]) -> dict[tuple[int, int], MailPreference]:
    """Everyone's stored choice for ``plans``, keyed by (user pk, plan pk): one query."""
    return {
        (preference.user_id, preference.plan_id): preference
        for preference in MailPreference.objects.filter(plan__in=[plan.pk for plan in plans])
    }


def wants(preferences: dict[tuple[int, int], MailPreference], person: Person, kind: str) -> bool:
    """Whether ``person`` wants ``kind`` ("notifications" or "digest") of their plan; yes without a choice."""
    preference = preferences.get((person.user.pk, person.plan.pk))
    return preference is None or bool(getattr(preference, kind))


@dataclass(frozen=True)
class PreferenceRow:
    plan: Plan
    role: str
    notifications: bool
    digest: bool

    @property
    def role_label(self) -> str:
        return str(Membership.Role(self.role).label) if self.role else ""


def preference_rows(user) -> list[PreferenceRow]:
    """The account page: every plan ``user`` reads, with what they get of it (three queries)."""
    plans = list(plans_of(user).order_by("name"))
    people = people_by_plan(plans)
    preferences = {p.plan_id: p for p in MailPreference.objects.filter(user=user, plan__in=plans)}
    rows = []
    for plan in plans:
        role = next((person.role for person in people[plan.pk] if person.user.pk == user.pk), "")
        preference = preferences.get(plan.pk)
        rows.append(
            PreferenceRow(
                plan=plan,
                role=role,
                notifications=preference.notifications if preference else True,
                digest=preference.digest if preference else True,
            )
        )
    return rows


def undeliverable_people(plan: Plan) -> list[Person]:
    """The plan's people whose address the mail server refused the last time (four queries)."""
    people = people_by_plan([plan])[plan.pk]
    bad = undeliverable_addresses([person.user.email for person in people])
    return [person for person in people if person.user.email.lower() in bad]
