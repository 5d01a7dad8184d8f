"""Who may do what, in one place (django-rules).

Every permission is asked of an object inside a plan (or the plan itself); the user's membership of that plan
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
"""

from __future__ import annotations

import rules
from django.utils.functional import LazyObject

from helhedsplan.plans.models import Membership


def membership_for(user, obj) -> Membership | None:
    """The user's membership of the plan ``obj`` belongs to, cached on the user for the request."""
    if user is None or not user.is_authenticated or obj is None:
        return None
    plan = obj.owning_plan
    if plan is None:
        return None
    # request.user is a lazy wrapper while user.has_perm() hands the backend the wrapped user: keep one cache on
    # the real user so a page asks for the membership once, not once per wrapper.
    real_user = user._wrapped if isinstance(user, LazyObject) else user
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


@rules.predicate
def is_member(user, obj) -> bool:
    return membership_for(user, obj) is not None


@rules.predicate
def is_coordinator(user, obj) -> bool:
    membership = membership_for(user, obj)
    return membership is not None and membership.role == Membership.Role.COORDINATOR


@rules.predicate
def is_editor(user, obj) -> bool:
    membership = membership_for(user, obj)
    return membership is not None and membership.role == Membership.Role.EDITOR


@rules.predicate
def editor_may_edit(user, obj) -> bool:
    """An editor with no limit edits the whole plan; a limited one only inside their delaftaler."""
    membership = membership_for(user, obj)
    if membership is None or membership.role != Membership.Role.EDITOR:
        return False
    limits = {s.pk for s in membership.sub_agreements.all()}
    if not limits:
        return True
    sub_agreement = _sub_agreement_of(obj)
    return sub_agreement is not None and sub_agreement.pk in limits


rules.add_perm("plan.view", is_member)
rules.add_perm("plan.manage", is_coordinator)
rules.add_perm("plan.edit_goals", is_coordinator | editor_may_edit)
rules.add_perm("plan.view_contact_details", is_coordinator | is_editor)
rules.add_perm("plan.log_incidents", is_coordinator | is_editor)
