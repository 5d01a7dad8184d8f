"""The plan's change stamp (``plans.changes``): every committed write to a plan's content raises its
``changed_at``, once per transaction, and nothing else's; a shared row a plan shows raises every plan's."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from helhedsplan.goals import services as goal_services
from helhedsplan.plans.models import Plan
from tests.agreements.factories import SubAgreementFactory
from tests.goals.factories import GoalFactory, IndicatorFactory, MeasurementFactory
from tests.periods.factories import CatalogueIndicatorFactory
from tests.plans.factories import MembershipFactory, OrganisationFactory, PlanFactory, UserFactory
from tests.world import commit_pending

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=30)


def stamp(plan: Plan) -> datetime.datetime:
    return Plan.objects.values_list("changed_at", flat=True).get(pk=plan.pk)


@pytest.fixture
def plans():
    """Two plans whose stamps lie a month back, so any raise shows."""
    first, second = PlanFactory(), PlanFactory()
    settled()
    return first, second


def stamp_raises(callbacks) -> list:
    """The after-commit callbacks that raise a change stamp (``plans.changes``), among ``callbacks``."""
    return [callback for callback in callbacks if hasattr(callback, "_raises_change_stamp_of")]


def settled() -> None:
    """Commit what the test's setup wrote, then put the stamps a month back."""
    commit_pending()
    Plan.objects.update(changed_at=LONG_AGO)


def test_a_write_raises_its_plans_stamp_after_commit_and_no_other_plans(plans):
    first, second = plans
    indicator = IndicatorFactory(goal=GoalFactory(sub_agreement=SubAgreementFactory(plan=first)))
    user = UserFactory(password=None)
    settled()
    goal_services.measurement_create(
        indicator=indicator, data={"date": first.start_date, "value": 3}, actor=user
    )
    assert stamp(first) == LONG_AGO  # not before the write commits
    assert len(stamp_raises(commit_pending())) == 1
    assert stamp(first) > LONG_AGO
    assert stamp(second) == LONG_AGO


def test_many_writes_in_one_transaction_raise_the_stamp_once(plans):
    first, _second = plans
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=first))
    settled()
    with transaction.atomic():
        for number in range(5):
            IndicatorFactory(goal=goal, name=f"Indikator {number}")
    assert len(stamp_raises(commit_pending())) == 1
    assert stamp(first) > LONG_AGO


def test_a_write_rolled_back_raises_nothing(plans):
    first, _second = plans
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=first))
    settled()
    with transaction.atomic():
        IndicatorFactory(goal=goal)
        transaction.set_rollback(True)
    assert stamp_raises(commit_pending()) == []
    assert stamp(first) == LONG_AGO


def test_a_callback_inside_a_rolled_back_savepoint_does_not_stand_for_the_outer_write(plans):
    """The raise waiting from an inner savepoint is dropped with it; the outer write registers its own."""
    first, _second = plans
    goal = GoalFactory(sub_agreement=SubAgreementFactory(plan=first))
    settled()
    with transaction.atomic():
        with transaction.atomic():
            IndicatorFactory(goal=goal, name="Rulles tilbage")
            transaction.set_rollback(True)
        IndicatorFactory(goal=goal, name="Bliver")
    commit_pending()
    assert stamp(first) > LONG_AGO


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
    commit_pending()
    assert stamp(first) > LONG_AGO


def test_a_delaftale_limit_added_to_a_membership_raises_the_stamp(plans):
    first, _second = plans
    membership = MembershipFactory(plan=first, role="editor")
    sub_agreement = SubAgreementFactory(plan=first)
    settled()
    membership.sub_agreements.add(sub_agreement)
    commit_pending()
    assert stamp(first) > LONG_AGO


def test_a_shared_row_raises_every_plans_stamp(plans):
    """An organisation's or a user's name is shown on the pages of every plan they are in."""
    first, second = plans
    organisation = OrganisationFactory()
    user = UserFactory(password=None)
    for change in (organisation.save, user.save):
        settled()
        change()
        commit_pending()
        assert stamp(first) > LONG_AGO
        assert stamp(second) > LONG_AGO


def test_a_change_to_the_indicator_catalogue_raises_every_plans_stamp(plans):
    """An indicator's page names the catalogue entry it was picked from, whichever plan it is in."""
    first, second = plans
    entry = CatalogueIndicatorFactory()
    settled()
    entry.name = "Omdøbt af en superbruger"
    entry.save()
    commit_pending()
    assert stamp(first) > LONG_AGO
    assert stamp(second) > LONG_AGO


def test_a_login_raises_no_stamp(plans):
    """A login records only ``last_login``, which no page shows: it must not empty every plan's cache."""
    first, _second = plans
    user = UserFactory(password=None)
    settled()
    Client().force_login(user)  # Django's login records last_login through update_last_login
    commit_pending()
    assert stamp(first) == LONG_AGO


def test_saving_a_plan_read_before_a_raise_keeps_the_newer_stamp(plans):
    """The plan's own save never writes back the stamp it was read with: pages cached under an older stamp
    must not come back."""
    first, _second = plans
    stale = Plan.objects.get(pk=first.pk)
    newer = timezone.now()
    Plan.objects.filter(pk=first.pk).update(changed_at=newer)
    stale.name = "Nyt navn"
    stale.save()
    assert stamp(first) == newer
    assert Plan.objects.get(pk=first.pk).name == "Nyt navn"
