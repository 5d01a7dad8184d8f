"""The agreement pages' own permission details, beyond the every-URL walk's table (tests/test_every_url.py).

Who may GET and POST each agreement URL, and that a refused POST changes nothing, is in the walk. Here: a
coordinator's allowed posts change what they say and send the user back where they belong.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.agreements.models import FocusArea, SubAgreementParty

pytestmark = pytest.mark.django_db


def url_for(plan, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"plan": plan.slug, **kwargs})


def test_coordinator_posts_change_what_they_say(client, amager_plan, personas):
    client.force_login(personas.coordinator)
    agreement = amager_plan.strategic_agreement
    education = amager_plan.sub_agreements.get(focus_area=FocusArea.EDUCATION)
    assert agreement.governance  # the plan file's

    response = client.post(
        url_for(amager_plan, "agreements:strategic_update"),
        {
            "vision": "Ny vision",
            "challenges": "",
            "steering_tools": "",
            "resident_involvement": "",
            "governance": "",
            "lock_version": agreement.lock_version,
        },
    )
    assert response["Location"] == reverse("agreements:strategic", kwargs={"plan": amager_plan.slug})
    agreement.refresh_from_db()
    assert agreement.vision == "Ny vision"
    assert agreement.governance == ""

    # Beskæftigelses- og Integrationsforvaltningen: a party to the plan, not yet to this delaftale.
    bif = amager_plan.organisations.get(short_name="BIF")
    client.post(
        url_for(amager_plan, "agreements:party_create", sub_agreement=education.pk),
        {"organisation": bif.pk, "commitment": "Jobvejledning"},
    )
    created = SubAgreementParty.objects.get(sub_agreement=education, organisation=bif)
    assert created.commitment == "Jobvejledning"

    party = education.parties.get(organisation__short_name="BUF")
    response = client.post(url_for(amager_plan, "agreements:party_delete", pk=party.pk))
    assert response["Location"] == education.get_absolute_url() + "#parties"
    assert not SubAgreementParty.objects.filter(pk=party.pk).exists()
