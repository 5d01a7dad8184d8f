"""The demo's versions: version 1 from the plan file, version 2 an example change awaiting Landsbyggefonden,
which the lbf login signs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.planfiles.demo import ensure_demo_logins, ensure_demo_versions
from helhedsplan.versions.models import PlanVersion, Signoff
from helhedsplan.versions.services import may_sign
from tests.world import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_version_2_awaiting_lbf_which_lbf_signs(amager_plan):
    ensure_demo_logins(amager_plan)
    assert ensure_demo_versions(amager_plan)
    assert not ensure_demo_versions(amager_plan)  # made once

    second = PlanVersion.objects.get(plan=amager_plan, number=2)
    assert second.status == "submitted" and second.needs_lbf and second.is_example
    assert second.reason.startswith("Eksempel:")
    lbf_signoff = second.signoffs.get(party=Signoff.Party.LBF)
    others = second.signoffs.exclude(pk=lbf_signoff.pk)
    assert all(s.decision == "approved" and s.outside_app and s.is_example and s.evidence for s in others)
    assert not lbf_signoff.is_decided

    lbf = amager_plan.memberships.get(user__username="lbf").user
    assert may_sign(lbf, lbf_signoff)
    address = reverse(
        "versions:signoff_update", kwargs={"plan": amager_plan.slug, "number": 2, "pk": lbf_signoff.pk}
    )
    response = client_for(lbf).post(
        address,
        {"decision": "approved", "body": "Landsbyggefonden", "decided_on": "2026-12-01", "comment": ""},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "approved"
    assert PlanVersion.objects.get(plan=amager_plan, number=1).status == "superseded"
