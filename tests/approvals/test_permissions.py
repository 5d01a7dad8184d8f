"""Who may see and change what on the approvals pages: every URL × every role, and refused writes change nothing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.plans.models import Membership
from tests.agreements.factories import SubAgreementFactory
from tests.approvals.factories import ApprovalStepFactory, EstateDecisionFactory
from tests.plans.factories import EstateFactory, MembershipFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "reviewer", "editor", "limited_editor", "coordinator"]
READ = {
    "anonymous": 302,
    "non_member": 404,
    "reviewer": 200,
    "editor": 200,
    "limited_editor": 200,
    "coordinator": 200,
}
MANAGE = {**READ, "reviewer": 403, "editor": 403, "limited_editor": 403}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Six users per test; the real hasher would make this matrix take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = PlanFactory()
    estate = EstateFactory(plan=plan)
    decision = EstateDecisionFactory(estate=estate, result=EstateDecision.Result.PENDING, date=None)
    decision.minutes.save("referat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    step = ApprovalStepFactory(plan=plan, order=1)
    users = {
        "anonymous": None,
        "non_member": UserFactory(),
        "reviewer": MembershipFactory(plan=plan, role=Membership.Role.REVIEWER).user,
        "editor": MembershipFactory(plan=plan, role=Membership.Role.EDITOR).user,
        "limited_editor": MembershipFactory(
            plan=plan, role=Membership.Role.EDITOR, sub_agreements=[SubAgreementFactory(plan=plan)]
        ).user,
        "coordinator": MembershipFactory(plan=plan, role=Membership.Role.COORDINATOR).user,
    }
    return {"plan": plan, "estate": estate, "decision": decision, "step": step, "users": users}


def url_for(world, name: str) -> str:
    plan = world["plan"].slug
    if name.startswith("decision_") and name != "decision_create" or name == "minutes":
        return reverse(f"approvals:{name}", kwargs={"plan": plan, "pk": world["decision"].pk})
    if name in ("step_update", "step_delete"):
        return reverse(f"approvals:{name}", kwargs={"plan": plan, "pk": world["step"].pk})
    return reverse(f"approvals:{name}", kwargs={"plan": plan})


def log_in(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)


def snapshot():
    """Everything the approvals pages could change."""
    return (
        list(EstateDecision.objects.order_by("pk").values()),
        list(ApprovalStep.objects.order_by("pk").values()),
    )


def valid_post(world, name: str) -> dict:
    decision, step = world["decision"], world["step"]
    if name == "decision_create":
        return {
            "estate": EstateFactory(plan=world["plan"]).pk,
            "body": "ballot",
            "result": "approved",
            "date": "2021-10-01",
        }
    if name == "decision_update":
        return {
            "lock_version": decision.lock_version,
            "estate": decision.estate_id,
            "body": decision.body,
            "result": "approved",
            "date": "2021-11-04",
        }
    if name == "step_create":
        return {"order": "2", "title": "Nyt trin", "body": "LBF", "status": "planned"}
    if name == "step_update":
        return {
            "lock_version": step.lock_version,
            "order": "1",
            "title": "Ændret",
            "body": "LBF",
            "status": "done",
        }
    return {}  # deletes


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("overview", READ),
        ("minutes", READ),
        ("decision_create", MANAGE),
        ("decision_update", MANAGE),
        ("decision_delete", MANAGE),
        ("step_create", MANAGE),
        ("step_update", MANAGE),
        ("step_delete", MANAGE),
    ],
)
def test_get(client, world, role, name, expected):
    log_in(client, world, role)

    response = client.get(url_for(world, name))

    assert response.status_code == expected[role]
    if expected[role] == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name",
    ["decision_create", "decision_update", "decision_delete", "step_create", "step_update", "step_delete"],
)
def test_post(client, world, role, name):
    log_in(client, world, role)
    data = valid_post(world, name)
    before = snapshot()

    response = client.post(url_for(world, name), data)

    if role == "coordinator":
        assert response.status_code == 302
        assert snapshot() != before
    else:
        assert response.status_code == MANAGE[role]
        assert snapshot() == before


@pytest.mark.parametrize(
    "name", ["minutes", "decision_update", "decision_delete", "step_update", "step_delete"]
)
def test_another_plans_objects_are_not_found(client, world, name):
    """A coordinator of another plan, asking through their own plan's address, finds nothing."""
    other = PlanFactory()
    coordinator = MembershipFactory(plan=other, role=Membership.Role.COORDINATOR).user
    client.force_login(coordinator)
    before = snapshot()

    url = url_for(world, name).replace(f"/plan/{world['plan'].slug}/", f"/plan/{other.slug}/")

    assert client.get(url).status_code == 404
    assert client.post(url, valid_post(world, name)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "sees_controls"), [("reviewer", False), ("editor", False), ("coordinator", True)]
)
def test_edit_controls_show_only_for_coordinators(client, world, role, sees_controls):
    log_in(client, world, role)

    page = client.get(url_for(world, "overview")).content.decode()

    assert (url_for(world, "decision_update") in page) is sees_controls
    assert (url_for(world, "step_create") in page) is sees_controls
    # History is for every member.
    assert f"/historik/approvals.estatedecision/{world['decision'].pk}/" in page
