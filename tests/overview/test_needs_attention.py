"""'Kræver opmærksomhed' on the dashboard: each kind of item appears when it should and goes when it is dealt
with, most urgent first, each with a link — and an empty plan is never shown as all well."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from helhedsplan.agreements.models import FocusArea
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import ActualSpend
from helhedsplan.goals.models import Activity, Indicator
from helhedsplan.overview import selectors
from helhedsplan.overview.views import DashboardView
from helhedsplan.planfiles.demo import AMAGER_SLUG
from helhedsplan.preparedness.models import Incident
from tests.approvals.factories import ApprovalStepFactory
from tests.budget.factories import ActualSpendFactory
from tests.goals.factories import ActivityFactory, MeasurementFactory
from tests.plans.factories import MembershipFactory, PlanFactory, UserFactory
from tests.preparedness.factories import ContactFactory, IncidentFactory
from tests.reports.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 1, 15)


@pytest.fixture
def complete(amager_plan, personas, monkeypatch):
    """The Amager plan with what needs attention on TODAY dealt with: nothing does."""
    monkeypatch.setattr(DashboardView, "today", lambda self: TODAY)
    plan = amager_plan
    # The key figure measured every four years has no measurement yet: one (an example), next due in 2027.
    figure = Indicator.objects.get(name="Valgdeltagelse ved kommunalvalg")
    MeasurementFactory(indicator=figure, date=datetime.date(2023, 12, 1))
    # Støberigården I+II's decision, expected 4 November 2021, taken (and so the estates' approval step done).
    decision = EstateDecision.objects.get(estate__plan=plan, estate__name="Støberigården I+II")
    decision.result, decision.date = EstateDecision.Result.APPROVED, datetime.date(2021, 11, 4)
    decision.save()
    # The reports to Landsbyggefonden of the finished years, approved.
    for year in (2022, 2023):
        SubmissionFactory(report__plan=plan, report__year=year, outcome="approved")
    return plan


def attention(client, personas, role="coordinator"):
    client.force_login(personas[role])
    response = client.get(reverse("overview:dashboard", kwargs={"plan": AMAGER_SLUG}))
    assert response.status_code == 200
    return response.context["attention"], response.content.decode()


def kinds(found) -> list[str]:
    return [group.kind for group in found.groups]


def titles(found, kind: str) -> list[str]:
    return [item.title for item in found.of(kind)]


def test_a_complete_plan_on_time_needs_no_attention(client, complete, personas):
    found, html = attention(client, personas)

    assert found.count == 0
    assert "Intet kræver opmærksomhed" in html


def test_an_empty_plan_lists_its_missing_parts_never_all_well(client):
    plan = PlanFactory(slug="ny")
    user = MembershipFactory(plan=plan, user=UserFactory(password=None), role="coordinator").user
    client.force_login(user)

    response = client.get(reverse("overview:dashboard", kwargs={"plan": "ny"}))

    html = response.content.decode()
    found = response.context["attention"]
    assert titles(found, "setup") == [
        "Ingen delaftaler",
        "Intet budget",
        "Ingen finansieringskilder",
        "Ingen boligafdelinger",
        "Ingen godkendelsestrin",
        "Ingen beredskabsplan",
    ]
    assert "Planen er ikke færdig endnu" in html
    assert "Intet kræver opmærksomhed" not in html
    assert "I balance" not in html
    assert f'href="{reverse("budget:overview", kwargs={"plan": "ny"})}"' in html


def test_missing_parts_go_as_they_are_added(client, complete, personas):
    found, _html = attention(client, personas)
    assert "setup" not in kinds(found)

    complete.approval_steps.all().delete()
    complete.budget_lines.all().delete()

    found, _html = attention(client, personas)
    assert titles(found, "setup") == ["Intet budget", "Ingen godkendelsestrin"]


def test_open_incidents_come_first_akut_first_and_go_when_closed(client, complete, personas):
    levels = complete.preparedness_plan.levels
    normal, akut = levels.get(name="Normal"), levels.get(name="Akut")  # levels 1 and 3
    now = timezone.now()
    IncidentFactory(plan=complete, level=normal, summary="Hærværk i kælderen", occurred_at=now)
    fire = IncidentFactory(
        plan=complete,
        level=akut,
        summary="Brand i opgang 4",
        occurred_at=now - datetime.timedelta(hours=5),
    )

    found, html = attention(client, personas)
    assert kinds(found)[0] == "incidents"
    assert [item.subject for item in found.of("incidents")][0] == fire  # akut first, though older
    assert "niveau Akut, stadig åben" in html
    assert f'href="{fire.get_absolute_url()}"' in html

    fire.status, fire.closed_at = Incident.Status.CLOSED, now
    fire.save()
    Incident.objects.filter(level=normal).update(status=Incident.Status.CLOSED, closed_at=now)

    found, _html = attention(client, personas)
    assert "incidents" not in kinds(found)


def test_approvals_past_their_expected_date_appear_and_go(client, complete, personas):
    # Landsbyggefonden's decision, expected by December 2023; Støberigården I+II's, as the plan file has it.
    step = complete.approval_steps.get(title="Landsbyggefondens endelige behandling")
    step.date, step.date_is_expected = datetime.date(2023, 12, 1), True
    step.save()
    decision = EstateDecision.objects.get(estate__plan=complete, estate__name="Støberigården I+II")
    decision.result, decision.date = EstateDecision.Result.PENDING, None
    decision.save()
    assert (decision.body, decision.expected_date) == (
        EstateDecision.Body.DEPARTMENT_BOARD,
        datetime.date(2021, 11, 4),
    )

    found, html = attention(client, personas)
    # The longest overdue first: the estates' approval step and Støberigården I+II's decision, both expected
    # 4 November 2021 (the step first), then Landsbyggefonden's expected December 2023.
    assert titles(found, "approvals") == [
        "Boligafdelingerne godkender helhedsplanen",
        "Støberigården I+II",
        "Landsbyggefondens endelige behandling",
    ]
    assert "beslutningen (afdelingsbestyrelse) var forventet 4. november 2021" in html
    assert "forventet 1. december 2023, stadig afventer beslutning" in html
    assert f'href="{step.get_absolute_url()}"' in html

    step.status = ApprovalStep.Status.DONE
    step.save()
    decision.result, decision.date = EstateDecision.Result.APPROVED, datetime.date(2021, 11, 4)
    decision.save()

    found, _html = attention(client, personas)
    assert "approvals" not in kinds(found)


def test_measurements_due_appear_and_go_when_measured(client, complete, personas):
    indicator = Indicator.objects.get(name="Deltagere i mødregrupper")
    indicator.measurement_interval_months = 1
    indicator.save()  # measured 31 December 2023, so due 31 January 2024

    found, _html = attention(client, personas)
    assert "measurements" not in kinds(found)

    later = datetime.date(2024, 3, 1)
    found = selectors.dashboard(complete, later).attention
    assert titles(found, "measurements") == ["Deltagere i mødregrupper"]

    MeasurementFactory(indicator=indicator, date=datetime.date(2024, 2, 20), value=Decimal(46))
    found = selectors.dashboard(complete, later).attention
    assert "measurements" not in kinds(found)


def test_activities_past_their_end_appear_and_go_when_completed(client, complete, personas):
    late = ActivityFactory(
        sub_agreement=complete.sub_agreements.get(focus_area=FocusArea.EDUCATION),
        name="Sommerskole",
        end_date=datetime.date(2023, 8, 31),
    )

    found, html = attention(client, personas)
    assert titles(found, "activities") == ["Sommerskole"]
    assert f'href="{late.get_absolute_url()}"' in html

    late.status = Activity.Status.COMPLETED
    late.save()

    found, _html = attention(client, personas)
    assert "activities" not in kinds(found)


def test_a_finished_year_without_actual_spend_appears_and_goes(client, complete, personas):
    found, _html = attention(client, personas)
    assert "actual_spend" not in kinds(found)

    in_2025 = datetime.date(2025, 3, 1)
    assert "actual_spend" not in kinds(selectors.dashboard(complete, in_2025).attention)
    ActualSpend.objects.filter(line__plan=complete, year=2024).delete()  # 2024's not yet recorded
    found = selectors.dashboard(complete, in_2025).attention
    assert titles(found, "actual_spend") == ["Faktisk forbrug 2024"]
    assert found.of("actual_spend")[0].url.endswith("/budget/#finished-year-2024")

    ActualSpendFactory(line=complete.budget_lines.first(), year=2024, amount=Decimal(99000))
    found = selectors.dashboard(complete, in_2025).attention
    assert "actual_spend" not in kinds(found)


def test_contacts_not_verified_in_a_year_appear_for_editors_not_reviewers(client, complete, personas):
    contact = ContactFactory(
        preparedness_plan=complete.preparedness_plan,
        name="Hanne Hansen",
        last_verified=datetime.date(2022, 11, 1),
    )
    ContactFactory(preparedness_plan=complete.preparedness_plan, name="Ny Kontakt", last_verified=None)

    found, html = attention(client, personas, role="editor")
    # Never verified first, then the oldest.
    assert [item.subject for item in found.of("contacts")][1] == contact
    assert "sidst bekræftet 1. november 2022" in html and "aldrig bekræftet" in html

    found, html = attention(client, personas, role="reviewer")
    assert "contacts" not in kinds(found)
    assert "Hanne Hansen" not in html

    contact.last_verified = datetime.date(2024, 1, 10)
    contact.save()
    found, _html = attention(client, personas, role="editor")
    assert [item.subject.name for item in found.of("contacts")] == ["Ny Kontakt"]


def test_the_kinds_come_most_urgent_first(client, complete, personas):
    plan = complete
    IncidentFactory(plan=plan, level=plan.preparedness_plan.levels.get(name="Akut"))
    ApprovalStepFactory(
        plan=plan,
        order=7,
        status=ApprovalStep.Status.PENDING,
        date=datetime.date(2023, 1, 1),
        date_is_expected=True,
    )
    ActivityFactory(
        sub_agreement=plan.sub_agreements.get(focus_area=FocusArea.EDUCATION),
        end_date=datetime.date(2023, 1, 1),
    )
    ContactFactory(preparedness_plan=plan.preparedness_plan, last_verified=None)
    ActualSpend.objects.filter(line__plan=plan, year=2023).delete()

    found, html = attention(client, personas)

    assert kinds(found) == ["incidents", "approvals", "activities", "actual_spend", "contacts"]
    positions = [html.index(f'id="attention-{kind}"') for kind in kinds(found)]
    assert positions == sorted(positions)


def test_reports_overdue_returned_and_due_appear_and_go(client, complete, personas):
    from helhedsplan.reports.models import Report, Submission

    # The world's 2023 report was approved; an answer never changes (the frozen rule), so this setup rewrites
    # it under the rule (the base manager), as it removes the 2022 report below.
    Submission._base_manager.filter(report__plan=complete, report__year=2023).update(outcome="returned")
    Report.objects.get(plan=complete, year=2022).submissions.all()._raw_delete(Submission.objects.db)
    Report.objects.filter(plan=complete, year=2022).delete()

    # The returned report heads the coordinator's list ("Afventer dit svar"); the overdue one follows.
    found, html = attention(client, personas)
    assert kinds(found)[0] == "your-answer"
    assert titles(found, "your-answer") == ["Årsrapport 2023"]
    assert titles(found, "reports") == ["Årsrapport 2022"]
    assert "Afventer dit svar" in html
    assert "overskredet siden 30. juni 2023" in html
    assert "sendt retur af Landsbyggefonden: svar og indsend igen" in html
    assert reverse("reports:report", kwargs={"plan": complete.slug, "period": "2022"}) in html

    SubmissionFactory(report__plan=complete, report__year=2022, outcome="approved")
    SubmissionFactory(report=Report.objects.get(plan=complete, year=2023), outcome="approved")
    found, _html = attention(client, personas)
    assert "reports" not in kinds(found)
    assert "your-answer" not in kinds(found)


def test_a_report_awaiting_an_answer_heads_the_reviewers_list_and_no_one_elses(client, complete, personas):
    from helhedsplan.reports.models import Report

    report = Report.objects.get(plan=complete, year=2023)
    awaiting = SubmissionFactory(report=report, outcome="awaiting")

    found, html = attention(client, personas, role="reviewer")
    assert kinds(found)[0] == "your-answer"
    assert titles(found, "your-answer") == ["Årsrapport 2023"]
    assert "Afventer dit svar" in html
    assert "indsendt" in html and "godkend den, eller send den retur med en kommentar" in html
    assert reverse("reports:report", kwargs={"plan": complete.slug, "period": "2023"}) in html

    # The coordinator and the editor wait for Landsbyggefonden: not theirs to answer.
    for role in ("coordinator", "editor"):
        found, _html = attention(client, personas, role=role)
        assert "your-answer" not in kinds(found), role

    # Answered: gone from the reviewer's list.
    from helhedsplan.reports import services

    services.submission_answer(submission=awaiting, outcome="approved", comment="", actor=personas.reviewer)
    found, _html = attention(client, personas, role="reviewer")
    assert "your-answer" not in kinds(found)
