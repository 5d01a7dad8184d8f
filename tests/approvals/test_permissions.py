"""The approvals pages' own permission details, beyond the every-URL walk's table (tests/test_every_url.py),
where every approvals URL is tried by every role: edit controls show only for coordinators, and the history
is for every member."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.approvals.models import EstateDecision
from tests.approvals.factories import ApprovalStepFactory, EstateDecisionFactory
from tests.plans.factories import EstateFactory, PlanFactory
from tests.world import client_for, make_personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "sees_controls"), [("reviewer", False), ("editor", False), ("coordinator", True)]
)
def test_edit_controls_show_only_for_coordinators(role, sees_controls):
    plan = PlanFactory()
    decision = EstateDecisionFactory(
        estate=EstateFactory(plan=plan), result=EstateDecision.Result.PENDING, date=None
    )
    ApprovalStepFactory(plan=plan, order=1)
    personas = make_personas(plan)

    page = client_for(personas[role]).get(reverse("approvals:overview", kwargs={"plan": plan.slug}))

    html = page.content.decode()
    update = reverse("approvals:decision_update", kwargs={"plan": plan.slug, "pk": decision.pk})
    assert (update in html) is sees_controls
    assert (reverse("approvals:step_create", kwargs={"plan": plan.slug}) in html) is sees_controls
    # The history buttons and the "Ændringer" column come with the right to change: none on a reader's rows
    # (the history pages themselves stay open to every member).
    assert (f"/historik/approvals.estatedecision/{decision.pk}/" in html) is sees_controls
    assert ("Ændringer</th>" in html) is sees_controls
