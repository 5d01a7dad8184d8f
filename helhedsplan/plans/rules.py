"""Who may do what, in one place (django-rules).

The roles that hold each permission are one table, ``plans.models.ROLE_PERMISSIONS``, which the
querysets' ``for_user`` reads too. Every permission is asked of an object inside a plan (or the plan itself); the user's membership of that plan
decides — or, for a plan they are no member of, an organisation-wide grant (``OrganisationGrant``: a reviewer of
every plan the organisation is a party to). Roles: a *coordinator* may do everything in the plan; an *editor* keeps goals, indicators,
measurements and activities (only in their delaftaler when the membership is limited) and logs incidents; a
*reviewer* reads everything but the emergency plan's personal contact details and changes nothing. Django
staff use the admin and have no rights on these pages unless they are members too.

Permission names (pass the object, or the plan, as the second argument to ``user.has_perm``):

- ``plan.view``                 read the plan's pages
- ``plan.manage``               coordinator work: strategic agreement, delaftale texts, budget, approvals,
                                emergency plan and contacts
- ``plan.edit_goals``           create/edit/delete goals, indicators, measurements, activities — editors
                                only inside delaftaler (their own when the membership is limited); the
                                strategic agreement's key figures follow the strategic agreement: coordinators
- ``plan.delete_with_dependants`` delete an object together with the rows that go with it (a goal with its
                                indicators, an indicator with its measurements): asked besides the right to
                                edit the object, only when it has such rows (``may_delete``)
- ``plan.restore``              bring back a deleted object from its history
- ``plan.view_contact_details`` see names, phones and e-mails in the emergency plan's contact list
- ``plan.log_incidents``        open incidents, add log entries, close them with an evaluation
- ``plan.submit_reports``       submit a yearly or final report to Landsbyggefonden (coordinators)
- ``plan.review_reports``       answer a submitted report: approve it or return it with a comment (reviewers:
                                the one thing a reviewer writes)
- ``plan.comment_reports``      comment on a submitted report (coordinators answer reviewers' comments)
- ``plan.enter_actual_spend``   enter a budget line's actual spend (coordinators, and any member who keeps the
                                plan's accounts: ``Membership.keeps_accounts``, granted by a coordinator)
- ``plan.import_data``          import a spreadsheet; each row is judged by the right it takes
- ``plan.keep_documents``       upload documents and their new versions (coordinators, editors)
- ``plan.keep_governance``      keep the bodies, members and meetings: coordinators all; editors the
                                følgegruppe of a delaftale they edit
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet
from django.utils.functional import LazyObject

from helhedsplan.plans.models import (
    KEPT_BY_ACCOUNT_KEEPERS,
    LIMITED_BY_SUB_AGREEMENT,
    ROLE_PERMISSIONS,
    Affiliation,
    Membership,
    OrganisationGrant,
    Plan,
    administers,
    confirmed_parties,
    landsbyggefonden_affiliation,
    speaks_for_landsbyggefonden,
)

#: Permissions that speak in Landsbyggefonden's name: besides the role, a confirmed affiliation with LBF.
IN_LANDSBYGGEFONDENS_NAME: frozenset[str] = frozenset({"plan.review_reports"})

DELETE_WITH_DEPENDANTS = "plan.delete_with_dependants"
RESTORE = "plan.restore"


def membership_for(user, obj) -> Membership | None:
    """The user's effective membership of the plan ``obj`` belongs to, cached on the user for the request.

    Their membership of the plan if they have one; else, when an organisation-wide grant (``OrganisationGrant``)
    names them and its organisation is a party to the plan, an unsaved membership with the grant's role and
    organisation (``via_grant`` set; it has no delaftale limits, as only a reviewer's role is granted)."""
    if user is None or not user.is_authenticated or obj is None:
        return None
    plan = obj.owning_plan
    if plan is None:
        return None
    # request.user is a lazy wrapper while user.has_perm() hands the backend the wrapped user: keep one cache on
    # the real user so a page asks for the membership once, not once per wrapper.
    cache = _membership_cache(user)
    if plan.pk not in cache:
        cache[plan.pk] = (
            Membership.objects.filter(user=user, plan=plan)
            .annotate(speaks_for_lbf=landsbyggefonden_affiliation(user))
            .select_related("organisation")
            .prefetch_related("sub_agreements")
            .first()
        )
        if cache[plan.pk] is None:
            cache[plan.pk] = _granted_membership(user, plan)
    return cache[plan.pk]


def _membership_cache(user) -> dict:
    # The stubs leave out LazyObject's private ``_wrapped``; it is set once is_authenticated was read.
    real_user = user._wrapped if isinstance(user, LazyObject) else user  # type: ignore[attr-defined]
    return real_user.__dict__.setdefault("_membership_cache", {})


def remember_membership(user, plan: Plan, membership: Membership) -> None:
    """Put a membership read elsewhere (``access.plan_and_membership_or_404``) in the request's cache."""
    _membership_cache(user)[plan.pk] = membership


def memberships_for(user, plans: list[Plan]) -> dict[int, Membership | None]:
    """The user's effective membership of each of ``plans`` (``membership_for``), by plan pk, read for all of them
    at once and kept in the request's cache, so that asking ``user.has_perm(…, plan)`` of each plan afterwards
    reads nothing: two queries for the memberships and their delaftale limits, and for the plans the user is no
    member of, one for the user's grants and one for the parties confirmed in those plans — whatever the number of
    plans (the portfolio asks this of every plan Landsbyggefonden's reviewer sees)."""
    if user is None or not user.is_authenticated:
        return {plan.pk: None for plan in plans}
    cache = _membership_cache(user)
    unknown = [plan for plan in plans if plan.pk not in cache]
    if unknown:
        memberships = (
            Membership.objects.filter(user=user, plan__in=unknown)
            .annotate(speaks_for_lbf=landsbyggefonden_affiliation(user))
            .select_related("organisation")
            .prefetch_related("sub_agreements")
        )
        for membership in memberships:
            cache[membership.plan_id] = membership
        others = [plan for plan in unknown if plan.pk not in cache]
        grants = list(_grants(user)) if others else []
        parties: dict[int, set[int]] = {}
        if grants:
            confirmed = confirmed_parties().filter(
                plan__in=others, organisation__in={grant.organisation_id for grant in grants}
            )
            for plan_id, organisation_id in confirmed.values_list("plan_id", "organisation_id"):
                parties.setdefault(plan_id, set()).add(organisation_id)
        for plan in others:
            grant = next((g for g in grants if g.organisation_id in parties.get(plan.pk, ())), None)
            cache[plan.pk] = None if grant is None else _membership_through(grant, user, plan)
    return {plan.pk: cache[plan.pk] for plan in plans}


def _grants(user) -> QuerySet[OrganisationGrant]:
    """The user's organisation-wide grants while they are confirmed as one of its people, in the order that picks
    the one that counts where several organisations are parties to a plan."""
    return (
        OrganisationGrant.objects.filter(
            users=user,
            organisation__affiliations__user=user,
            organisation__affiliations__state=Affiliation.State.CONFIRMED,
        )
        .annotate(speaks_for_lbf=landsbyggefonden_affiliation(user))
        .select_related("organisation")
        .order_by("organisation__short_name", "role")
    )


def _membership_through(grant: OrganisationGrant, user, plan: Plan) -> Membership:
    """The unsaved membership ``grant`` gives ``user`` in ``plan`` (``via_grant`` set; no delaftale limits)."""
    membership = Membership(user=user, plan=plan, organisation=grant.organisation, role=grant.role)
    membership.via_grant = grant  # type: ignore[attr-defined]
    membership.speaks_for_lbf = grant.speaks_for_lbf  # type: ignore[attr-defined]
    return membership


def _granted_membership(user, plan: Plan) -> Membership | None:
    """The membership an organisation-wide grant gives ``user`` in ``plan``, or None (one query)."""
    grant = (
        _grants(user)
        .filter(organisation__in=confirmed_parties().filter(plan=plan).values("organisation"))
        .first()
    )
    return None if grant is None else _membership_through(grant, user, plan)


def speaks_for_lbf(user, membership: Membership) -> bool:
    """Whether the member may speak in Landsbyggefonden's name: read with the membership when it was, else asked."""
    known = getattr(membership, "speaks_for_lbf", None)
    if known is None:
        known = speaks_for_landsbyggefonden(user)
        membership.speaks_for_lbf = known  # type: ignore[attr-defined]
    return bool(known)


def _sub_agreement_of(obj):
    """The delaftale an object lives in, or None for plan-wide objects (key figures, the plan itself)."""
    return getattr(obj, "sub_agreement", None)


def _within_limits(membership: Membership, obj) -> bool:
    """An editor edits inside delaftaler: every one of the plan's without a limit, else only their own. What
    lies outside every delaftale (the strategic agreement's key figures) is the coordinators', as the strategic
    agreement itself is. Asked of the plan: whether the editor edits in all of it."""
    limits = {s.pk for s in membership.sub_agreements.all()}
    if isinstance(obj, Plan):
        return not limits
    sub_agreement = _sub_agreement_of(obj)
    return sub_agreement is not None and (not limits or sub_agreement.pk in limits)


def roles_needed(permission: str, obj=None) -> list[str]:
    """The roles that hold ``permission`` on ``obj``, coordinator first: what a refusal names."""
    roles = set(ROLE_PERMISSIONS[permission])
    if (
        permission in LIMITED_BY_SUB_AGREEMENT
        and obj is not None
        and not isinstance(obj, Plan)
        and _sub_agreement_of(obj) is None
    ):
        roles.discard(Membership.Role.EDITOR)
    return [role for role in Membership.Role.values if role in roles]


def may_delete(user, obj, permission: str) -> bool:
    """The one rule of deleting: the right to edit ``obj`` (``permission``), and when other rows are deleted with
    it (``PlanContent.has_dependants``), a coordinator's right too. The view kit and the pages ask this."""
    if not user.has_perm(permission, obj):
        return False
    return user.has_perm(DELETE_WITH_DEPENDANTS, obj) or not obj.has_dependants()


def _predicate_for(permission: str) -> rules.Predicate:
    roles = ROLE_PERMISSIONS[permission]
    limited = permission in LIMITED_BY_SUB_AGREEMENT
    in_lbfs_name = permission in IN_LANDSBYGGEFONDENS_NAME
    kept_by_account_keepers = permission in KEPT_BY_ACCOUNT_KEEPERS

    def holds(user, obj) -> bool:
        membership = membership_for(user, obj)
        if membership is None:
            return False
        if kept_by_account_keepers and membership.keeps_accounts:
            return True
        if membership.role not in roles:
            return False
        if limited and membership.role == Membership.Role.EDITOR:
            return _within_limits(membership, obj)
        if in_lbfs_name:
            return speaks_for_lbf(user, membership)
        return True

    return rules.Predicate(holds, name=f"has_role_for_{permission}")


for _permission in ROLE_PERMISSIONS:
    rules.add_perm(_permission, _predicate_for(_permission))

#: An organisation's administrator's work (``/organisationer/<short name>/``): confirm its people and its parties
#: to plans, name other administrators, declare its e-mail domains. Asked of the organisation.
rules.add_perm(
    "organisation.administer",
    rules.Predicate(
        lambda user, organisation: administers(user, organisation), name="administers_organisation"
    ),
)

#: For the pages' delete buttons: ``{% has_perm "plan.delete_goals" goal as can_delete %}``.
rules.add_perm(
    "plan.delete_goals",
    rules.Predicate(lambda user, obj: may_delete(user, obj, "plan.edit_goals"), name="may_delete_goals"),
)
