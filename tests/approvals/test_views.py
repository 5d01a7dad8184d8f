"""The approvals overview: every estate's decision, 'n af 19 godkendt' as of a chosen day, the steps in order."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.plans.models import Membership
from tests.approvals.factories import (
    AMAGER_ASSOCIATION_UNKNOWN,
    STOBERIGARDEN,
    ApprovalStepFactory,
    EstateDecisionFactory,
)
from tests.plans.factories import EstateFactory, MembershipFactory, PlanFactory

pytestmark = pytest.mark.django_db

SEPT_27 = datetime.date(2021, 9, 27)
NOV_4 = datetime.date(2021, 11, 4)


def overview(client, plan, **params):
    return client.get(reverse("approvals:overview", kwargs={"plan": plan.slug}), params)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def approved_text(approved: int, total: int) -> str:
    with translation.override("da"):
        return gettext("%(approved)s of %(total)s approved") % {"approved": approved, "total": total}


def test_on_27_september_2021_eighteen_of_nineteen_have_approved(client, amager_plan, personas):
    plan = amager_plan
    client.force_login(personas.coordinator)

    response = overview(client, plan, dato="2021-09-27")

    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.approved_count, summary.total) == (18, 19)
    page = text_of(response)
    assert 'data-approved="18" data-total="19"' in page
    assert approved_text(18, 19) in page
    pending = re.search(r'<ul class="mb-0" id="pending-estates">(.*?)</ul>', page).group(1)
    assert "Støberigården I+II (VIBO)" in pending
    assert "4. november 2021" in pending
    assert pending.count("<li>") == 1
    # Every estate is listed, with its housing association, and its decision's note (which says what is fact and
    # what is example) is linked from its row and listed once below the table.
    notes = summary.notes
    for state in summary.estates:
        assert f'<th scope="row">{state.estate.name}' in page
        if state.decision and state.decision.note:
            row = re.search(rf'<tr id="estate-{state.estate.pk}">(.*?)</tr>', page).group(1)
            assert f'href="#decision-note-{notes[state.decision.note]}"' in row
    for number in notes.values():
        assert f'<li id="decision-note-{number}">' in page


def test_an_estate_whose_housing_association_no_source_gives_says_so(client, amager_plan, personas):
    plan = amager_plan
    gullandsgaarden = plan.estates.get(name="Gullandsgården")
    # Pending, so that it is also listed among the estates awaiting a decision.
    gullandsgaarden.decisions.update(result=EstateDecision.Result.PENDING, date=None, expected_date=NOV_4)
    client.force_login(personas.coordinator)

    page = text_of(overview(client, plan, dato="2021-09-27"))

    row = re.search(rf'<tr id="estate-{gullandsgaarden.pk}">(.*?)</tr>', page).group(1)
    assert "Ukendt boligorganisation" in row
    pending = re.search(r'<ul class="mb-0" id="pending-estates">(.*?)</ul>', page).group(1)
    assert "Gullandsgården (ukendt boligorganisation)" in pending
    assert "Støberigården I+II (VIBO)" in pending
    # Every estate without an association says so; the others show theirs.
    assert page.count("Ukendt boligorganisation") == len(AMAGER_ASSOCIATION_UNKNOWN)
    hoergaarden = plan.estates.get(name="Hørgården")
    assert ">3B</td>" in re.search(rf'<tr id="estate-{hoergaarden.pk}">(.*?)</tr>', page).group(1)


def test_recording_the_missing_approval_gives_nineteen_of_nineteen(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    decision = støberigården.decisions.get()
    client.force_login(personas.coordinator)

    response = client.post(
        reverse("approvals:decision_update", kwargs={"plan": plan.slug, "pk": decision.pk}),
        {
            "lock_version": decision.lock_version,
            "estate": støberigården.pk,
            "body": EstateDecision.Body.DEPARTMENT_BOARD,
            "result": EstateDecision.Result.APPROVED,
            "date": "2021-11-04",
            "expected_date": "2021-11-04",
            "votes_for": "7",
            "votes_against": "0",
            "note": "",
        },
    )
    assert response.status_code == 302

    after = overview(client, plan, dato="2021-11-04")
    assert (after.context["summary"].approved_count, after.context["summary"].total) == (19, 19)
    assert approved_text(19, 19) in text_of(after)
    assert 'id="pending-estates"' not in text_of(after)
    # The day before, it was still 18: the summary reads the decision's date, not when it was typed in.
    before = overview(client, plan, dato="2021-11-03")
    assert before.context["summary"].approved_count == 18


def test_the_date_defaults_to_today(client, amager_plan, personas):
    plan = amager_plan
    client.force_login(personas.coordinator)

    response = overview(client, plan)

    assert response.context["summary"].as_of == datetime.date.today()
    assert response.context["summary"].approved_count == 18  # Støberigården's decision is still pending


def test_an_invalid_date_is_answered_with_a_message_and_today_is_shown(client, amager_plan, personas):
    plan = amager_plan
    client.force_login(personas.coordinator)

    response = overview(client, plan, dato="27-09-2021")

    assert response.status_code == 200
    assert response.context["date_form"].errors["dato"]
    assert 'id="dato-error"' in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)
    assert response.context["summary"].as_of == datetime.date.today()


def test_steps_are_shown_in_order_with_status_and_date(client, amager_plan, personas):
    plan = amager_plan
    steps = list(ApprovalStep.objects.in_plan(plan).order_by("order").values_list("title", flat=True))
    assert len(steps) == 6
    client.force_login(personas.coordinator)

    page = text_of(overview(client, plan, dato="2021-09-27"))

    timeline = re.search(r'<ol class="approval-timeline list-unstyled">(.*?)</ol>', page).group(1)
    positions = [timeline.index(title) for title in steps]
    assert positions == sorted(positions)
    assert "1. oktober 2020" in timeline
    assert "8. oktober 2020" in timeline
    assert "1. januar 2022" in timeline
    assert timeline.count('class="status ') == len(steps)


def test_a_rejected_decision_counts_as_rejected_with_words(client, personas, amager_plan):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    decision = støberigården.decisions.get()
    decision.result, decision.date = EstateDecision.Result.REJECTED, datetime.date(2021, 9, 20)
    decision.save()
    client.force_login(personas.coordinator)

    response = overview(client, plan, dato="2021-09-27")

    summary = response.context["summary"]
    assert [state.estate for state in summary.rejected] == [støberigården]
    assert str(EstateDecision.Result.REJECTED.label).capitalize() in text_of(response)


def test_a_coordinator_records_a_new_decision_and_adds_a_step(client, amager_plan, personas):
    plan = amager_plan
    extra = EstateFactory(plan=plan, name="Ny afdeling")
    client.force_login(personas.coordinator)

    response = client.post(
        reverse("approvals:decision_create", kwargs={"plan": plan.slug}),
        {"estate": extra.pk, "body": "ballot", "result": "approved", "date": "2021-10-01", "votes_for": "40"},
    )
    assert response.status_code == 302
    assert extra.decisions.get().votes_for == 40

    response = client.post(
        reverse("approvals:step_create", kwargs={"plan": plan.slug}),
        {"order": "7", "title": "Opfølgning", "body": "Bestyrelsen", "status": "planned"},
    )
    assert response.status_code == 302
    assert ApprovalStep.objects.in_plan(plan).get(order=7).title == "Opfølgning"


def test_the_estate_choice_offers_only_the_plans_estates(client, amager_plan, personas):
    plan = amager_plan
    foreign = EstateFactory(name="Fremmed afdeling")
    client.force_login(personas.coordinator)

    response = client.get(reverse("approvals:decision_create", kwargs={"plan": plan.slug}))
    assert "Fremmed afdeling" not in response.content.decode()

    response = client.post(
        reverse("approvals:decision_create", kwargs={"plan": plan.slug}),
        {"estate": foreign.pk, "body": "ballot", "result": "approved", "date": "2021-10-01"},
    )
    assert response.status_code == 200
    assert "estate" in response.context["form"].errors
    assert not foreign.decisions.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"result": "approved", "date": ""}, "date"),
        ({"votes_for": "mange"}, "votes_for"),
        ({"votes_for": "-3"}, "votes_for"),
        ({"date": "2021-13-45"}, "date"),
        ({"body": ""}, "body"),
    ],
)
def test_bad_decision_input_is_refused_next_to_the_field(client, amager_plan, personas, data, field):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    decision = støberigården.decisions.get()
    client.force_login(personas.coordinator)
    before = EstateDecision.objects.values().get(pk=decision.pk)
    post = {
        "lock_version": decision.lock_version,
        "estate": støberigården.pk,
        "body": decision.body,
        "result": "pending",
        "expected_date": "2021-11-04",
        **data,
    }

    response = client.post(
        reverse("approvals:decision_update", kwargs={"plan": plan.slug, "pk": decision.pk}), post
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in response.content.decode()
    assert EstateDecision.objects.values().get(pk=decision.pk) == before


def test_two_steps_cannot_share_a_place_in_the_timeline(client, amager_plan, personas):
    plan = amager_plan
    client.force_login(personas.coordinator)
    count = ApprovalStep.objects.count()

    response = client.post(
        reverse("approvals:step_create", kwargs={"plan": plan.slug}),
        {"order": "1", "title": "Dublet", "body": "BR", "status": "planned"},
    )

    assert response.status_code == 200
    assert "order" in response.context["form"].errors
    assert ApprovalStep.objects.count() == count


def test_a_stale_decision_edit_is_refused(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    decision = støberigården.decisions.get()
    stale_version = decision.lock_version
    decision.note = "Rettet af en kollega"
    decision.save()
    client.force_login(personas.coordinator)

    response = client.post(
        reverse("approvals:decision_update", kwargs={"plan": plan.slug, "pk": decision.pk}),
        {
            "lock_version": stale_version,
            "estate": støberigården.pk,
            "body": decision.body,
            "result": "approved",
            "date": "2021-11-04",
        },
    )

    assert response.status_code == 200
    assert response.context["conflict"] is not None
    decision.refresh_from_db()
    assert decision.result == EstateDecision.Result.PENDING
    assert decision.note == "Rettet af en kollega"


def test_deleting_a_step_and_a_decision(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    decision = støberigården.decisions.get()
    step = ApprovalStep.objects.in_plan(plan).get(order=6)
    client.force_login(personas.coordinator)

    assert (
        client.post(reverse("approvals:step_delete", kwargs={"plan": plan.slug, "pk": step.pk})).status_code
        == 302
    )
    assert (
        client.post(
            reverse("approvals:decision_delete", kwargs={"plan": plan.slug, "pk": decision.pk})
        ).status_code
        == 302
    )

    assert not ApprovalStep.objects.filter(pk=step.pk).exists()
    assert not EstateDecision.objects.filter(pk=decision.pk).exists()


def test_every_decision_and_step_links_to_its_history(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    client.force_login(personas.coordinator)

    page = overview(client, plan).content.decode()

    decision = støberigården.decisions.get()
    step = ApprovalStep.objects.in_plan(plan).first()
    assert f"/historik/approvals.estatedecision/{decision.pk}/" in page
    assert f"/historik/approvals.approvalstep/{step.pk}/" in page
    history = client.get(f"/plan/{plan.slug}/historik/approvals.estatedecision/{decision.pk}/")
    assert history.status_code == 200


def test_the_overview_uses_the_same_number_of_queries_with_one_or_many_estates(
    client, amager_plan, personas, django_assert_num_queries
):
    """A plan with one estate, decision and step, and the Amager plan with 19 estates and 6 steps."""
    small = PlanFactory()
    MembershipFactory(plan=small, user=personas.coordinator, role=Membership.Role.COORDINATOR)
    EstateDecisionFactory(estate=EstateFactory(plan=small))
    ApprovalStepFactory(plan=small)
    client.force_login(personas.coordinator)
    big = amager_plan

    # 1 session, 2 user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is limited
    # to, 5 estates with housing associations, 6 their decisions, 7 the steps, 8 the sources of the steps' dates
    # with their documents (documents.selectors.sources_by_fact).
    for plan in (small, big):
        with django_assert_num_queries(8):
            assert overview(client, plan, dato="2021-09-27").status_code == 200


def test_the_amager_plan_on_27_september_2021_reads_18_of_19(client, personas, amager_plan):
    """The imported Amager plan, read by a reviewer, says what the seed says."""
    client.force_login(personas.reviewer)

    response = overview(client, amager_plan, dato="2021-09-27")

    assert response.status_code == 200
    page = text_of(response)
    assert 'data-approved="18" data-total="19"' in page
    assert approved_text(18, 19) in page
    pending = re.search(r'<ul class="mb-0" id="pending-estates">(.*?)</ul>', page).group(1)
    assert "Støberigården I+II (VIBO)" in pending
    assert "4. november 2021" in pending
    assert pending.count("<li>") == 1
    timeline = re.search(r'<ol class="approval-timeline list-unstyled">(.*?)</ol>', page).group(1)
    for date in ("1. oktober 2020", "8. oktober 2020", "1. januar 2022"):
        assert date in timeline
    assert (
        timeline.index("Budgetaftale 2021")
        < timeline.index("Teknik- og Miljøudvalget")
        < timeline.index("Landsbyggefonden")
    )


# --- The estates' step follows the decisions; overdue steps and decisions are flagged --------------------------


def estates_step(plan, status=None) -> ApprovalStep:
    """The step of the estates' approvals (pending, expected 4 November 2021), with ``status`` if given."""
    step = ApprovalStep.objects.get(plan=plan, title__startswith="Boligafdelingerne godkender")
    if status is not None:
        step.status = status
        step.save()
    return step


