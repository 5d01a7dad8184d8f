"""The plans' kept figures (``overview.readmodel``): what the dashboard, the portfolio and "needs attention" show
about a plan, computed once per change and kept in the shared cache — always equal to a fresh computation, never
read stale after a write, and never holding anything about one reader."""

from __future__ import annotations

import datetime
import pickle
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhedsplan.agreements.models import FocusArea
from helhedsplan.agreements.selectors import sub_agreements_with_goal_tree
from helhedsplan.approvals.models import ApprovalStep
from helhedsplan.approvals.selectors import approvals_overview
from helhedsplan.approvals.services import approval_step_create, estate_decision_create
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.budget.services import budget_line_create, budget_line_delete
from helhedsplan.goals import progress
from helhedsplan.goals.models import Activity, Measurement
from helhedsplan.goals.services import (
    activity_create,
    activity_delete,
    activity_update,
    measurement_create,
    measurement_delete,
    measurement_update,
)
from helhedsplan.overview import readmodel, selectors
from helhedsplan.overview.views import DashboardView
from helhedsplan.preparedness.selectors import contacts_by_plan, open_incidents_of
from tests.agreements.factories import SubAgreementFactory
from tests.approvals.factories import ApprovalStepFactory, EstateDecisionFactory
from tests.budget.factories import BudgetAmountFactory, FundingFactory
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import EstateFactory, PlanFactory
from tests.preparedness.factories import ContactFactory, EscalationLevelFactory, IncidentFactory
from tests.reports.factories import SubmissionFactory
from tests.world import commit_pending

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 1, 15)
#: Every case of the report groups: (answers reports, submits reports).
CASES = readmodel.REPORT_CASES


def shown(attention: selectors.Attention) -> list[tuple]:
    """What a page shows of "needs attention": each group's kind and heading, each item's text, link and badge."""
    return [
        (
            group.kind,
            str(group.heading),
            [
                (item.title, item.url, item.detail, bool(getattr(item.subject, "is_example", False)))
                for item in group.items
            ],
        )
        for group in attention.groups
    ]


def reference_attention(plan, today, *, may_see_contacts: bool, may_review: bool, may_submit: bool):
    """ "Needs attention" computed as before the read model: every provider over the plan's rows at once."""
    read = selectors.plans_rows([plan], today=today, contacts=contacts_by_plan)
    return selectors.needs_attention(
        read.sources(plan, may_see_contacts=may_see_contacts, may_review=may_review, may_submit=may_submit)
    )


def kept(plan, today=TODAY) -> readmodel.PlanFigures:
    commit_pending()  # what a commit does: the writes' after-commit work (a test never commits)
    return readmodel.plan_figures_of(plan, today=today)


def assert_kept_is_fresh(plan, today=TODAY) -> readmodel.PlanFigures:
    """The figures read through the cache equal a fresh computation and what the rules give over the plan's own
    rows, and "needs attention" on top of them lists what it listed before, for every kind of reader."""
    figures = kept(plan, today)
    assert figures == readmodel.plan_figures_fresh([plan], today=today)[plan.pk]
    # The portfolio's summary, read through the cache, is the one made from the fresh figures.
    summary = readmodel.plan_summaries([plan], today=today)[plan.pk]
    assert summary == readmodel.summary_of(readmodel.plan_figures_fresh([plan], today=today)[plan.pk])
    # The cards and headline figures as the single-plan selectors and the rules give them.
    as_of = progress.status_as_of(today=today, period_end=plan.end_date)
    tree = list(sub_agreements_with_goal_tree(plan, with_activities=True))
    assert [(card.sub_agreement.pk, card.progress) for card in figures.cards] == [
        (sub_agreement.pk, progress.sub_agreement_progress(sub_agreement, as_of)) for sub_agreement in tree
    ]
    assert figures.plan_progress == progress.plan_progress(tree, as_of)
    assert figures.total_budget == budget_summary(plan).total_budget
    approvals = approvals_overview(plan, today).summary
    assert (figures.approvals.approved_count, figures.approvals.total) == (
        approvals.approved_count,
        approvals.total,
    )
    for may_see_contacts in (True, False):
        for may_review, may_submit in CASES:
            reader = readmodel.Reader(
                incidents=open_incidents_of(plan),
                contacts=list(contacts_by_plan([plan])[plan.pk]),
                may_see_contacts=may_see_contacts,
                may_review=may_review,
                may_submit=may_submit,
            )
            on_top = readmodel.attention_for(plan, figures, reader)
            reference = reference_attention(
                plan,
                today,
                may_see_contacts=may_see_contacts,
                may_review=may_review,
                may_submit=may_submit,
            )
            assert shown(on_top) == shown(reference)
            # The portfolio's counts, from the plan's kept summary, are those of the same groups.
            counts = readmodel.attention_counts_for(plan, summary, reader)
            assert list(counts.items()) == [(group.kind, len(group.items)) for group in reference.groups]
    return figures


