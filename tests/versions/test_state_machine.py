"""The state machine of a version: every status change allowed or refused (``PlanVersion.TRANSITIONS``), and who
moves a version by deciding for a party — for every role, in every status, by each path (in the app, recorded
outside it, and the bestyrelse's decision in governance)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.governance import services as governance
from helhedsplan.versions.models import PlanVersion, Signoff
from helhedsplan.versions.services import signoff_decide
from tests.versions.factories import evidence, forget_versions, make_signer, submit_version
from tests.versions.test_board_decision import board_meeting
from tests.world import snapshot

pytestmark = pytest.mark.django_db

STATUSES = [status.value for status in PlanVersion.Status]
DAY = datetime.date(2026, 11, 30)


def version_in(plan, coordinator, status: str) -> PlanVersion:
    """A version of ``plan`` in ``status``, moved there along the allowed transitions (the plan has no other)."""
    forget_versions(plan)
    version = submit_version(plan, coordinator, change=False)
    path = {
        "submitted": [],
        "approved": ["approved"],
        "rejected": ["rejected"],
        "superseded": ["approved", "superseded"],
    }[status]
    for step in path:
        version.status = step
        version.save()
    return version


@pytest.mark.parametrize(("old", "new"), list(itertools.permutations(STATUSES, 2)))
def test_every_status_change_is_allowed_only_along_the_transitions(amager_plan, personas, old, new):
    version = version_in(amager_plan, personas.coordinator, old)
    version.status = new
    if new in PlanVersion.TRANSITIONS[old]:
        version.save()
        assert PlanVersion.objects.get(pk=version.pk).status == new
    else:
        with pytest.raises(ValidationError):
            version.save()
        assert PlanVersion.objects.get(pk=version.pk).status == old
    # Never by a queryset's update, allowed or not.
    with pytest.raises(ValidationError):
        PlanVersion.objects.filter(pk=version.pk).update(status=new)


ROLES = [
    "coordinator",
    "editor",
    "limited_editor",
    "reviewer",
    "org_reviewer",
    "other_plan_coordinator",
    "signer",
]
#: Who may decide, by path, on a version awaiting its sign-offs: the kommune's signer in the app, a coordinator
#: recording a decision taken outside it (the bestyrelse's, here).
ALLOWED = {("signer", "in_app"), ("coordinator", "outside_app"), ("coordinator", "board_decision")}


def _decide(path: str, version: PlanVersion, actor) -> None:
    plan = version.plan
    if path == "in_app":
        signoff = version.signoffs.get(party=Signoff.Party.MUNICIPALITY)
        signoff_decide(signoff=signoff, decision="approved", body="Udvalget", decided_on=DAY, actor=actor)
    elif path == "outside_app":
        signoff = version.signoffs.get(party=Signoff.Party.BOARD)
        signoff_decide(
            signoff=signoff,
            decision="approved",
            body="Bestyrelsen",
            decided_on=DAY,
            evidence=evidence(),
            outside_app=True,
            actor=actor,
        )
    else:
        governance.meeting_decision_create(
            meeting=board_meeting(plan), data={"text": "Godkendt.", "approves_version": version}, actor=actor
        )


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("path", ["in_app", "outside_app", "board_decision"])
def test_who_decides_for_a_party_in_each_status(amager_plan, personas, status, path):
    version = version_in(amager_plan, personas.coordinator, status)
    signer = make_signer(amager_plan, "KK")
    for role in ROLES:
        actor = signer if role == "signer" else personas[role]
        decided = [s.pk for s in version.signoffs.exclude(decision="awaiting")]
        before = snapshot()
        allowed = status == "submitted" and (role, path) in ALLOWED
        if path == "board_decision" and status != "submitted":
            # A decision about a version no longer awaiting only links it: saved (who writes a decision is the
            # governance pages' rule), and no sign-off moves.
            _decide(path, version, actor)
            assert [s.pk for s in version.signoffs.exclude(decision="awaiting")] == decided, role
            continue
        if allowed:
            _decide(path, version, actor)
            assert version.signoffs.exclude(decision="awaiting").count() == len(decided) + 1, role
            return  # the party has decided: the next role would meet a decided sign-off
        with pytest.raises(ValidationError):
            _decide(path, version, actor)
        assert snapshot() == before, f"{role} {path} {status}: refused, but the database changed"
        assert PlanVersion.objects.get(pk=version.pk).status == status
