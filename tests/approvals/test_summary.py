"""'n af N godkendt' as of any date, with the Amager plan's own approval round.

From the seed: 19 estates; on 27 September 2021, 18 had approved, all but VIBO's Støberigården I+II, whose
afdelingsbestyrelse was expected to approve on 4 November 2021. The individual decision dates are not public:
the ones below are example dates in August and September 2021.
"""

import datetime

import pytest

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.approvals.selectors import approval_summaries, approval_summary
from helhedsplan.approvals.summary import ApprovalSummary, estate_state, step_state
from tests.approvals.factories import (
    AMAGER_KNOWN_ESTATES,
    AMAGER_UNKNOWN_ESTATES,
    STOBERIGARDEN,
    ApprovalStepFactory,
    EstateDecisionFactory,
)
from tests.plans.factories import EstateFactory, HousingAssociationFactory, PlanFactory

KNOWN_NAMES = AMAGER_KNOWN_ESTATES
UNKNOWN_NAMES = AMAGER_UNKNOWN_ESTATES

SEED_DATE = datetime.date(2021, 9, 27)
EXPECTED_FINAL = datetime.date(2021, 11, 4)
END_OF_AUGUST = datetime.date(2021, 8, 31)

APPROVED = EstateDecision.Result.APPROVED
PENDING = EstateDecision.Result.PENDING
REJECTED = EstateDecision.Result.REJECTED


@pytest.fixture
def amager(db):
    plan = PlanFactory(name="Boligsocial helhedsplan Amager 2022-2025")
    vibo = HousingAssociationFactory(name="VIBO", short_name="VIBO")
    names = KNOWN_NAMES + UNKNOWN_NAMES
    for index, name in enumerate(names):
        estate = EstateFactory(plan=plan, name=name, name_is_known=name in KNOWN_NAMES)
        # Example dates: the first ten in August, the other eight in September, all before 27 September.
        day = datetime.date(2021, 8, 10 + index) if index < 10 else datetime.date(2021, 9, 10 + index - 10)
        EstateDecisionFactory(estate=estate, result=APPROVED, date=day, is_example=True)
    stoberigarden = EstateFactory(plan=plan, name=STOBERIGARDEN, housing_association=vibo)
    EstateDecisionFactory(
        estate=stoberigarden,
        body=EstateDecision.Body.DEPARTMENT_BOARD,
        result=PENDING,
        date=None,
        expected_date=EXPECTED_FINAL,
    )
    return plan


def test_18_of_19_approved_on_27_september_2021(amager):
    summary = approval_summary(amager, SEED_DATE)
    assert summary.total == 19
    assert summary.approved_count == 18
    assert not summary.all_approved
    assert summary.rejected == []
    [pending] = summary.pending
    assert pending.estate.name == STOBERIGARDEN
    assert pending.estate.housing_association.short_name == "VIBO"
    assert pending.expected_date == EXPECTED_FINAL
    assert pending.decision.body == EstateDecision.Body.DEPARTMENT_BOARD


def test_fewer_had_approved_at_the_end_of_august(amager):
    summary = approval_summary(amager, END_OF_AUGUST)
    assert summary.approved_count == 10
    assert len(summary.pending) == 9
    assert summary.total == 19


def test_a_decision_counts_from_its_own_day(amager):
    assert approval_summary(amager, datetime.date(2021, 8, 10)).approved_count == 1
    assert approval_summary(amager, datetime.date(2021, 8, 9)).approved_count == 0


def test_before_any_decision_all_are_pending_with_their_dates_expected(amager):
    summary = approval_summary(amager, datetime.date(2021, 6, 1))
    assert summary.approved_count == 0
    assert len(summary.pending) == 19
    hoergaarden = next(s for s in summary.pending if s.estate.name == "Hørgården")
    # A decision dated after the day asked about is still to come: its date is when it is expected.
    assert hoergaarden.expected_date == datetime.date(2021, 8, 10)


def test_all_approved_once_stoberigarden_approves(amager):
    EstateDecision.objects.filter(estate__name=STOBERIGARDEN).update(result=APPROVED, date=EXPECTED_FINAL)
    assert approval_summary(amager, datetime.date(2021, 11, 3)).approved_count == 18
    summary = approval_summary(amager, EXPECTED_FINAL)
    assert summary.approved_count == 19
    assert summary.all_approved
    assert summary.pending == []


def test_the_summary_takes_two_queries(amager, django_assert_num_queries):
    with django_assert_num_queries(2):
        summary = approval_summary(amager, SEED_DATE)
        assert [state.estate.housing_association.short_name for state in summary.estates]


def test_the_summaries_of_many_plans_take_two_queries_keyed_by_plan(amager, django_assert_num_queries):
    others = [PlanFactory() for _ in range(3)]
    for plan in others:
        for name in ("Nord", "Syd"):
            EstateDecisionFactory(estate=EstateFactory(plan=plan, name=name), date=datetime.date(2021, 8, 1))
    empty = PlanFactory()
    plans = [amager, *others, empty]

    with django_assert_num_queries(2):
        summaries = approval_summaries(plans, SEED_DATE)
        # Each estate comes with its plan and association, each decision with its estate: no query per row.
        assert all(
            state.estate.plan.slug
            and state.estate.housing_association.short_name
            and state.decision.estate.plan
            for summary in summaries.values()
            for state in summary.estates
        )

    assert set(summaries) == {plan.pk for plan in plans}
    assert (summaries[amager.pk].approved_count, summaries[amager.pk].total) == (18, 19)
    assert [(s.approved_count, s.total) for s in (summaries[plan.pk] for plan in others)] == [(2, 2)] * 3
    assert summaries[empty.pk].total == 0
    assert summaries[amager.pk] == approval_summary(amager, SEED_DATE)


