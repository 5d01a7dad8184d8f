"""Governance: bodies, members, meetings and decisions; the rules (a følgegruppe follows a delaftale, one
bestyrelse, minutes are a PDF, a decision approves something of its own plan, after the report's time); who keeps
what; and the report's front page reading the bestyrelse's approval date from the decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helhedsplan.governance import services
from helhedsplan.governance.models import Body, Meeting, MeetingDecision
from helhedsplan.governance.selectors import report_approval
from helhedsplan.reports import documents as report_documents
from helhedsplan.reports.models import Report
from helhedsplan.reports.report import status_report
from tests.governance.factories import (
    MINUTES_PDF,
    BodyFactory,
    MeetingDecisionFactory,
    MeetingFactory,
    make_governance,
)
from tests.world import limited_to, snapshot

pytestmark = pytest.mark.django_db


def test_a_follow_up_group_follows_a_sub_agreement_and_other_bodies_do_not(amager_plan):
    with pytest.raises(ValidationError) as refusal:
        services.body_create(
            plan=amager_plan, data={"kind": "follow_up_group", "name": "Følgegruppe"}, actor=None
        )
    assert "En følgegruppe følger én delaftale" in str(refusal.value)
    sub_agreement = amager_plan.sub_agreements.first()
    with pytest.raises(ValidationError):
        services.body_create(
            plan=amager_plan,
            data={"kind": "steering_group", "name": "Styregruppe", "sub_agreement": sub_agreement},
            actor=None,
        )


def _board(plan) -> Body:
    """The plan's bestyrelse (the Amager plan file has one)."""
    return Body.objects.in_plan(plan).get(kind=Body.Kind.BOARD)


def test_one_board_per_plan(amager_plan):
    assert _board(amager_plan).is_example
    with pytest.raises(ValidationError) as refusal:
        services.body_create(plan=amager_plan, data={"kind": "board", "name": "Bestyrelsen B"}, actor=None)
    assert "Planen har allerede en bestyrelse." in str(refusal.value)


def test_another_plans_sub_agreement_or_document_is_refused(amager_plan, other_plan):
    from tests.documents.factories import document_with_version

    with pytest.raises(ValidationError) as refusal:
        services.body_create(
            plan=amager_plan,
            data={
                "kind": "follow_up_group",
                "name": "Fremmed",
                "sub_agreement": other_plan.sub_agreements.first(),
            },
            actor=None,
        )
    assert "sub_agreement" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        services.body_create(
            plan=amager_plan,
            data={
                "kind": "steering_group",
                "name": "Fremmed 2",
                "terms_of_reference_document": document_with_version(other_plan, title="Andet"),
            },
            actor=None,
        )
    assert "terms_of_reference_document" in refusal.value.message_dict


def _stored_report(plan, year: int) -> Report:
    return Report.objects.create(plan=plan, kind=Report.Kind.YEARLY, year=year)


def test_a_decision_approves_only_its_own_plans_report(amager_plan, other_plan):
    meeting = MeetingFactory(body=_board(amager_plan), date=datetime.date(2025, 3, 10))
    foreign = _stored_report(other_plan, 2024)
    before = snapshot()
    with pytest.raises(ValidationError) as refusal:
        services.meeting_decision_create(
            meeting=meeting, data={"text": "Godkender", "approves_report": foreign}, actor=None
        )
    assert refusal.value.message_dict["approves_report"] == ["Vælg en af planens egne."]
    assert snapshot() == before


def test_a_report_is_approved_by_the_board_after_its_time(amager_plan):
    report = _stored_report(amager_plan, 2024)
    group = BodyFactory(plan=amager_plan, kind=Body.Kind.STEERING_GROUP)
    with pytest.raises(ValidationError) as refusal:
        services.meeting_decision_create(
            meeting=MeetingFactory(body=group, date=datetime.date(2025, 3, 1)),
            data={"text": "Godkender", "approves_report": report},
            actor=None,
        )
    assert "Kun bestyrelsen godkender en rapport." in str(refusal.value)
    board = _board(amager_plan)
    with pytest.raises(ValidationError):
        services.meeting_decision_create(
            meeting=MeetingFactory(body=board, date=datetime.date(2024, 12, 1)),
            data={"text": "Godkender", "approves_report": report},
            actor=None,
        )


def test_the_report_front_page_reads_the_boards_approval_from_the_decision(amager_plan, personas, client_for):
    report = _stored_report(amager_plan, 2024)
    board = _board(amager_plan)
    meeting = MeetingFactory(body=board, date=datetime.date(2025, 3, 12))
    MeetingDecisionFactory(meeting=meeting, text="Årsrapporten for 2024 godkendes.", approves_report=report)
    approval = report_approval(report)
    assert approval is not None and approval.date == datetime.date(2025, 3, 12)
    data = status_report(report, as_of=datetime.date(2025, 6, 1))
    assert data.board_approved_on == datetime.date(2025, 3, 12)
    assert "Godkendt af bestyrelsen" not in data.gaps.report_fields
    page = client_for(personas.reviewer).get(
        reverse("reports:report", kwargs={"plan": amager_plan.slug, "period": "2024"})
    )
    html = page.content.decode()
    assert "12. marts 2025" in html and board.name in html
    from tests.reports.test_lbf_reports import pdf_text

    assert "12. marts 2025" in pdf_text(report_documents.report_pdf(data))


