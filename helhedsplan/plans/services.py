"""Writes of a plan's estates and memberships: each validates through the model, in one transaction, records
who acted, and (for an update) refuses an edit made from an older version (``core.services``)."""

from __future__ import annotations

from typing import Any

from helhedsplan.core.services import Data, object_create, object_delete, object_update

from .models import Estate, Membership, Plan


def plan_create(*, data: Data, actor: Any) -> Plan:
    """A new plan (``data``: name, slug, area, start and end date, funding_period, organisations, …). Who may make
    one, and what it starts with, is the caller's (``plantemplate.services.plan_create_from_template``)."""
    return object_create(Plan(), data=data, actor=actor)


def estate_create(*, plan: Plan, data: Data, actor: Any) -> Estate:
    """A new estate (boligafdeling) in ``plan``."""
    return object_create(Estate(plan=plan), data=data, actor=actor)


def estate_update(*, estate: Estate, data: Data, expected_lock_version: int | None, actor: Any) -> Estate:
    return object_update(estate, data=data, expected_lock_version=expected_lock_version, actor=actor)


def estate_delete(*, estate: Estate, actor: Any) -> None:
    """Delete an estate; its decisions go with it, an estate named in an incident is protected."""
    object_delete(estate, actor=actor)


def membership_create(*, plan: Plan, data: Data, actor: Any) -> Membership:
    """Give a user a role in ``plan`` (``data``: user, organisation, role, and optionally sub_agreements)."""
    return object_create(Membership(plan=plan), data=data, actor=actor)


def membership_update(
    *, membership: Membership, data: Data, expected_lock_version: int | None, actor: Any
) -> Membership:
    return object_update(membership, data=data, expected_lock_version=expected_lock_version, actor=actor)


def membership_delete(*, membership: Membership, actor: Any) -> None:
    object_delete(membership, actor=actor)