# --- The Amager plan, after every kind of write -------------------------------------------------------------


def test_the_amager_plans_kept_figures_equal_a_fresh_computation_after_every_kind_of_write(
    amager_plan, personas
):
    actor = personas.coordinator
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    indicator = IndicatorFactory(goal=GoalFactory(sub_agreement=education))
    before = assert_kept_is_fresh(amager_plan)

    def changed(write) -> readmodel.PlanFigures:
        """Run a write, then check that the figures read next are the fresh ones and differ from before."""
        nonlocal before
        write()
        after = assert_kept_is_fresh(amager_plan)
        assert after != before, "the write changed nothing the figures show: the test proves nothing"
        before = after
        return after

    # A measurement, then a correction of it: the delaftale's status moves each time.
    measurement = None

    def measure():
        nonlocal measurement
        measurement = measurement_create(
            indicator=indicator, data={"date": datetime.date(2023, 6, 1), "value": Decimal("59")}, actor=actor
        )

    changed(measure)
    figures = changed(
        lambda: measurement_update(
            measurement=measurement,
            data={"value": Decimal("41")},
            expected_lock_version=measurement.lock_version,
            actor=actor,
        )
    )
    card = next(card for card in figures.cards if card.sub_agreement.pk == education.pk)
    assert card.indicator_count == sum(goal.indicators.count() for goal in education.goals.all())
    # A budget line, and its delete.
    line = None

    def add_line():
        nonlocal line
        line = budget_line_create(
            plan=amager_plan,
            data={"category": "activities", "description": "Sommerlejr", "sub_agreement": education},
            amounts={2024: Decimal("250000")},
            actor=actor,
        )

    changed(add_line)
    changed(lambda: budget_line_delete(line=line, actor=actor))
    # An approval step past its expected date, and an estate's decision.
    changed(
        lambda: approval_step_create(
            plan=amager_plan,
            data={
                "title": "Borgerrepræsentationen",
                "body": "Borgerrepræsentationen",
                "status": ApprovalStep.Status.PENDING,
                "date": datetime.date(2023, 3, 1),
                "date_is_expected": True,
                "order": 99,
            },
            actor=actor,
        )
    )
    undecided = next(state.estate for state in approvals_overview(amager_plan, TODAY).summary.pending)
    changed(
        lambda: estate_decision_create(
            estate=undecided,
            data={"body": "ballot", "result": "approved", "date": datetime.date(2021, 11, 4)},
            actor=actor,
        )
    )
    # An activity past its end, then completed, then deleted.
    activity = activity_create(
        sub_agreement=education,
        data={
            "name": "Lektiecafé",
            "status": Activity.Status.ONGOING,
            "start_date": datetime.date(2022, 1, 1),
            "end_date": datetime.date(2023, 6, 30),
        },
        actor=actor,
    )
    figures = assert_kept_is_fresh(amager_plan)
    assert "Lektiecafé" in [item.title for item in figures.groups["activities"].items]
    before = figures
    activity.refresh_from_db()
    changed(
        lambda: activity_update(
            activity=activity,
            data={"status": Activity.Status.COMPLETED},
            expected_lock_version=activity.lock_version,
            actor=actor,
        )
    )
    changed(lambda: activity_delete(activity=Activity.objects.get(pk=activity.pk), actor=actor))
    # A delete that takes the indicator's only measurement: it is never measured again.
    changed(lambda: measurement_delete(measurement=Measurement.objects.get(pk=measurement.pk), actor=actor))


