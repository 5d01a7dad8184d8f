"""Access as a query: ``Model.objects.for_user(user, action)`` lists exactly the rows ``user.has_perm(action,
row)`` allows — for every model of the goals and agreements apps, every role, a limited editor included."""

from __future__ import annotations

import pytest

from helhedsplan.agreements.models import StrategicAgreement, StrategicGoal, SubAgreement, SubAgreementParty
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from tests.world import ROLES, limited_to

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
ACTIONS = ["plan.view", "plan.edit_goals", "plan.manage"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_for_user_agrees_with_has_perm(amager_plan, other_plan, personas, model):
    # The Amager plan's rows (inside the limited editor's delaftale and outside it) and the second plan's.
    for plan in (amager_plan, other_plan):
        assert model.objects.in_plan(plan).exists(), f"{plan} has no {model.__name__}"
    rows = list(model.objects.all())
    disagreements = []
    for persona in ROLES[1:]:  # everyone signed in
        user = personas[persona]
        for action in ACTIONS:
            allowed = {row.pk for row in rows if user.has_perm(action, row)}
            listed = set(model.objects.for_user(user, action).values_list("pk", flat=True))
            if listed != allowed:
                disagreements.append((persona, action, sorted(listed), sorted(allowed)))
    assert disagreements == []


def test_a_limited_editor_may_record_measurements_only_inside_their_delaftale(amager_plan, personas):
    """The case ``for_user`` replaces the per-row loop for: the delaftale page's short measurement forms."""
    indicators = Indicator.objects.in_plan(amager_plan)
    of_goals = set(indicators.filter(goal__isnull=False))
    key_figures = set(indicators.filter(goal__isnull=True))
    inside = set(indicators.filter(goal__sub_agreement=limited_to(personas)))
    assert inside and of_goals - inside and key_figures  # indicators inside, elsewhere, and key figures

    def editable(user) -> set:
        return set(Indicator.objects.for_user(user, "plan.edit_goals"))

    # Not the key figures on the strategic goals, nor the indicators of the other delaftaler.
    assert editable(personas.limited_editor) == inside
    # Key figures follow the strategic agreement: coordinators only, even for an editor without a limit.
    assert editable(personas.editor) == of_goals
    assert editable(personas.coordinator) == of_goals | key_figures
    assert (
        editable(personas.reviewer) == editable(personas.org_reviewer) == editable(personas.outsider) == set()
    )
