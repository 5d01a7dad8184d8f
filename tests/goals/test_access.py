"""Access as a query: ``Model.objects.for_user(user, action)`` lists exactly the rows ``user.has_perm(action,
row)`` allows — for every model of the goals and agreements apps, every role, a limited editor included."""

from __future__ import annotations

import pytest

from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from tests.agreements.factories import SubAgreementPartyFactory
from tests.goals.page_fixtures import build_world

pytestmark = pytest.mark.django_db

MODELS = [
    Goal,
    Indicator,
    Measurement,
    Activity,
    SubAgreement,
    SubAgreementParty,
    StrategicGoal,
    StrategicAgreement,
]
PERSONAS = ["coordinator", "editor", "editor_this", "editor_other", "reviewer", "outsider"]
ACTIONS = ["plan.view", "plan.edit_goals", "plan.manage"]


@pytest.fixture
def world():
    world = build_world()
    SubAgreementPartyFactory(sub_agreement=world.sub_agreement, organisation=world.organisation)
    SubAgreementPartyFactory(sub_agreement=world.other_sub_agreement, organisation=world.organisation)
    StrategicAgreement.objects.create(plan=world.plan, vision="Et godt sted at bo")
    return world


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_for_user_agrees_with_has_perm(world, model):
    rows = list(model.objects.all())
    assert rows, f"the world has no {model.__name__}"
    disagreements = []
    for persona in PERSONAS:
        user = world.users[persona]
        for action in ACTIONS:
            allowed = {row.pk for row in rows if user.has_perm(action, row)}
            listed = set(model.objects.for_user(user, action).values_list("pk", flat=True))
            if listed != allowed:
                disagreements.append((persona, action, sorted(listed), sorted(allowed)))
    assert disagreements == []


def test_a_limited_editor_may_record_measurements_only_inside_their_delaftale(world):
    """The case ``for_user`` replaces the per-row loop for: the delaftale page's short measurement forms."""
    editable = set(Indicator.objects.for_user(world.users["editor_this"], "plan.edit_goals"))
    assert editable == {world.indicator}  # not the key figure on the strategic goal
    assert set(Indicator.objects.for_user(world.users["editor_other"], "plan.edit_goals")) == set()
    # Key figures follow the strategic agreement: coordinators only, even for an editor without a limit.
    assert set(Indicator.objects.for_user(world.users["editor"], "plan.edit_goals")) == {world.indicator}
    assert set(Indicator.objects.for_user(world.users["coordinator"], "plan.edit_goals")) == {
        world.indicator,
        world.key_figure,
    }
    assert set(Indicator.objects.for_user(world.users["reviewer"], "plan.edit_goals")) == set()