def test_estates_of_other_plans_are_left_out(amager):
    EstateDecisionFactory(estate=EstateFactory(plan=PlanFactory()), date=datetime.date(2021, 8, 1))
    assert approval_summary(amager, SEED_DATE).total == 19


def test_a_plan_without_estates_is_not_all_approved(db):
    summary = approval_summary(PlanFactory(), SEED_DATE)
    assert summary.total == 0
    assert not summary.all_approved


class TestEstateState:
    @pytest.fixture
    def estate(self, db):
        return EstateFactory()

    def decision(self, estate, body, result, date=None, expected_date=None):
        return EstateDecisionFactory.build(
            estate=estate, body=body, result=result, date=date, expected_date=expected_date
        )

    def test_without_decisions_it_is_pending_with_nothing_expected(self, estate):
        state = estate_state(estate, [], SEED_DATE)
        assert state.result == PENDING
        assert state.decision is None
        assert state.expected_date is None

    def test_a_rejection_stands_until_a_later_approval(self, estate):
        rejected = self.decision(
            estate, EstateDecision.Body.DEPARTMENT_MEETING, REJECTED, datetime.date(2021, 9, 1)
        )
        approved = self.decision(estate, EstateDecision.Body.BALLOT, APPROVED, datetime.date(2021, 10, 15))
        decisions = [approved, rejected]
        assert estate_state(estate, decisions, datetime.date(2021, 8, 1)).result == PENDING
        in_between = estate_state(estate, decisions, datetime.date(2021, 9, 27))
        assert in_between.result == REJECTED
        assert in_between.decision is rejected
        after = estate_state(estate, decisions, datetime.date(2021, 10, 15))
        assert after.result == APPROVED
        assert after.decision is approved

    def test_an_approval_counts_even_after_a_later_rejection(self, estate):
        approved = self.decision(
            estate, EstateDecision.Body.DEPARTMENT_BOARD, APPROVED, datetime.date(2021, 9, 1)
        )
        rejected = self.decision(
            estate, EstateDecision.Body.DEPARTMENT_MEETING, REJECTED, datetime.date(2021, 9, 20)
        )
        state = estate_state(estate, [approved, rejected], SEED_DATE)
        assert state.result == APPROVED
        assert state.decision is approved

    def test_the_earliest_expected_date_of_the_open_decisions(self, estate):
        board = self.decision(
            estate, EstateDecision.Body.DEPARTMENT_BOARD, PENDING, expected_date=datetime.date(2021, 11, 4)
        )
        meeting = self.decision(
            estate, EstateDecision.Body.DEPARTMENT_MEETING, PENDING, expected_date=datetime.date(2021, 10, 20)
        )
        state = estate_state(estate, [board, meeting], SEED_DATE)
        assert state.result == PENDING
        assert state.expected_date == datetime.date(2021, 10, 20)


# --- The steps as of a day ------------------------------------------------------------------------------------


def pending_summary(as_of: datetime.date, *, approved: bool) -> ApprovalSummary:
    estate = EstateFactory.build(pk=1, name=STOBERIGARDEN)
    decision = EstateDecisionFactory.build(
        estate=estate,
        result=APPROVED if approved else PENDING,
        date=EXPECTED_FINAL if approved else None,
        expected_date=EXPECTED_FINAL,
    )
    return ApprovalSummary(as_of=as_of, estates=[estate_state(estate, [decision], as_of)])


def estates_step(**kwargs) -> ApprovalStep:
    return ApprovalStepFactory.build(
        status=ApprovalStep.Status.FROM_ESTATES, date=EXPECTED_FINAL, date_is_expected=True, **kwargs
    )


def test_the_estates_step_is_done_exactly_when_every_estate_has_approved():
    waiting = step_state(estates_step(), pending_summary(SEED_DATE, approved=False))
    assert (waiting.status, waiting.follows_estates, waiting.overdue) == (
        ApprovalStep.Status.PENDING,
        True,
        False,
    )
    assert waiting.estates is not None and (waiting.estates.approved_count, waiting.estates.total) == (0, 1)

    done = step_state(estates_step(), pending_summary(datetime.date(2021, 12, 1), approved=True))
    assert done.status == ApprovalStep.Status.DONE
    assert (done.date, done.date_is_expected, done.overdue) == (EXPECTED_FINAL, False, False)
    assert done.status_label == "gennemført"


def test_a_pending_step_is_overdue_the_day_after_its_expected_date():
    step = ApprovalStepFactory.build(
        status=ApprovalStep.Status.PENDING, date=EXPECTED_FINAL, date_is_expected=True
    )
    on_the_day = pending_summary(EXPECTED_FINAL, approved=False)
    day_after = pending_summary(EXPECTED_FINAL + datetime.timedelta(days=1), approved=False)
    assert not step_state(step, on_the_day).overdue
    assert step_state(step, day_after).overdue
    assert [state.estate.name for state in day_after.overdue] == [STOBERIGARDEN]
    assert on_the_day.overdue == []
    # A date that happened (not expected), or a step without a date, is never overdue.
    step.date_is_expected = False
    assert not step_state(step, day_after).overdue
    assert not step_state(ApprovalStepFactory.build(status="planned"), day_after).overdue