def test_a_stale_entry_is_never_read_after_a_write(amager_plan, personas):
    first = kept(amager_plan)
    key = readmodel.figures_key(amager_plan.pk, readmodel.change_counts([amager_plan])[amager_plan.pk], TODAY)
    assert caches["default"].get(key) == first
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    ActivityFactory(sub_agreement=education, name="Fritidsjob", end_date=datetime.date(2023, 1, 31))
    commit_pending()
    # The counter moved with the write: the entry kept before is under a key no one asks for any more.
    moved = readmodel.figures_key(
        amager_plan.pk, readmodel.change_counts([amager_plan])[amager_plan.pk], TODAY
    )
    assert moved != key
    # Even a plan read before the write (the fixture's instance) is read under the new key.
    after = readmodel.plan_figures_of(amager_plan, today=TODAY)
    assert "Fritidsjob" in [item.title for item in after.groups["activities"].items]
    assert caches["default"].get(moved) == after


def test_a_read_in_the_writing_transaction_is_fresh_and_not_kept(amager_plan):
    """Before the commit, the writing transaction reads its own writes, and keeps nothing under the counter it
    raised (a later write of the same transaction does not raise it again; a rollback takes it back)."""
    first = kept(amager_plan)
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    ActivityFactory(sub_agreement=education, name="Fritidsjob", end_date=datetime.date(2023, 1, 31))
    during = readmodel.plan_figures_of(amager_plan, today=TODAY)
    assert during != first
    assert "Fritidsjob" in [item.title for item in during.groups["activities"].items]
    raised = readmodel.change_counts([amager_plan])[amager_plan.pk]
    assert caches["default"].get(readmodel.figures_key(amager_plan.pk, raised, TODAY)) is None
    ActivityFactory(sub_agreement=education, name="Sommerskole", end_date=datetime.date(2023, 2, 28))
    assert readmodel.change_counts([amager_plan])[amager_plan.pk] == raised  # raised once per transaction
    titles = [
        item.title for item in readmodel.plan_figures_of(amager_plan, today=TODAY).groups["activities"].items
    ]
    assert {"Fritidsjob", "Sommerskole"} <= set(titles)


def test_the_key_names_the_day_and_the_language(amager_plan):
    counter = readmodel.change_counts([amager_plan])[amager_plan.pk]
    key = readmodel.figures_key(amager_plan.pk, counter, TODAY)
    assert key != readmodel.figures_key(amager_plan.pk, counter, TODAY + datetime.timedelta(days=1))
    from django.utils import translation

    with translation.override("en"):
        assert key != readmodel.figures_key(amager_plan.pk, counter, TODAY)
    # What is due depends on the day: a new day is a new entry, computed afresh.
    assert kept(amager_plan, TODAY) != kept(amager_plan, datetime.date(2025, 6, 1))


def test_a_write_to_another_plan_keeps_this_plans_entry(amager_plan, other_plan):
    first = kept(amager_plan)
    before = readmodel.change_counts([amager_plan])
    IndicatorFactory(goal=GoalFactory(sub_agreement=SubAgreementFactory(plan=other_plan)))
    commit_pending()
    assert readmodel.change_counts([amager_plan]) == before
    assert kept(amager_plan) is not None and kept(amager_plan) == first


# --- Random plans -------------------------------------------------------------------------------------------

measurement_days = st.dates(min_value=datetime.date(2022, 1, 1), max_value=datetime.date(2024, 1, 10))
values = st.decimals(min_value=0, max_value=100, places=1)


@st.composite
def random_plans(draw):
    """The shape of a small plan: its delaftaler with goals, indicators and measurements, activities, estates and
    their decisions, approval steps, a budget, reports, incidents and contacts."""
    return {
        "sub_agreements": draw(
            st.lists(
                st.lists(  # goals
                    st.lists(  # indicators: their measurements (day, value)
                        st.lists(st.tuples(measurement_days, values), max_size=3, unique_by=lambda m: m[0]),
                        max_size=2,
                    ),
                    max_size=2,
                ),
                max_size=2,
            )
        ),
        "activities_ended": draw(st.lists(st.booleans(), max_size=2)),
        "estates": draw(st.lists(st.booleans(), max_size=3)),
        "steps_overdue": draw(st.lists(st.booleans(), max_size=2)),
        "budget": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5_000_000))),
        "reports": draw(st.integers(min_value=0, max_value=2)),
        "incidents": draw(st.integers(min_value=0, max_value=2)),
        "contacts": draw(st.integers(min_value=0, max_value=2)),
        "write": draw(st.sampled_from(["measurement", "activity", "decision", "step", "budget", "delete"])),
    }


