"""The agreements app's writes without a form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.agreements import services
from helhedsplan.agreements.models import FocusArea, StrategicAgreement, SubAgreementParty
from helhedsplan.core.services import EditConflict
from tests.agreements.page_fixtures import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_the_first_save_creates_the_strategic_agreement_and_a_second_first_save_is_a_conflict(world):
    StrategicAgreement.objects.all().delete()
    coordinator = world.users["coordinator"]

    created = services.strategic_agreement_save(
        plan=world.plan, data={"vision": "Den første"}, expected_lock_version=None, actor=coordinator
    )
    assert created.history.get().history_user == coordinator

    # A second coordinator who opened the empty form too is shown what the first wrote, and overwrites nothing.
    with pytest.raises(EditConflict) as conflict:
        services.strategic_agreement_save(
            plan=world.plan, data={"vision": "Den anden"}, expected_lock_version=None, actor=coordinator
        )
    assert conflict.value.current_lock_version == created.lock_version
    assert StrategicAgreement.objects.get(plan=world.plan).vision == "Den første"


def test_an_organisation_is_a_party_to_a_delaftale_once(world):
    education = world.sub_agreements[FocusArea.EDUCATION]
    with pytest.raises(ValidationError) as refusal:
        services.sub_agreement_party_create(
            sub_agreement=education, data={"organisation": world.party.organisation}, actor=None
        )
    assert list(refusal.value.message_dict) == ["organisation"]
    assert SubAgreementParty.objects.filter(sub_agreement=education).count() == 1


def test_a_strategic_goal_cannot_be_blank(world):
    goal = world.strategic_goals[FocusArea.EDUCATION]
    with pytest.raises(ValidationError) as refusal:
        services.strategic_goal_update(
            strategic_goal=goal, data={"text": ""}, expected_lock_version=goal.lock_version, actor=None
        )
    assert list(refusal.value.message_dict) == ["text"]
