"""Writes of the notifications: a person's mail choice for a plan."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from helhedsplan.core.services import record_actor
from helhedsplan.plans.models import Plan

from .models import MailPreference


@transaction.atomic
def mail_preference_set(
    *, user: Any, plan: Plan, notifications: bool, digest: bool, actor: Any
) -> MailPreference:
    """What ``user`` gets of ``plan``: notifications, the daily digest, both or none."""
    preference = MailPreference.objects.select_for_update().filter(user=user, plan=plan).first()
    if preference is None:
        preference = MailPreference(user=user, plan=plan)
    preference.notifications = notifications
    preference.digest = digest
    preference.full_clean()
    record_actor(preference, actor)
    preference.save()
    return preference


@transaction.atomic
def mail_preference_unsubscribe(*, user: Any, plan: Plan, kind: str, actor: Any) -> MailPreference:
    """Turn off one kind ("notifications" or "digest") of ``plan``'s mail for ``user`` (the link in a mail)."""
    preference = MailPreference.objects.select_for_update().filter(user=user, plan=plan).first()
    current = {"notifications": True, "digest": True}
    if preference is not None:
        current = {"notifications": preference.notifications, "digest": preference.digest}
    current[kind] = False
    return mail_preference_set(user=user, plan=plan, actor=actor, **current)
