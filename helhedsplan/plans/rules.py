"""Who may do what, in one place (django-rules).

The roles that hold each permission are one table, ``plans.models.ROLE_PERMISSIONS``, which the
querysets' ``for_user`` reads too. Every permission is asked of an object inside a plan (or the plan itself); the user's membership of that plan
decides. Roles: a *coordinator* may do everything in the plan; an *editor* keeps goals, indicators,
measurements and activities (only in their delaftaler when the membership is limited) and logs incidents; a
*reviewer* reads everything but the emergency plan's personal contact details and changes nothing. Django
staff use the admin and have no rights on these pages unless they are members too.

Permission names (pass the object, or the plan, as the second argument to ``user.has_perm``):

- ``plan.view``                 read the plan's pages
- ``plan.manage``               coordinator work: strategic agreement, delaftale texts, budget, approvals,
                                emergency plan and contacts
- ``plan.edit_goals``           create/edit/delete goals, indicators, measurements, activities — for an
                                object inside a delaftale the editor's limit applies
- ``plan.view_contact_details`` see names, phones and e-mails in the emergency plan's contact list
- ``plan.log_incidents``        open incidents, add log entries, close them with an evaluation
- ``plan.submit_reports``       submit a yearly or final report to Landsbyggefonden (coordinators)
- ``plan.review_reports``       answer a submitted report: approve it or return it with a comment (reviewers:
                                the one thing a reviewer writes)
- ``plan.comment_reports``      comment on a submitted report (coordinators answer reviewers' comments)
"""

from __future__ import annotations

import rules
from django.utils.functional import LazyObject

from helhedsplan.plans.models import LIMITED_BY_SUB_AGREEMENT, ROLE_PERMISSIONS, Membership


def membership_for(user, obj) -> Membership | None:
    """The user's membership of the plan ``obj`` belongs to, cached on the user for the request."""
    if user is None or not user.is_authenticated or obj is None:
        return None
    plan = obj.owning_plan
    if plan is None:
        return None
    # request.user is a lazy wrapper while user.has_perm() hands the backend the wrapped user: keep one cache on
    # the real user so a page asks for the membership once, not once per wrapper.
    # The stubs leave out LazyObject's private ``_wrapped``; it is set, as is_authenticated was read above.
    real_user = user._wrapped if isinstance(user, LazyObject) else user  # type: ignore[attr-defined]
    cache = real_user.__dict__.setdefault("_membership_cache", {})
    if plan.pk not in cache:
        cache[plan.pk] = (
            Membership.objects.filter(user=user, plan=plan)
            .select_related("organisation")
            .prefetch_related("sub_agreements")
            .first()
        )
    return cache[plan.pk]


def _sub_agreement_of(obj):
    """The delaftale an object lives in, or None for plan-wide objects (key figures, the plan itself)."""
    return getattr(obj, "sub_agreement", None)


def _within_limits(membership: Membership, obj) -> bool:
    """An editor with no limit edits the whole plan; a limited one only inside their delaftaler."""
    limits = {s.pk for s in membership.sub_agreements.all()}
    if not limits:
        return True
    sub_agreement = _sub_agreement_of(obj)
    return sub_agreement is not None and sub_agreement.pk in limits


def _predicate_for(permission: str) -> rules.Predicate:
    roles = ROLE_PERMISSIONS[permission]
    limited = permission in LIMITED_BY_SUB_AGREEMENT

    def holds(user, obj) -> bool:
        membership = membership_for(user, obj)
        if membership is None or membership.role not in roles:
            return False
        if limited and membership.role == Membership.Role.EDITOR:
            return _within_limits(membership, obj)
        return True

    return rules.Predicate(holds, name=f"has_role_for_{permission}")


for _permission in ROLE_PERMISSIONS:
    rules.add_perm(_permission, _predicate_for(_permission))