def timeline_of(response) -> str:
    return re.search(r'<ol class="approval-timeline list-unstyled">(.*?)</ol>', text_of(response)).group(1)


def step_html(response, step) -> str:
    return re.search(rf'<li id="step-{step.pk}"(.*?)</li>', text_of(response)).group(1)


def test_the_estates_step_takes_its_status_from_the_decisions(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    step = estates_step(plan, ApprovalStep.Status.FROM_ESTATES)
    client.force_login(personas.coordinator)

    before = step_html(overview(client, plan, dato="2021-09-27"), step)
    assert "Afventer beslutning" in before
    assert "18 af 19 boligafdelinger har godkendt" in before

    decision = støberigården.decisions.get()
    decision.result, decision.date = EstateDecision.Result.APPROVED, NOV_4
    decision.save()

    after = overview(client, plan, dato="2021-11-05")
    step_after = step_html(after, step)
    assert "Gennemført" in step_after
    assert "19 af 19 boligafdelinger har godkendt" in step_after
    assert (
        "4. november 2021" in step_after and "forventet" not in step_after
    )  # the day the last estate approved
    # One source: the summary says the same, and nowhere does the page say 18.
    assert approved_text(19, 19) in text_of(after)
    assert "18 af 19" not in text_of(after)


def test_a_step_keeps_its_own_status_unless_it_follows_the_estates(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    decision = støberigården.decisions.get()
    decision.result, decision.date = EstateDecision.Result.APPROVED, NOV_4
    decision.save()
    pending = estates_step(plan, ApprovalStep.Status.PENDING)
    client.force_login(personas.coordinator)

    step = step_html(overview(client, plan, dato="2021-11-05"), pending)

    assert "Afventer beslutning" in step and "boligafdelinger har godkendt" not in step


def test_a_step_whose_expected_date_has_passed_is_flagged(client, amager_plan, personas):
    plan = amager_plan
    step = estates_step(plan, ApprovalStep.Status.PENDING)  # expected 4 November 2021
    client.force_login(personas.coordinator)

    on_time = overview(client, plan, dato="2021-11-04")
    assert "overskredet" not in step_html(on_time, step)
    assert 'id="overdue-steps"' not in text_of(on_time)
    assert on_time.context["overdue_steps"] == []

    late = overview(client, plan, dato="2021-11-10")
    assert "overskredet: forventet 4. november 2021" in step_html(late, step)
    alert = re.search(r'<p class="alert alert-warning" id="overdue-steps">(.*?)</p>', text_of(late)).group(1)
    assert f'href="#step-{step.pk}"' in alert
    assert [row.step for row in late.context["overdue_steps"]] == [step]
    # Støberigården's decision, expected the same day, is flagged among the pending estates too.
    pending = re.search(r'<ul class="mb-0" id="pending-estates">(.*?)</ul>', text_of(late)).group(1)
    assert "Støberigården I+II (VIBO)" in pending and "overskredet" in pending


def test_a_done_step_is_never_overdue(client, amager_plan, personas):
    plan = amager_plan
    step = estates_step(plan, ApprovalStep.Status.DONE)
    client.force_login(personas.coordinator)

    response = overview(client, plan, dato="2022-06-01")

    assert "overskredet" not in step_html(response, step)


def test_with_two_decisions_each_rows_actions_say_which_decision_they_act_on(client, amager_plan, personas):
    plan = amager_plan
    støberigården = plan.estates.get(name=STOBERIGARDEN)
    EstateDecisionFactory(
        estate=støberigården,
        body=EstateDecision.Body.DEPARTMENT_MEETING,
        result=EstateDecision.Result.APPROVED,
        date=datetime.date(2021, 9, 15),
    )
    client.force_login(personas.coordinator)

    page = text_of(overview(client, plan, dato="2021-09-27"))

    row = re.search(rf'<tr id="estate-{støberigården.pk}">(.*?)</tr>', page).group(1)
    board, meeting = (
        støberigården.decisions.get(body=body) for body in ("department_board", "department_meeting")
    )
    # The kind is visible above each decision's buttons …
    assert row.count('class="d-block small decision-kind"') == 2
    assert '<span class="d-block small decision-kind">Afdelingsbestyrelse:</span>' in row
    assert '<span class="d-block small decision-kind">Afdelingsmøde:</span>' in row
    # … and each button names its own decision to a screen reader.
    for decision in (board, meeting):
        edit = reverse("approvals:decision_update", kwargs={"plan": plan.slug, "pk": decision.pk})
        assert re.search(
            rf'href="{edit}">Rediger<span class="visually-hidden">: {re.escape(str(decision))}</span>', row
        )
    assert str(board) != str(meeting)
    # An estate with one decision shows no kind label.
    other = re.search(r'<tr id="estate-\d+">(.*?)</tr>', page).group(1)
    assert "decision-kind" not in other