def build(shape):
    plan = PlanFactory(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2025, 12, 31))
    focus_areas = list(FocusArea)
    indicators = []
    for number, goals in enumerate(shape["sub_agreements"]):
        sub_agreement = SubAgreementFactory(plan=plan, focus_area=focus_areas[number])
        for indicator_rows in goals:
            goal = GoalFactory(sub_agreement=sub_agreement)
            for measurements in indicator_rows:
                indicator = IndicatorFactory(goal=goal)
                indicators.append(indicator)
                for day, value in measurements:
                    MeasurementFactory(indicator=indicator, date=day, value=value)
        for ended in shape["activities_ended"]:
            ActivityFactory(
                sub_agreement=sub_agreement,
                end_date=datetime.date(2023, 6, 30) if ended else datetime.date(2025, 6, 30),
            )
    for approved in shape["estates"]:
        estate = EstateFactory(plan=plan)
        if approved:
            EstateDecisionFactory(estate=estate, date=datetime.date(2021, 9, 1))
    for number, overdue in enumerate(shape["steps_overdue"]):
        ApprovalStepFactory(
            plan=plan,
            order=number,
            status=ApprovalStep.Status.PENDING,
            date=datetime.date(2023, 1, 1) if overdue else datetime.date(2025, 1, 1),
            date_is_expected=True,
        )
    if shape["budget"]:
        BudgetAmountFactory(line__plan=plan, year=2022, amount=Decimal(shape["budget"]))
        FundingFactory(source__plan=plan, year=2022, amount=Decimal(shape["budget"]))
    for number in range(shape["reports"]):
        SubmissionFactory(report__plan=plan, report__year=2022 + number)
    if shape["incidents"] or shape["contacts"]:
        from tests.preparedness.factories import PreparednessPlanFactory

        preparedness_plan = PreparednessPlanFactory(plan=plan)
        for _number in range(shape["contacts"]):
            ContactFactory(preparedness_plan=preparedness_plan, last_verified=None)
        for _number in range(shape["incidents"]):
            IncidentFactory(plan=plan, level=EscalationLevelFactory(preparedness_plan=preparedness_plan))
    return plan, indicators


def random_write(plan, indicators, kind: str, actor) -> None:
    """One write of ``kind`` to ``plan``, through the app's services or (for the rows a plan needs first) its
    factories, which save through the same model signals."""
    sub_agreement = plan.sub_agreements.order_by("pk").first() or SubAgreementFactory(plan=plan)
    if kind == "measurement":
        indicator = (
            indicators[0] if indicators else IndicatorFactory(goal=GoalFactory(sub_agreement=sub_agreement))
        )
        measurement_create(
            indicator=indicator,
            data={"date": datetime.date(2024, 1, 12), "value": Decimal("77")},
            actor=actor,
        )
    elif kind == "activity":
        ActivityFactory(sub_agreement=sub_agreement, end_date=datetime.date(2023, 2, 28))
    elif kind == "decision":
        estate_decision_create(
            estate=EstateFactory(plan=plan),
            data={"body": "department_meeting", "result": "approved", "date": datetime.date(2021, 10, 1)},
            actor=actor,
        )
    elif kind == "step":
        ApprovalStepFactory(
            plan=plan,
            order=50,
            status=ApprovalStep.Status.PENDING,
            date=datetime.date(2023, 5, 1),
            date_is_expected=True,
        )
    elif kind == "budget":
        budget_line_create(
            plan=plan,
            data={"category": "activities", "description": "Ny linje"},
            amounts={2023: Decimal("1000")},
            actor=actor,
        )
    else:  # a delete: the newest measurement, else an estate, else a whole delaftale
        measurement = Measurement.objects.filter(indicator__plan=plan).order_by("-pk").first()
        if measurement is not None:
            measurement_delete(measurement=measurement, actor=actor)
        elif plan.estates.exists():
            plan.estates.order_by("pk").first().delete()
        else:
            sub_agreement.delete()


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=random_plans())
def test_a_random_plans_kept_figures_equal_a_fresh_computation_before_and_after_a_write(shape, personas):
    with transaction.atomic():
        caches["default"].clear()
        plan, indicators = build(shape)
        assert_kept_is_fresh(plan)
        random_write(plan, indicators, shape["write"], personas.coordinator)
        assert_kept_is_fresh(plan)
        transaction.set_rollback(True)  # each example starts from the test's own database


