"""A submitted version is mailed to those who sign it in the app; the decided version to the coordinators."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.versions.factories import make_signer, submit_version
from tests.versions.test_signoff import approve_all

pytestmark = pytest.mark.django_db


def test_a_submitted_version_is_mailed_to_its_signers_and_the_decision_to_the_coordinators(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    signer = make_signer(amager_plan, "KK")
    housing_signer = make_signer(amager_plan, "3B", username="signer-3b")
    with django_capture_on_commit_callbacks(execute=True):
        version = submit_version(amager_plan, personas.coordinator)
    to = {address for message in mail.outbox for address in message.to}
    assert to == {signer.email, housing_signer.email}
    assert mail.outbox[0].subject == f"Version 2 af {amager_plan.name} afventer din underskrift"
    assert f"/plan/{amager_plan.slug}/versioner/2/" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(version, personas.coordinator)
    to = {address for message in mail.outbox for address in message.to}
    # The plan's coordinators (LBF's signer decided last: the coordinator is not the actor), and no one else.
    decided = [m for m in mail.outbox if m.subject == f"Version 2 af {amager_plan.name} er godkendt"]
    assert {address for message in decided for address in message.to} == {personas.coordinator.email}
