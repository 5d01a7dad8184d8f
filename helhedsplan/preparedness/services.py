"""Writes of the emergency plan: the plan, its levels, action cards and contacts, and the incident log.

Each write runs in one transaction, validates through the model (phone numbers, "not in the future", unique
places and names are the models' rules) and records who acted. The incident log's writes lock the incident
first, so a log entry can never slip in after closing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from helhedsplan.core.services import (
    Data,
    assign,
    check_lock,
    object_create,
    object_delete,
    object_update,
    record_actor,
)
from helhedsplan.plans.models import Plan

from . import signals
from .models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry, PreparednessPlan


class IncidentClosed(Exception):
    """The incident is closed: its log and evaluation are final."""


def _user(actor: Any) -> Any:
    """The acting user to name on a row ("opened by", "entered by"); None for a command."""
    return actor if getattr(actor, "is_authenticated", False) else None


# The emergency plan ----------------------------------------------------------------------------------------


def preparedness_plan_create(*, plan: Plan, data: Data, actor: Any) -> PreparednessPlan:
    """Write the plan's emergency plan (a plan has at most one)."""
    return object_create(PreparednessPlan(plan=plan), data=data, actor=actor)


def preparedness_plan_update(
    *, preparedness_plan: PreparednessPlan, data: Data, expected_lock_version: int | None, actor: Any
) -> PreparednessPlan:
    return object_update(
        preparedness_plan, data=data, expected_lock_version=expected_lock_version, actor=actor
    )


# Levels, action cards, contacts ------------------------------------------------------------------------------


def escalation_level_create(
    *, preparedness_plan: PreparednessPlan, data: Data, actor: Any
) -> EscalationLevel:
    return object_create(EscalationLevel(preparedness_plan=preparedness_plan), data=data, actor=actor)


def escalation_level_update(
    *, escalation_level: EscalationLevel, data: Data, expected_lock_version: int | None, actor: Any
) -> EscalationLevel:
    return object_update(
        escalation_level, data=data, expected_lock_version=expected_lock_version, actor=actor
    )


def escalation_level_delete(*, escalation_level: EscalationLevel, actor: Any) -> None:
    """Delete a level; one that incidents were logged at is protected (RestrictedError)."""
    object_delete(escalation_level, actor=actor)


def action_card_create(*, preparedness_plan: PreparednessPlan, data: Data, actor: Any) -> ActionCard:
    return object_create(ActionCard(preparedness_plan=preparedness_plan), data=data, actor=actor)


def action_card_update(
    *, action_card: ActionCard, data: Data, expected_lock_version: int | None, actor: Any
) -> ActionCard:
    return object_update(action_card, data=data, expected_lock_version=expected_lock_version, actor=actor)


def action_card_delete(*, action_card: ActionCard, actor: Any) -> None:
    object_delete(action_card, actor=actor)


def contact_create(*, preparedness_plan: PreparednessPlan, data: Data, actor: Any) -> Contact:
    return object_create(Contact(preparedness_plan=preparedness_plan), data=data, actor=actor)


def contact_update(*, contact: Contact, data: Data, expected_lock_version: int | None, actor: Any) -> Contact:
    return object_update(contact, data=data, expected_lock_version=expected_lock_version, actor=actor)


def contact_delete(*, contact: Contact, actor: Any) -> None:
    object_delete(contact, actor=actor)


# Incidents ------------------------------------------------------------------------------------------------


def incident_open(*, plan: Plan, data: Data, actor: Any) -> Incident:
    """Open an incident in the plan, opened by ``actor``; once committed, ``signals.incident_opened`` is sent."""
    with transaction.atomic():
        incident = object_create(Incident(plan=plan, opened_by=_user(actor)), data=data, actor=actor)
        transaction.on_commit(
            lambda: signals.incident_opened.send(sender=Incident, incident=incident, actor=actor)
        )
    return incident


def incident_update(
    *, incident: Incident, data: Data, expected_lock_version: int | None, actor: Any
) -> Incident:
    """A coordinator's correction of an incident (open or closed), its evaluation included."""
    return object_update(incident, data=data, expected_lock_version=expected_lock_version, actor=actor)


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def incident_log_entry_add(*, incident: Incident, data: Data, actor: Any) -> IncidentLogEntry:
    """Add a line to an open incident's log, entered by ``actor``; ``IncidentClosed`` once it is closed.

    Without a time the entry is logged now (never before the incident, whose time may have been typed in
    slightly ahead of the server's clock).
    """
    current = _locked(incident)
    if not current.is_open:
        raise IncidentClosed
    data = dict(data)
    if not data.get("at"):
        data["at"] = max(timezone.now(), current.occurred_at)
    entry = IncidentLogEntry(incident=incident, entered_by=_user(actor))
    return object_create(entry, data=data, actor=actor)


@transaction.atomic
def incident_close(
    *,
    incident: Incident,
    data: Data,
    expected_lock_version: int | None,
    actor: Any,
    now: datetime.datetime | None = None,
) -> Incident:
    """Close an open incident with its evaluation (``evaluation_what_worked``, ``evaluation_lessons``,
    ``evaluation_plan_changes``).

    ``IncidentClosed`` if someone closed it already; ``EditConflict`` if it was changed after the version the
    user saw (e.g. a coordinator corrected the level meanwhile), so the evaluation is written knowing it.
    """
    current = _locked(incident)
    if not current.is_open:
        raise IncidentClosed
    check_lock(current, expected_lock_version)
    assign(current, data)
    current.status = Incident.Status.CLOSED
    # Never before the incident itself (its time may have been typed in slightly ahead of the server's clock).
    current.closed_at = max(now or timezone.now(), current.occurred_at)
    current.full_clean()
    record_actor(current, actor)
    current.save()
    return current
