"""Writes of the governance pages: bodies, their members, meetings (with their minutes file) and decisions.

Every write runs in one transaction and validates through the model (a følgegruppe follows a delaftale, one
bestyrelse, the minutes are a PDF, a decision approves something of its own plan). Minutes that are replaced or
removed leave storage only once the new state is committed.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from helhedsplan.core.services import (
    Data,
    file_delete_after_commit,
    object_create,
    object_delete,
    object_update,
)
from helhedsplan.plans.models import Plan
from helhedsplan.plans.signals import version_approved_by_board

from .models import Body, BodyMember, Meeting, MeetingDecision

# Bodies ---------------------------------------------------------------------------------------------------


def body_create(*, plan: Plan, data: Data, actor: Any) -> Body:
    return object_create(Body(plan=plan), data=data, actor=actor)


def body_update(*, body: Body, data: Data, expected_lock_version: int | None, actor: Any) -> Body:
    return object_update(body, data=data, expected_lock_version=expected_lock_version, actor=actor)


@transaction.atomic
def body_delete(*, body: Body, actor: Any) -> None:
    """Delete the body with its members, meetings and decisions, and once committed the meetings' minutes."""
    stored = [(m.minutes.storage, m.minutes.name) for m in body.meetings.all() if m.minutes]
    object_delete(body, actor=actor)
    for storage, name in stored:
        file_delete_after_commit(storage, name)


# Members --------------------------------------------------------------------------------------------------


def body_member_create(*, body: Body, data: Data, actor: Any) -> BodyMember:
    return object_create(BodyMember(body=body), data=data, actor=actor)


def body_member_update(
    *, body_member: BodyMember, data: Data, expected_lock_version: int | None, actor: Any
) -> BodyMember:
    return object_update(body_member, data=data, expected_lock_version=expected_lock_version, actor=actor)


def body_member_delete(*, body_member: BodyMember, actor: Any) -> None:
    object_delete(body_member, actor=actor)


# Meetings -------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, body: Body, data: Data, minutes: File | None = None, actor: Any) -> Meeting:
    """A meeting of ``body``, with its minutes (a PDF) when given."""
    meeting = Meeting(body=body)
    if minutes is not None:
        meeting.minutes = minutes
    return object_create(meeting, data=data, actor=actor)


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    data: Data,
    minutes: File | None = None,
    remove_minutes: bool = False,
    expected_lock_version: int | None,
    actor: Any,
) -> Meeting:
    """Change a meeting; ``minutes`` replaces the stored file, ``remove_minutes`` drops it."""
    old_name = Meeting.objects.values_list("minutes", flat=True).get(pk=meeting.pk)
    if minutes is not None:
        meeting.minutes = minutes
    elif remove_minutes:
        meeting.minutes = ""
    saved = object_update(meeting, data=data, expected_lock_version=expected_lock_version, actor=actor)
    if old_name and old_name != saved.minutes.name:
        file_delete_after_commit(saved.minutes.storage, old_name)
    return saved


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor: Any) -> None:
    name, storage = meeting.minutes.name, meeting.minutes.storage
    object_delete(meeting, actor=actor)
    file_delete_after_commit(storage, name)


# Decisions ------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_decision_create(*, meeting: Meeting, data: Data, actor: Any) -> MeetingDecision:
    decision = object_create(MeetingDecision(meeting=meeting), data=data, actor=actor)
    _announce_version_approval(decision, previous_version_id=None, actor=actor)
    return decision


@transaction.atomic
def meeting_decision_update(
    *, meeting_decision: MeetingDecision, data: Data, expected_lock_version: int | None, actor: Any
) -> MeetingDecision:
    previous = MeetingDecision.objects.values_list("approves_version_id", flat=True).get(
        pk=meeting_decision.pk
    )
    decision = object_update(
        meeting_decision, data=data, expected_lock_version=expected_lock_version, actor=actor
    )
    _announce_version_approval(decision, previous_version_id=previous, actor=actor)
    return decision


def _announce_version_approval(
    decision: MeetingDecision, *, previous_version_id: int | None, actor: Any
) -> None:
    """A decision that now approves a version of the plan is the bestyrelse's sign-off of it: told to plan
    versions (``plans.signals``: the two apps do not import each other) inside this transaction, so its date and
    minutes are recorded once, here, and a refusal undoes the decision."""
    if decision.approves_version_id is None or decision.approves_version_id == previous_version_id:
        return
    meeting = decision.meeting
    reference = _("Decision of %(meeting)s: %(text)s (%(url)s)") % {
        "meeting": meeting,
        "text": decision,
        "url": decision.get_absolute_url(),
    }
    version_approved_by_board.send(
        sender=MeetingDecision,
        version_id=decision.approves_version_id,
        body=meeting.body.name,
        decided_on=meeting.date,
        minutes=meeting.minutes,
        reference=reference[:500],
        actor=actor,
    )


def meeting_decision_delete(*, meeting_decision: MeetingDecision, actor: Any) -> None:
    object_delete(meeting_decision, actor=actor)