# --- Nothing about a reader in the shared entry --------------------------------------------------------------


def test_the_kept_entry_is_plain_data_without_personal_data(amager_plan, django_assert_num_queries):
    contact = ContactFactory(
        preparedness_plan=amager_plan.preparedness_plan, name="Kirsten Plantet", last_verified=None
    )
    IncidentFactory(
        plan=amager_plan,
        level=amager_plan.preparedness_plan.levels.first(),
        summary="Brand i kælder, Jens Plantet tilkaldt",
    )
    figures = kept(amager_plan)
    stored = pickle.dumps(figures)
    assert b"Plantet" not in stored
    assert contact.phone.encode() not in stored
    # Read back, nothing in it reaches for the database (no model instance, nothing lazy).
    with django_assert_num_queries(0):
        again = pickle.loads(stored)
        assert again == figures
        assert str(again.cards[0].sub_agreement)


@pytest.fixture
def pinned_today(monkeypatch):
    monkeypatch.setattr(DashboardView, "today", lambda self: TODAY)
    return TODAY


def test_what_depends_on_the_reader_differs_per_reader_and_never_leaks(
    amager_plan, personas, client_for, pinned_today
):
    """The coordinator reads first, so the entry is kept from their read; the reviewer's page, from the same
    entry, has none of the coordinator's links, contacts or incident texts — and the editor's has their own."""
    ContactFactory(
        preparedness_plan=amager_plan.preparedness_plan, name="Kirsten Plantet", last_verified=None
    )
    incident = IncidentFactory(
        plan=amager_plan,
        level=amager_plan.preparedness_plan.levels.first(),
        summary="Brand i kælder, Jens Plantet tilkaldt",
    )
    commit_pending()  # committed: the coordinator's read keeps the plan's figures
    url = reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})
    coordinators = client_for(personas.coordinator).get(url)
    assert caches["default"].get(
        readmodel.figures_key(amager_plan.pk, readmodel.change_counts([amager_plan])[amager_plan.pk], TODAY)
    )
    reviewers = client_for(personas.reviewer).get(url)
    editors = client_for(personas.editor).get(url)
    coordinator_html, reviewer_html, editor_html = (
        response.content.decode() for response in (coordinators, reviewers, editors)
    )
    succeed = reverse("plantemplate:new_plan")
    assert succeed in coordinator_html and succeed not in reviewer_html and succeed not in editor_html
    for html in (coordinator_html, editor_html):
        assert "Kirsten Plantet" in html and incident.get_absolute_url() in html
    assert "Kirsten Plantet" not in reviewer_html and "Jens Plantet" not in reviewer_html
    assert incident.get_absolute_url() not in reviewer_html
    kinds = {group.kind for group in reviewers.context["attention"].groups}
    assert "contacts" not in kinds and "incidents" in kinds


# --- Query counts ------------------------------------------------------------------------------------------


def portfolio_plans(count: int, lbf):
    from tests.plans.factories import PartyConfirmationFactory

    for number in range(count):
        plan = PlanFactory(start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2025, 12, 31))
        plan.organisations.add(lbf)
        PartyConfirmationFactory(plan=plan, organisation=lbf)
        goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=plan))
        MeasurementFactory(indicator=IndicatorFactory(goal=goal), date=datetime.date(2022, 6, 1))
        EstateDecisionFactory(estate=EstateFactory(plan=plan), date=datetime.date(2021, 9, 1))
        BudgetAmountFactory(line__plan=plan, year=2022, amount=Decimal(1000 + number))
        SubmissionFactory(report__plan=plan, report__year=2022)


