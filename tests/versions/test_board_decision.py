"""The bestyrelse's sign-off comes from its decision (governance's ``MeetingDecision.approves_version``): the
meeting's date, its minutes as evidence, where it is documented — typed once, in the decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from helhedsplan.governance import services as governance
from helhedsplan.governance.models import Body, MeetingDecision
from helhedsplan.versions.models import PlanVersion, Signoff
from tests.governance.factories import BodyFactory, MeetingFactory
from tests.versions.factories import PDF, submit_version

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 12)


def board_meeting(plan, *, minutes: bool = True):
    body = Body.objects.filter(plan=plan, kind=Body.Kind.BOARD).first() or BodyFactory(
        plan=plan, kind=Body.Kind.BOARD, name="Bestyrelsen"
    )
    meeting = MeetingFactory(body=body, date=DAY)
    if minutes:
        meeting.minutes.save("referat.pdf", ContentFile(PDF), save=True)
    return meeting


def board_signoff(version) -> Signoff:
    return Signoff.objects.get(version=version, party=Signoff.Party.BOARD)


def test_a_decision_approving_a_submitted_version_records_the_bestyrelses_sign_off(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    meeting = board_meeting(amager_plan)

    decision = governance.meeting_decision_create(
        meeting=meeting,
        data={"text": "Version 2 godkendes.", "approves_version": version},
        actor=personas.coordinator,
    )

    signoff = board_signoff(version)
    assert (signoff.decision, signoff.decided_on, signoff.outside_app) == ("approved", DAY, True)
    assert signoff.body == meeting.body.name and signoff.recorded_by == personas.coordinator
    assert decision.get_absolute_url() in signoff.evidence_reference
    # The minutes are copied: the sign-off keeps its evidence if the meeting's file is replaced.
    assert signoff.evidence.name != meeting.minutes.name
    with signoff.evidence.open("rb") as stored:
        assert stored.read() == PDF
    # The other parties still decide: the version awaits them.
    assert PlanVersion.objects.get(pk=version.pk).status == "submitted"


def test_a_decision_without_minutes_is_documented_by_its_reference(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    meeting = board_meeting(amager_plan, minutes=False)
    governance.meeting_decision_create(
        meeting=meeting, data={"text": "Godkendt.", "approves_version": version}, actor=personas.coordinator
    )
    signoff = board_signoff(version)
    assert signoff.decision == "approved" and not signoff.evidence
    assert "Godkendt." in signoff.evidence_reference


def test_a_decision_changed_to_approve_the_version_records_it_once(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    decision = governance.meeting_decision_create(
        meeting=board_meeting(amager_plan), data={"text": "Drøftet."}, actor=personas.coordinator
    )
    assert board_signoff(version).decision == "awaiting"
    decision = governance.meeting_decision_update(
        meeting_decision=decision,
        data={"text": "Godkendt.", "approves_version": version},
        expected_lock_version=decision.lock_version,
        actor=personas.coordinator,
    )
    recorded = board_signoff(version)
    assert recorded.decision == "approved"
    # Editing the decision's text again does not record a second time (a sign-off is decided once).
    governance.meeting_decision_update(
        meeting_decision=decision,
        data={"text": "Godkendt enstemmigt.", "approves_version": version},
        expected_lock_version=decision.lock_version,
        actor=personas.coordinator,
    )
    assert board_signoff(version).recorded_at == recorded.recorded_at


def test_who_may_not_record_the_bestyrelses_decision_saves_no_decision(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    meeting = board_meeting(amager_plan)
    with pytest.raises(ValidationError) as refused:
        governance.meeting_decision_create(
            meeting=meeting, data={"text": "Godkendt.", "approves_version": version}, actor=personas.editor
        )
    assert "Du må ikke registrere denne parts beslutning." in refused.value.messages
    assert not MeetingDecision.objects.filter(meeting=meeting).exists()
    assert board_signoff(version).decision == "awaiting"


def test_a_decision_about_a_version_already_decided_only_links_it(amager_plan, personas):
    """Amager's version 1, approved in 2021 and recorded from its plan file: its sign-offs stay as recorded."""
    first = PlanVersion.objects.get(plan=amager_plan, number=1)
    before = list(first.signoffs.values_list("pk", "decision", "decided_on", "evidence_reference"))
    decision = governance.meeting_decision_create(
        meeting=board_meeting(amager_plan), data={"text": "Godkendt.", "approves_version": first}, actor=None
    )
    assert decision.approves_version == first
    assert list(first.signoffs.values_list("pk", "decision", "decided_on", "evidence_reference")) == before
