"""Writes to the strategic agreement, the strategic goals, the delaftaler's texts and their parties.

Keyword-only functions on ``core.services``: one transaction each, validated by the model, the lock counter
checked on updates, the actor recorded in the history. The goal tree under a delaftale is the goals app's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helhedsplan.core.history import changes_since
from helhedsplan.core.services import Data, EditConflict, object_create, object_delete, object_update
from helhedsplan.plans.models import Plan

from .models import Narrative, StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty

# --- The strategic agreement ----------------------------------------------------------------------------------


def strategic_agreement_save(
    *, plan: Plan, data: Data, expected_lock_version: int | None, actor: Any
) -> StrategicAgreement:
    """Write the plan's strategic agreement: the first save creates it, later saves update it.

    Two coordinators may both open the form while the plan has none. The first save creates it; the second
    is refused with an EditConflict showing what the first wrote — whether it arrives after the first was
    stored or at the same moment (then the database's one-per-plan rule refuses it).
    """
    existing = StrategicAgreement.objects.filter(plan=plan).first()
    if existing is not None:
        return strategic_agreement_update(
            strategic_agreement=existing, data=data, expected_lock_version=expected_lock_version, actor=actor
        )
    try:
        with transaction.atomic():
            return object_create(StrategicAgreement(plan=plan), data=data, actor=actor)
    except (IntegrityError, ValidationError):
        # The database's one-per-plan rule (core.services names it as that rule's ValidationError).
        current = StrategicAgreement.objects.filter(plan=plan).first()
        if current is None:
            raise
        raise EditConflict(changes_since(current, 0), current.lock_version) from None


def strategic_agreement_update(
    *, strategic_agreement: StrategicAgreement, data: Data, expected_lock_version: int | None, actor: Any
) -> StrategicAgreement:
    return object_update(
        strategic_agreement, data=data, expected_lock_version=expected_lock_version, actor=actor
    )


def strategic_goal_update(
    *, strategic_goal: StrategicGoal, data: Data, expected_lock_version: int | None, actor: Any
) -> StrategicGoal:
    return object_update(strategic_goal, data=data, expected_lock_version=expected_lock_version, actor=actor)


# --- Delaftaler and their parties -----------------------------------------------------------------------------


def sub_agreement_create(*, plan: Plan, data: Data, actor: Any) -> SubAgreement:
    """A new delaftale in ``plan`` (``data``: its focus_area, one of the plan's funding period's, and texts)."""
    return object_create(SubAgreement(plan=plan), data=data, actor=actor)


def sub_agreement_update(
    *, sub_agreement: SubAgreement, data: Data, expected_lock_version: int | None, actor: Any
) -> SubAgreement:
    return object_update(sub_agreement, data=data, expected_lock_version=expected_lock_version, actor=actor)


def sub_agreement_party_create(*, sub_agreement: SubAgreement, data: Data, actor: Any) -> SubAgreementParty:
    """A party (an organisation of the plan) to ``sub_agreement``; each organisation at most once."""
    return object_create(SubAgreementParty(sub_agreement=sub_agreement), data=data, actor=actor)


def sub_agreement_party_update(
    *, sub_agreement_party: SubAgreementParty, data: Data, expected_lock_version: int | None, actor: Any
) -> SubAgreementParty:
    return object_update(
        sub_agreement_party, data=data, expected_lock_version=expected_lock_version, actor=actor
    )


def sub_agreement_party_delete(*, sub_agreement_party: SubAgreementParty, actor: Any) -> None:
    object_delete(sub_agreement_party, actor=actor)


# --- The yearly narratives of a delaftale -----------------------------------------------------------------------


def narrative_create(*, sub_agreement: SubAgreement, data: Data, actor: Any) -> Narrative:
    """The narrative of one year of ``sub_agreement`` (``data["year"]`` and its three texts)."""
    return object_create(Narrative(sub_agreement=sub_agreement), data=data, actor=actor)


def narrative_update(
    *, narrative: Narrative, data: Data, expected_lock_version: int | None, actor: Any
) -> Narrative:
    return object_update(narrative, data=data, expected_lock_version=expected_lock_version, actor=actor)


def narrative_delete(*, narrative: Narrative, actor: Any) -> None:
    object_delete(narrative, actor=actor)
