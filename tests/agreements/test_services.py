"""The agreements app's writes without a form."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.agreements import services
from helhedsplan.agreements.models import FocusArea, StrategicAgreement
from helhedsplan.core.services import EditConflict

pytestmark = pytest.mark.django_db


def test_the_first_save_creates_the_strategic_agreement_and_a_second_first_save_is_a_conflict(
    amager_plan, personas
):
    StrategicAgreement.objects.all().delete()
    coordinator = personas.coordinator

    created = services.strategic_agreement_save(
        plan=amager_plan, data={"vision": "Den første"}, expected_lock_version=None, actor=coordinator
    )
    assert created.history.get().history_user == coordinator

    # A second coordinator who opened the empty form too is shown what the first wrote, and overwrites nothing.
    with pytest.raises(EditConflict) as conflict:
        services.strategic_agreement_save(
            plan=amager_plan, data={"vision": "Den anden"}, expected_lock_version=None, actor=coordinator
        )
    assert conflict.value.current_lock_version == created.lock_version
    assert StrategicAgreement.objects.get(plan=amager_plan).vision == "Den første"


def test_an_organisation_is_a_party_to_a_delaftale_once(amager_plan):
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    parties = set(education.parties.all())
    with pytest.raises(ValidationError) as refusal:
        services.sub_agreement_party_create(
            sub_agreement=education,
            data={"organisation": amager_plan.organisations.get(short_name="BUF")},
            actor=None,
        )
    assert list(refusal.value.message_dict) == ["organisation"]
    assert set(education.parties.all()) == parties


def test_a_strategic_goal_cannot_be_blank(amager_plan):
    goal = amager_plan.strategic_goals.get(focus_area=FocusArea.EDUCATION)
    with pytest.raises(ValidationError) as refusal:
        services.strategic_goal_update(
            strategic_goal=goal, data={"text": ""}, expected_lock_version=goal.lock_version, actor=None
        )
    assert list(refusal.value.message_dict) == ["text"]
