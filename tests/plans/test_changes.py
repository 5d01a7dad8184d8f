"""The plan's change counter (``plans.changes``): every write to a plan's content raises its ``change_count`` in
the same transaction, once per transaction, and nothing else's; a shared row a plan shows raises every plan's.
Every model with a plan and every kind of write: ``test_change_count_every_model.py``."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from helhedsplan.goals import services as goal_services
from helhedsplan.plans.models import Plan
from tests.agreements.factories import SubAgreementFactory
from tests.goals.factories import GoalFactory, IndicatorFactory, MeasurementFactory
from tests.periods.factories import CatalogueIndicatorFactory
from tests.plans.factories import MembershipFactory, OrganisationFactory, PlanFactory, UserFactory
from tests.world import commit_pending

pytestmark = pytest.mark.django_db

#: The counter every plan is set to after the setup, so any raise shows.
SETTLED = 100


def stamp(plan: Plan) -> int:
    return Plan.objects.values_list("change_count", flat=True).get(pk=plan.pk)


@pytest.fixture
def plans():
    """Two plans whose counters are settled, so any raise shows."""
    first, second = PlanFactory(), PlanFactory()
    settled()
    return first, second


def raises_remembered(callbacks) -> list:
    """The markers of a counter raised in the transaction (``plans.changes``), among after-commit ``callbacks``."""
    return [callback for callback in callbacks if hasattr(callback, "_raises_change_count_of")]


def settled() -> None:
    """Commit what the test's setup wrote (a new transaction starts), then set every counter to ``SETTLED``."""
    commit_pending()
    Plan.objects.update(change_count=SETTLED)


def test_a_write_raises_its_plans_counter_in_its_transaction_and_no_other_plans(plans):
    first, second = plans
    indicator = IndicatorFactory(goal=GoalFactory(sub_agreement=SubAgreementFactory(plan=first)))
    user = UserFactory(password=None)
    settled()
    with transaction.atomic():
        goal_services.measurement_create(
            indicator=indicator, data={"date": first.start_date, "value": 3}, actor=user
        )
        assert stamp(first) == SETTLED + 1  # before the write commits, in its transaction
    assert len(raises_remembered(commit_pending())) == 1
    assert stamp(first) == SETTLED + 1
    assert stamp(second) == SETTLED


def test_many_writes_in_one_transaction_raise_the_counter_once(plans):
    first, _second = plans
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=first))
    settled()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for number in range(5):
            IndicatorFactory(goal=goal, name=f"Indikator {number}")
    raises = [query for query in queries if '"change_count"' in query["sql"] and "UPDATE" in query["sql"]]
    assert len(raises) == 1
    assert len(raises_remembered(commit_pending())) == 1
    assert stamp(first) == SETTLED + 1


def test_a_write_rolled_back_raises_nothing(plans):
    first, _second = plans
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=first))
    settled()
    with transaction.atomic():
        IndicatorFactory(goal=goal)
        assert stamp(first) == SETTLED + 1
        transaction.set_rollback(True)
    assert raises_remembered(commit_pending()) == []
    assert stamp(first) == SETTLED


def test_a_raise_inside_a_rolled_back_savepoint_does_not_stand_for_the_outer_write(plans):
    """The raise from an inner savepoint is rolled back with it; the outer write raises anew."""
    first, _second = plans
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=first))
    settled()
    with transaction.atomic():
        with transaction.atomic():
            IndicatorFactory(goal=goal, name="Rulles tilbage")
            transaction.set_rollback(True)
        assert stamp(first) == SETTLED
        IndicatorFactory(goal=goal, name="Bliver")
        assert stamp(first) == SETTLED + 1
    commit_pending()
    assert stamp(first) == SETTLED + 1


@pytest.mark.parametrize("how", ["update", "delete"])
def test_an_update_or_delete_raises_the_stamp(plans, how):
    first, _second = plans
    measurement = MeasurementFactory(
        indicator=IndicatorFactory(goal=GoalFactory(sub_agreement=SubAgreementFactory(plan=first)))
    )
    settled()
    if how == "update":
        measurement.note = "Rettet"
        measurement.save()
    else:
        measurement.delete()
    assert stamp(first) == SETTLED + 1


def test_a_delaftale_limit_added_to_a_membership_raises_the_stamp(plans):
    first, _second = plans
    membership = MembershipFactory(plan=first, role="editor")
    sub_agreement = SubAgreementFactory(plan=first)
    settled()
    membership.sub_agreements.add(sub_agreement)
    assert stamp(first) == SETTLED + 1


def test_a_shared_row_raises_every_plans_counter(plans):
    """An organisation's or a user's name is shown on the pages of every plan they are in."""
    first, second = plans
    organisation = OrganisationFactory()
    user = UserFactory(password=None)
    for change in (organisation.save, user.save):
        settled()
        change()
        assert stamp(first) == SETTLED + 1
        assert stamp(second) == SETTLED + 1


def test_a_change_to_the_indicator_catalogue_raises_every_plans_counter(plans):
    """An indicator's page names the catalogue entry it was picked from, whichever plan it is in."""
    first, second = plans
    entry = CatalogueIndicatorFactory()
    settled()
    entry.name = "Omdøbt af en superbruger"
    entry.save()
    assert stamp(first) == SETTLED + 1
    assert stamp(second) == SETTLED + 1


def test_a_login_raises_no_counter(plans):
    """A login records only ``last_login``, which no page shows: it must not empty every plan's cache."""
    first, _second = plans
    user = UserFactory(password=None)
    settled()
    Client().force_login(user)  # Django's login records last_login through update_last_login
    assert stamp(first) == SETTLED


def test_saving_a_plan_read_before_a_raise_keeps_the_higher_counter(plans):
    """The plan's own save never writes back the counter it was read with (it raises it): what was kept under a
    lower counter must not come back."""
    first, _second = plans
    stale = Plan.objects.get(pk=first.pk)
    Plan.objects.filter(pk=first.pk).update(change_count=SETTLED + 5)
    stale.name = "Nyt navn"
    stale.save()
    assert stamp(first) == SETTLED + 6
    assert Plan.objects.get(pk=first.pk).name == "Nyt navn"
