"""What the governance pages read, and the one read other apps make of it: the bestyrelse's approval of a
report (the report's front page), read from the decision that approved it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from helhedsplan.plans.models import Plan

from .models import Body, BodyMember, Meeting, MeetingDecision


def bodies_with_members(plan: Plan):
    """The plan's bodies with their delaftale, kommissorium document, members (with organisation) and meetings
    (newest first): four queries."""
    return (
        Body.objects.in_plan(plan)
        .select_related("plan", "sub_agreement", "terms_of_reference_document")
        .prefetch_related(
            Prefetch("members", queryset=BodyMember.objects.select_related("organisation")),
            Prefetch("meetings", queryset=Meeting.objects.order_by("-date", "-pk")),
        )
    )


@dataclass(frozen=True)
class BoardApproval:
    """The bestyrelse's approval of a report: the meeting's date, the body, the decision."""

    date: datetime.date
    body_name: str
    decision_text: str
    meeting_pk: int


def report_approval(report) -> BoardApproval | None:
    """The latest approval of ``report`` (a ``reports.Report``) by the plan's bestyrelse, or None (one query; none
    for a report not stored)."""
    if report.pk is None:
        return None
    decision = (
        MeetingDecision.objects.filter(approves_report=report, meeting__body__kind=Body.Kind.BOARD)
        .select_related("meeting__body")
        .order_by("-meeting__date", "-pk")
        .first()
    )
    if decision is None:
        return None
    return BoardApproval(
        date=decision.meeting.date,
        body_name=decision.meeting.body.name,
        decision_text=decision.text,
        meeting_pk=decision.meeting_id,
    )
