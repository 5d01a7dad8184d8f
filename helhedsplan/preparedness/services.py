"""Writes of the incident log. Both lock the incident first, so a log entry can never slip in after closing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from helhedsplan.core.history import changes_since
from helhedsplan.core.services import EditConflict

from .models import Incident, IncidentLogEntry


class IncidentClosed(Exception):
    """The incident is closed: its log and evaluation are final."""


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def add_log_entry(
    incident: Incident,
    *,
    text: str,
    at: datetime.datetime,
    user,
    action_owner: str = "",
    deadline: datetime.datetime | None = None,
) -> IncidentLogEntry:
    """Add a line to an open incident's log; ``IncidentClosed`` if it has been closed."""
    if not _lock(incident).is_open:
        raise IncidentClosed
    return IncidentLogEntry.objects.create(
        incident=incident, text=text, at=at, action_owner=action_owner, deadline=deadline, entered_by=user
    )


@transaction.atomic
def close_incident(
    incident: Incident,
    *,
    what_worked: str,
    lessons: str,
    plan_changes: str = "",
    expected_lock_version: int,
    now: datetime.datetime | None = None,
) -> Incident:
    """Close an open incident with its evaluation.

    ``IncidentClosed`` if someone closed it already; ``EditConflict`` if it was changed after the version the
    user saw (e.g. a coordinator corrected the level meanwhile), so the evaluation is written knowing it.
    """
    current = _lock(incident)
    if not current.is_open:
        raise IncidentClosed
    if current.lock_version != expected_lock_version:
        raise EditConflict(changes_since(current, expected_lock_version), current.lock_version)
    current.status = Incident.Status.CLOSED
    # Never before the incident itself (its time may have been typed in slightly ahead of the server's clock).
    current.closed_at = max(now or timezone.now(), current.occurred_at)
    current.evaluation_what_worked = what_worked
    current.evaluation_lessons = lessons
    current.evaluation_plan_changes = plan_changes
    current.save()
    return current