def test_minutes_must_be_a_pdf_by_content(amager_plan, personas, client_for):
    board = _board(amager_plan)
    client = client_for(personas.coordinator)
    address = reverse("governance:meeting_create", kwargs={"plan": amager_plan.slug, "body": board.pk})
    before = snapshot()
    response = client.post(
        address, {"date": "2025-03-12", "minutes": SimpleUploadedFile("referat.pdf", b"MZ\x90 not a pdf")}
    )
    assert response.status_code == 200
    assert "Filen er ikke en af de tilladte typer" in response.content.decode()
    assert snapshot() == before
    response = client.post(
        address, {"date": "2025-03-12", "minutes": SimpleUploadedFile("referat.pdf", MINUTES_PDF)}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(body=board, date=datetime.date(2025, 3, 12))
    download = client_for(personas.reviewer).get(
        reverse("governance:minutes", kwargs={"plan": amager_plan.slug, "pk": meeting.pk})
    )
    assert b"".join(download.streaming_content) == MINUTES_PDF


def test_editors_keep_only_the_follow_up_groups_of_their_sub_agreements(amager_plan, personas):
    make_governance(amager_plan)
    board = Body.objects.in_plan(amager_plan).get(kind=Body.Kind.BOARD)
    mine = Body.objects.in_plan(amager_plan).filter(sub_agreement=limited_to(personas)).first()
    other = (
        Body.objects.in_plan(amager_plan)
        .exclude(sub_agreement=limited_to(personas))
        .exclude(kind="board")
        .first()
    )
    keep = "plan.keep_governance"
    assert personas.limited_editor.has_perm(keep, mine)
    assert not personas.limited_editor.has_perm(keep, other)
    assert personas.editor.has_perm(keep, other)
    assert not personas.editor.has_perm(keep, board)
    assert personas.coordinator.has_perm(keep, board)
    assert not personas.reviewer.has_perm(keep, mine)
    decision = MeetingDecision.objects.filter(meeting__body=mine).first()
    assert personas.limited_editor.has_perm(keep, decision)


def test_the_pages_queries(amager_plan, personas, client_for, django_assert_num_queries):
    make_governance(amager_plan)
    client = client_for(personas.coordinator)
    bodies = reverse("governance:bodies", kwargs={"plan": amager_plan.slug})
    client.get(bodies)
    # Session, user; the plan with the membership, its limits; the bodies (with delaftale and document); their
    # members with organisations; their meetings.
    with django_assert_num_queries(7):
        assert client.get(bodies).status_code == 200
    board = Body.objects.in_plan(amager_plan).get(kind=Body.Kind.BOARD)
    body = reverse("governance:body", kwargs={"plan": amager_plan.slug, "pk": board.pk})
    # Session, user, plan with membership, limits; the body; its members; its meetings; their decisions.
    with django_assert_num_queries(8):
        assert client.get(body).status_code == 200
    meeting = Meeting.objects.filter(body=board).first()
    page = reverse("governance:meeting", kwargs={"plan": amager_plan.slug, "pk": meeting.pk})
    # Session, user, plan with membership, limits; the meeting with its body; its decisions with what they approve.
    with django_assert_num_queries(6):
        assert client.get(page).status_code == 200


def test_the_bestyrelse_approves_a_version_of_its_own_plan_and_the_meeting_page_links_it(
    amager_plan, other_plan, personas, client_for
):
    """A decision may approve a version of the plan (the link issue 20's sign-off reads): only the bestyrelse's,
    only a version of its own plan, and one thing per decision."""
    from helhedsplan.versions.models import PlanVersion

    version = PlanVersion.objects.of_plan(amager_plan).get(number=1)  # the plan file's approved version
    board_meeting = MeetingFactory(body=_board(amager_plan), date=datetime.date(2025, 3, 12))
    steering_meeting = MeetingFactory(body=BodyFactory(plan=amager_plan, kind=Body.Kind.STEERING_GROUP))
    other_board = Body.objects.in_plan(other_plan).filter(kind=Body.Kind.BOARD).first()
    other_meeting = MeetingFactory(body=other_board or BodyFactory(plan=other_plan, kind=Body.Kind.BOARD))
    report = _stored_report(amager_plan, 2024)
    refused = [
        (steering_meeting, {"approves_version": version}, "Kun bestyrelsen godkender en version af planen."),
        (other_meeting, {"approves_version": version}, "Vælg en af planens egne."),
    ]
    before = snapshot()
    for meeting, data, message in refused:
        with pytest.raises(ValidationError) as refusal:
            services.meeting_decision_create(meeting=meeting, data={"text": "Godkender", **data}, actor=None)
        assert refusal.value.message_dict["approves_version"] == [message]
    with pytest.raises(ValidationError):
        services.meeting_decision_create(
            meeting=board_meeting,
            data={"text": "Godkender", "approves_version": version, "approves_report": report},
            actor=None,
        )
    assert snapshot() == before

    decision = services.meeting_decision_create(
        meeting=board_meeting, data={"text": "Version 1 godkendes.", "approves_version": version}, actor=None
    )
    assert decision.approval_targets() == [version]
    page = client_for(personas.reviewer).get(board_meeting.get_absolute_url()).content.decode()
    assert version.get_absolute_url() in page and "Godkender" in page
