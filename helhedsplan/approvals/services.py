"""Writes of the approvals pages: a decision and its minutes file are saved, replaced and deleted together.

Every write runs in one transaction, validates through the model (the minutes' PDF and size rules are the
model's) and records who acted. Minutes that are replaced or removed leave storage only once the new state is
committed: a rolled-back save must still find its old file.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction

from helhedsplan.core.services import (
    Data,
    file_delete_after_commit,
    object_create,
    object_delete,
    object_update,
)
from helhedsplan.plans.models import Estate, Plan

from .models import ApprovalStep, EstateDecision

# Decisions ------------------------------------------------------------------------------------------------


@transaction.atomic
def estate_decision_create(
    *, estate: Estate, data: Data, minutes: File | None = None, actor: Any
) -> EstateDecision:
    """Record an estate's decision, with its minutes (a PDF) when given."""
    decision = EstateDecision(estate=estate)
    if minutes is not None:
        decision.minutes = minutes
    return object_create(decision, data=data, actor=actor)


@transaction.atomic
def estate_decision_update(
    *,
    estate_decision: EstateDecision,
    data: Data,
    minutes: File | None = None,
    remove_minutes: bool = False,
    expected_lock_version: int | None,
    actor: Any,
) -> EstateDecision:
    """Change a decision; ``minutes`` replaces the stored file, ``remove_minutes`` (without a new file) drops it.

    Refused with ``EditConflict`` when someone saved the decision after ``expected_lock_version``. The file that
    was replaced or removed is deleted from storage after the commit.
    """
    old_name = EstateDecision.objects.values_list("minutes", flat=True).get(pk=estate_decision.pk)
    if minutes is not None:
        estate_decision.minutes = minutes
    elif remove_minutes:
        estate_decision.minutes = ""
    decision = object_update(
        estate_decision, data=data, expected_lock_version=expected_lock_version, actor=actor
    )
    if old_name and old_name != decision.minutes.name:
        file_delete_after_commit(decision.minutes.storage, old_name)
    return decision


@transaction.atomic
def estate_decision_delete(*, estate_decision: EstateDecision, actor: Any) -> None:
    """Delete the decision and, once that is committed, its minutes file."""
    name, storage = estate_decision.minutes.name, estate_decision.minutes.storage
    object_delete(estate_decision, actor=actor)
    file_delete_after_commit(storage, name)


# Steps ----------------------------------------------------------------------------------------------------


def approval_step_create(*, plan: Plan, data: Data, actor: Any) -> ApprovalStep:
    """Add a political or funder step to the plan's timeline (its place must be free)."""
    return object_create(ApprovalStep(plan=plan), data=data, actor=actor)


def approval_step_update(
    *, approval_step: ApprovalStep, data: Data, expected_lock_version: int | None, actor: Any
) -> ApprovalStep:
    return object_update(approval_step, data=data, expected_lock_version=expected_lock_version, actor=actor)


def approval_step_delete(*, approval_step: ApprovalStep, actor: Any) -> None:
    object_delete(approval_step, actor=actor)
