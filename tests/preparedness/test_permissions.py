"""The emergency plan's own permission details, beyond the every-URL walk's table (tests/test_every_url.py),
where every preparedness URL is tried by every role: writing the emergency plan in a plan that has none is for
coordinators, and names, phones and e-mails of contacts reach coordinators and editors only — never a reviewer,
not on any page nor in a contact's history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.preparedness.models import PreparednessPlan
from tests.plans.factories import PlanFactory
from tests.preparedness.page_fixtures import SECRET_EMAIL, SECRET_NAME, SECRET_PHONE, build_preparedness
from tests.world import ROLES, client_for, make_personas

pytestmark = pytest.mark.django_db

#: What each role gets on a page that needs the contacts' details (as the walk's CONTACT_DETAILS).
DETAILS = {
    "anonymous": 302,
    "outsider": 404,
    "other_plan_coordinator": 404,
    "reviewer": 403,
    "limited_editor": 200,
    "editor": 200,
    "coordinator": 200,
}


@pytest.fixture
def world():
    world = build_preparedness()
    world["personas"] = make_personas(world["plan"])
    return world


def target(world, name: str) -> str:
    pk = {"incident": world["open_incident"].pk}.get(name)
    return reverse(f"preparedness:{name}", kwargs={"plan": world["plan"].slug, **({"pk": pk} if pk else {})})


def history(world, obj) -> str:
    return reverse(
        "history",
        kwargs={
            "plan": world["plan"].slug,
            "app_label": obj._meta.app_label,
            "model_name": obj._meta.model_name,
            "pk": obj.pk,
        },
    )


@pytest.mark.parametrize("role", ROLES)
def test_writing_the_emergency_plan_is_for_coordinators(role):
    plan = PlanFactory()
    client = client_for(make_personas(plan)[role])
    create = reverse("preparedness:plan_create", kwargs={"plan": plan.slug})
    expected = DETAILS | {"limited_editor": 403, "editor": 403}

    assert client.get(create).status_code == expected[role]
    response = client.post(create, {"purpose": "Formål"})
    assert PreparednessPlan.objects.filter(plan=plan).exists() is (role == "coordinator")
    if role != "coordinator":
        assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ROLES)
def test_contact_history_is_for_those_who_may_see_contact_details(world, role):
    response = client_for(world["personas"][role]).get(history(world, world["contact"]))

    assert response.status_code == DETAILS[role]
    if response.status_code == 200:
        assert SECRET_NAME in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "limited_editor", "editor", "coordinator"])
def test_other_history_pages_are_for_every_member(world, role):
    client = client_for(world["personas"][role])
    for obj in (world["preparedness_plan"], world["levels"][0], world["card"], world["open_incident"]):
        assert client.get(history(world, obj)).status_code == 200


@pytest.mark.parametrize("name", ["contacts", "print", "overview", "incidents", "incident"])
def test_a_reviewer_never_receives_names_phones_or_emails(world, name):
    page = client_for(world["personas"].reviewer).get(target(world, name)).content.decode()

    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_PHONE.replace(" ", ""), SECRET_EMAIL, "Hverdage 8-16"):
        assert secret not in page
    if name in ("contacts", "print"):
        # …but does get the roles and organisations, and the verification flag.
        assert "SSP-konsulent" in page
        assert "SSP" in page
        assert "contact-flag" in page
        assert history(world, world["contact"]) not in page


@pytest.mark.parametrize("role", ["limited_editor", "editor", "coordinator"])
def test_editors_and_coordinators_see_contact_details(world, role):
    client = client_for(world["personas"][role])
    for name in ("contacts", "print"):
        page = client.get(target(world, name)).content.decode()
        assert SECRET_NAME in page
        assert SECRET_EMAIL in page
