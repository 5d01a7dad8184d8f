"""A yearly report goes to the bestyrelse before it is submitted ("Send til bestyrelsen"): it is stored as a draft,
so the decision of the board's meeting can approve it, and the submitted report's front page and frozen document
carry the board's approval date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from helhedsplan.governance.models import Body
from helhedsplan.planfiles.importer import delete_plan
from helhedsplan.plans.models import Plan
from helhedsplan.reports import documents, services
from helhedsplan.reports.models import Report
from tests.governance.factories import BodyFactory, MeetingDecisionFactory, MeetingFactory
from tests.reports.test_lbf_reports import pdf_text
from tests.versions.factories import forget_versions
from tests.world import client_for, snapshot

pytestmark = pytest.mark.django_db


def url(plan, name: str, period: str = "2024") -> str:
    return reverse(f"reports:{name}", kwargs={"plan": plan.slug, "period": period})


def board_of(plan) -> Body:
    return Body.objects.in_plan(plan).filter(kind=Body.Kind.BOARD).first() or BodyFactory(
        plan=plan, kind=Body.Kind.BOARD, name="Bestyrelsen"
    )


def test_the_coordinator_sends_the_report_to_the_board_and_its_approval_is_in_the_submitted_pdf(
    amager_plan, personas
):
    coordinator = client_for(personas.coordinator)
    page = coordinator.get(url(amager_plan, "report")).content.decode()
    assert 'id="board-approval"' in page and "Send til bestyrelsen" in page
    action = url(amager_plan, "report_draft_create")
    assert f'action="{action}"' in page

    response = coordinator.post(action, follow=True)
    assert "Rapporten er klar til bestyrelsen" in response.content.decode()
    report = Report.objects.get(plan=amager_plan, kind="yearly", year=2024)
    # A draft with no texts of its own (a yearly report has none) and no submission.
    assert (report.conclusion, report.anchoring, report.board_approved_on) == ("", "", None)
    assert not report.submissions.exists()
    page = coordinator.get(url(amager_plan, "report")).content.decode()
    assert "Send til bestyrelsen</button>" not in page
    assert reverse("governance:bodies", kwargs={"plan": amager_plan.slug}) in page

    # The decision form of the board's meeting offers the report; the decision approves it.
    meeting = MeetingFactory(body=board_of(amager_plan), date=datetime.date(2025, 3, 12))
    decision_url = reverse(
        "governance:decision_create", kwargs={"plan": amager_plan.slug, "meeting": meeting.pk}
    )
    form = coordinator.get(decision_url).content.decode()
    assert f'<option value="{report.pk}">Årsrapport 2024</option>' in form
    response = coordinator.post(
        decision_url, {"text": "Bestyrelsen godkender årsrapporten for 2024.", "approves_report": report.pk}
    )
    assert response.status_code == 302
    page = coordinator.get(url(amager_plan, "report")).content.decode()
    assert '<span id="board-approved-on">12. marts 2025</span>' in page
    assert 'id="board-approval"' not in page  # nothing left to ask of the board

    # Submitted: the frozen document the PDF is made from carries the approval, and so does the stored page.
    submission = services.report_submit(
        plan=amager_plan, kind="yearly", year=2024, actor=personas.coordinator, gaps_confirmed=True
    )
    assert submission.report == report
    assert '<span id="board-approved-on">12. marts 2025</span>' in submission.pdf_html
    assert "12. marts 2025" in submission.stored_html
    assert "12. marts 2025" in pdf_text(documents.pdf_from_html(submission.pdf_html))


def test_only_a_coordinator_sends_a_report_to_the_board(amager_plan, personas):
    action = url(amager_plan, "report_draft_create")
    before = snapshot()
    for who in (personas.editor, personas.limited_editor, personas.reviewer):
        assert 'id="board-approval"' not in client_for(who).get(url(amager_plan, "report")).content.decode()
        assert client_for(who).post(action).status_code == 403
    assert client_for(personas.outsider).post(action).status_code == 404
    assert snapshot() == before


def test_another_plans_report_is_not_found(amager_plan, other_plan, personas):
    before = snapshot()
    response = client_for(personas.coordinator).post(url(other_plan, "report_draft_create"))
    assert response.status_code == 404
    assert snapshot() == before


def test_a_report_goes_to_the_board_once_and_only_after_its_time(amager_plan, personas, monkeypatch):
    coordinator = client_for(personas.coordinator)
    action = url(amager_plan, "report_draft_create")
    assert coordinator.post(action).status_code == 302
    before = snapshot()
    response = coordinator.post(action, follow=True)
    assert "Rapporten er allerede sendt til bestyrelsen" in response.content.decode()
    assert snapshot() == before

    # While the year runs, the report does not go to the board (nor is the button shown).
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2025, 6, 1))
    assert 'id="board-approval"' not in coordinator.get(url(amager_plan, "report", "2025")).content.decode()
    response = coordinator.post(url(amager_plan, "report_draft_create", "2025"), follow=True)
    assert "Årsrapporten for 2025 kan sendes til bestyrelsen, når året er omme." in response.content.decode()
    assert snapshot() == before
    with pytest.raises(ValidationError):
        services.report_draft_create(
            plan=amager_plan,
            kind="final",
            year=None,
            actor=personas.coordinator,
            today=datetime.date(2025, 6, 1),
        )
    assert snapshot() == before


def test_a_submitted_report_is_not_sent_to_the_board_again(amager_plan, personas):
    services.report_submit(
        plan=amager_plan, kind="yearly", year=2023, actor=personas.coordinator, gaps_confirmed=True
    )
    coordinator = client_for(personas.coordinator)
    assert 'id="board-approval"' not in coordinator.get(url(amager_plan, "report", "2023")).content.decode()
    before = snapshot()
    response = coordinator.post(url(amager_plan, "report_draft_create", "2023"), follow=True)
    assert "Rapporten er allerede sendt til bestyrelsen" in response.content.decode()
    assert snapshot() == before


def test_a_report_sent_to_the_board_goes_with_its_plan(amager_plan, personas):
    """A draft report (and the board's decision approving it) does not keep its plan from being deleted."""
    forget_versions(amager_plan)  # the plan file's approved version would keep the plan
    report = services.report_draft_create(
        plan=amager_plan, kind="yearly", year=2024, actor=personas.coordinator
    )
    meeting = MeetingFactory(body=board_of(amager_plan), date=datetime.date(2025, 3, 12))
    MeetingDecisionFactory(meeting=meeting, text="Årsrapporten for 2024 godkendes.", approves_report=report)

    delete_plan(amager_plan)

    assert not Plan.objects.filter(pk=amager_plan.pk).exists()
    assert not Report.objects.filter(pk=report.pk).exists()


def test_a_submitted_report_keeps_its_plan_beside_one_sent_to_the_board(amager_plan, personas):
    forget_versions(amager_plan)
    services.report_draft_create(plan=amager_plan, kind="yearly", year=2024, actor=personas.coordinator)
    services.report_submit(
        plan=amager_plan, kind="yearly", year=2023, actor=personas.coordinator, gaps_confirmed=True
    )
    before = snapshot()
    with pytest.raises(ProtectedError):
        delete_plan(amager_plan)
    assert snapshot() == before
