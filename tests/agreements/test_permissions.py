"""The agreement pages' own permission details, beyond the every-URL walk's table (tests/test_every_url.py).

Who may GET and POST each agreement URL, and that a refused POST changes nothing, is in the walk. Here: a
coordinator's allowed posts change what they say and send the user back where they belong.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.agreements.models import (
    FocusArea,
    SubAgreementParty,
)
from tests.agreements.page_fixtures import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


def url_for(world: World, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"plan": world.plan.slug, **kwargs})


def test_coordinator_posts_change_what_they_say(client, world):
    client.force_login(world.users["coordinator"])
    education = world.sub_agreements[FocusArea.EDUCATION]

    response = client.post(
        url_for(world, "agreements:strategic_update"),
        {
            "vision": "Ny vision",
            "challenges": "",
            "steering_tools": "",
            "resident_involvement": "",
            "governance": "",
            "lock_version": world.agreement.lock_version,
        },
    )
    assert response["Location"] == reverse("agreements:strategic", kwargs={"plan": world.plan.slug})
    world.agreement.refresh_from_db()
    assert world.agreement.vision == "Ny vision"
    assert world.agreement.governance == ""

    client.post(
        url_for(world, "agreements:party_create", sub_agreement=education.pk),
        {"organisation": world.organisations[1].pk, "commitment": "Jobvejledning"},
    )
    created = SubAgreementParty.objects.get(sub_agreement=education, organisation=world.organisations[1])
    assert created.commitment == "Jobvejledning"

    response = client.post(url_for(world, "agreements:party_delete", pk=world.party.pk))
    assert response["Location"] == education.get_absolute_url() + "#parties"
    assert not SubAgreementParty.objects.filter(pk=world.party.pk).exists()