# The portfolio, its plans' figures kept: 1 the session, 2 the user; 3 the plans (the user's memberships and
# grants as subqueries); 4 their change counters (readmodel.change_counts; then one get_many from the shared
# cache, no query with the local-memory cache of the tests); what the user may do in each plan (the rules, over
# access.memberships_of): 5 their memberships of the plans (none: their delaftale limits are not asked), 6 their
# grants, 7 the parties confirmed in the plans among the grants' organisations; 8 the organisations they sign
# for; 9 the open incidents (personal data: read for the reader, never kept; a reviewer sees no contacts, so
# none are read); 10 the versions approved or awaiting (their sign-offs are not asked: there are none; the
# Version column reads them too), 11 the agreements' fingerprints (versions.selectors.versions_attention: the
# reader's own "changes awaiting submission" and "awaiting your signature", never kept); 12 the plans awaiting
# the confirmation of an organisation the user administers (none here).
PORTFOLIO_KEPT = 12


@pytest.mark.parametrize("count", [1, 5])
def test_the_portfolio_reads_one_entry_per_plan_in_a_fixed_number_of_queries(
    count, django_assert_num_queries
):
    from tests.plans.factories import OrganisationFactory, OrganisationGrantFactory, UserFactory
    from tests.world import client_for

    user = UserFactory(password=None)
    lbf = OrganisationFactory(short_name="LBF", name="Landsbyggefonden", kind="funder")
    OrganisationGrantFactory(organisation=lbf, users=[user])
    portfolio_plans(count, lbf)
    commit_pending()  # the plans' writes committed: their figures may be kept
    client = client_for(user)
    url = reverse("portfolio:list")
    first = client.get(url)  # computes and keeps every plan's figures (one fresh computation for all)
    assert len(first.context["table"].data) == count
    with django_assert_num_queries(PORTFOLIO_KEPT):
        again = client.get(url)
    assert len(again.context["table"].data) == count


# The dashboard, its plan's figures kept: 1 session, 2 user; 3 the user's membership with its plan and
# organisation, 4 the delaftaler it is limited to (access.plan_and_membership_or_404); 5 the plan's change counter
# (readmodel.change_counts; the entry itself from the shared cache: no query with the local-memory cache of the
# tests); 6 the open incidents and 7 the emergency plan's contacts (personal data, read for the reader, never
# kept); 8 which are the newest ten changes, 9 their records, 10 the records before them (recent_changes: here
# the newest ten are all saves of one kind of object); 11 the approved and awaiting versions (a version's
# sign-offs are asked only while it awaits them: none here), 12 the agreement's fingerprint
# (versions.selectors.versions_attention), 13 the organisations the reader signs for
# (versions.selectors.signing_organisations): the reader's own version groups, never kept; 14 the sources of the
# plan's homes and residents, shown beside the figures (documents.selectors.sources_by_fact).
DASHBOARD_KEPT = 14


@pytest.mark.parametrize("count", [1, 5])
def test_the_dashboard_reads_its_kept_entry_in_a_fixed_number_of_queries(
    count, amager_plan, personas, client_for, pinned_today, django_assert_num_queries
):
    for _number in range(count - 1):
        PlanFactory()  # other plans in the database: nothing of theirs is read
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    for _number in range(count):  # the plan grows with the count too
        indicator = IndicatorFactory(goal=GoalFactory(sub_agreement=education))
        measurement = MeasurementFactory(indicator=indicator, date=datetime.date(2022, 6, 1))
    for value in range(10):
        measurement.value = Decimal(value)
        measurement.save()
    commit_pending()
    client = client_for(personas.coordinator)
    url = reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})
    client.get(url)  # computes and keeps the plan's figures
    with django_assert_num_queries(DASHBOARD_KEPT):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["cards"]) == 4


def test_the_benchmark_counts_entries_read_and_computed_when_asked(amager_plan, settings):
    settings.READMODEL_STATS = True
    readmodel.stats(reset=True)
    commit_pending()
    readmodel.plan_figures_of(amager_plan, today=TODAY)  # computed
    readmodel.plan_figures_of(amager_plan, today=TODAY)  # read from the shared cache
    assert readmodel.stats(reset=True) == {"hits": 1, "misses": 1}
    assert readmodel.stats() == {"hits": 0, "misses": 0}
