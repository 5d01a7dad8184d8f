"""Who may see and change what in the emergency plan: every URL × every role; reviewers never get personal data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhedsplan.plans.models import Membership
from helhedsplan.preparedness.models import (
    ActionCard,
    Contact,
    EscalationLevel,
    Incident,
    IncidentLogEntry,
    PreparednessPlan,
)
from tests.agreements.factories import SubAgreementFactory
from tests.plans.factories import MembershipFactory, PlanFactory
from tests.preparedness.factories import EscalationLevelFactory
from tests.preparedness.test_views import SECRET_EMAIL, SECRET_NAME, SECRET_PHONE, build_preparedness

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "reviewer", "editor", "limited_editor", "coordinator"]
READ = dict.fromkeys(ROLES, 200) | {"anonymous": 302, "non_member": 404}
MANAGE = READ | {"reviewer": 403, "editor": 403, "limited_editor": 403}
LOG = READ | {"reviewer": 403}
DETAILS = LOG  # names, phones and e-mails: coordinators and editors


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    world = build_preparedness()
    plan = world["plan"]
    world["users"]["limited_editor"] = MembershipFactory(
        plan=plan, role=Membership.Role.EDITOR, sub_agreements=[SubAgreementFactory(plan=plan)]
    ).user
    # Both other levels are in use by incidents, which protects them from deletion.
    world["free_level"] = EscalationLevelFactory(
        preparedness_plan=world["preparedness_plan"], order=3, name="By"
    )
    return world


def target(world, name: str) -> str:
    """The URL of ``name``, about the world's objects."""
    pks = {
        "level_update": world["free_level"],
        "level_delete": world["free_level"],
        "card_update": world["card"],
        "card_delete": world["card"],
        "contact_update": world["contact"],
        "contact_delete": world["contact"],
        "incident": world["open_incident"],
        "incident_update": world["open_incident"],
        "log_entry_create": world["open_incident"],
        "incident_close": world["open_incident"],
    }
    kwargs = {"plan": world["plan"].slug}
    if name in pks:
        kwargs["pk"] = pks[name].pk
    return reverse(f"preparedness:{name}", kwargs=kwargs)


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


def log_in(client, world, role):
    if world["users"][role] is not None:
        client.force_login(world["users"][role])


def snapshot():
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (PreparednessPlan, EscalationLevel, ActionCard, Contact, Incident, IncidentLogEntry)
    )


def valid_post(world, name: str) -> dict:
    now = timezone.localtime()
    level, card, contact, incident = (
        world["levels"][0],
        world["card"],
        world["contact"],
        world["open_incident"],
    )
    return {
        "plan_update": {"purpose": "Nyt", "lock_version": world["preparedness_plan"].lock_version},
        "level_create": {"order": "9", "name": "Ny"},
        "level_update": {"order": "3", "name": "Omdøbt", "lock_version": level.lock_version},
        "card_create": {"scenario": "Nyt scenarie", "responsible_role": "Leder", "order": "0"},
        "card_update": {
            "scenario": "Omdøbt",
            "responsible_role": "Leder",
            "order": "0",
            "lock_version": card.lock_version,
        },
        "contact_create": {"name": "N", "role": "R", "organisation": world["ssp"].pk, "order": "0"},
        "contact_update": {
            "name": "Omdøbt",
            "role": "R",
            "organisation": world["ssp"].pk,
            "order": "0",
            "lock_version": contact.lock_version,
        },
        "incident_create": {
            "occurred_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "level": level.pk,
            "summary": "Ny hændelse",
        },
        "incident_update": {
            "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "level": level.pk,
            "summary": "Rettet",
            "lock_version": incident.lock_version,
        },
        "log_entry_create": {"text": "Ny linje"},
        "incident_close": {"lock_version": incident.lock_version, "what_worked": "a", "lessons": "b"},
    }.get(name, {})


GET_MATRIX = [
    ("overview", READ),
    ("contacts", READ),
    ("print", READ),
    ("incidents", READ),
    ("incident", READ),
    ("plan_update", MANAGE),
    ("level_create", MANAGE),
    ("level_update", MANAGE),
    ("level_delete", MANAGE),
    ("card_create", MANAGE),
    ("card_update", MANAGE),
    ("card_delete", MANAGE),
    ("contact_create", MANAGE),
    ("contact_update", MANAGE),
    ("contact_delete", MANAGE),
    ("incident_update", MANAGE),
    ("incident_create", LOG),
    ("log_entry_create", LOG),
    ("incident_close", LOG),
]
POST_MATRIX = [(name, expected) for name, expected in GET_MATRIX if expected is not READ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "expected"), GET_MATRIX)
def test_get(client, world, role, name, expected):
    log_in(client, world, role)

    response = client.get(target(world, name))

    assert response.status_code == expected[role]
    if expected[role] == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "expected"), POST_MATRIX)
def test_post(client, world, role, name, expected):
    log_in(client, world, role)
    before = snapshot()

    response = client.post(target(world, name), valid_post(world, name))

    if expected[role] == 200:
        assert response.status_code == 302, (
            getattr(response, "context", {}) and response.context.get("form").errors
        )
        assert snapshot() != before
    else:
        assert response.status_code == expected[role]
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_writing_the_emergency_plan_is_for_coordinators(client, role):
    plan = PlanFactory()
    users = {
        "anonymous": None,
        "non_member": MembershipFactory(role=Membership.Role.COORDINATOR).user,  # of another plan
        "reviewer": MembershipFactory(plan=plan, role=Membership.Role.REVIEWER).user,
        "editor": MembershipFactory(plan=plan, role=Membership.Role.EDITOR).user,
        "limited_editor": MembershipFactory(
            plan=plan, role=Membership.Role.EDITOR, sub_agreements=[SubAgreementFactory(plan=plan)]
        ).user,
        "coordinator": MembershipFactory(plan=plan, role=Membership.Role.COORDINATOR).user,
    }
    if users[role] is not None:
        client.force_login(users[role])
    create = reverse("preparedness:plan_create", kwargs={"plan": plan.slug})

    assert client.get(create).status_code == MANAGE[role]
    response = client.post(create, {"purpose": "Formål"})
    assert PreparednessPlan.objects.filter(plan=plan).exists() is (role == "coordinator")
    if role != "coordinator":
        assert response.status_code == MANAGE[role]


@pytest.mark.parametrize("role", ROLES)
def test_contact_history_is_for_those_who_may_see_contact_details(client, world, role):
    log_in(client, world, role)

    response = client.get(history(world, world["contact"]))

    assert response.status_code == DETAILS[role]
    if response.status_code == 200:
        assert SECRET_NAME in response.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "editor", "coordinator"])
def test_other_history_pages_are_for_every_member(client, world, role):
    log_in(client, world, role)
    for obj in (world["preparedness_plan"], world["levels"][0], world["card"], world["open_incident"]):
        assert client.get(history(world, obj)).status_code == 200


@pytest.mark.parametrize("name", ["contacts", "print", "overview", "incidents", "incident"])
def test_a_reviewer_never_receives_names_phones_or_emails(client, world, name):
    log_in(client, world, "reviewer")

    page = client.get(target(world, name)).content.decode()

    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_PHONE.replace(" ", ""), SECRET_EMAIL, "Hverdage 8-16"):
        assert secret not in page
    if name in ("contacts", "print"):
        # …but does get the roles and organisations, and the verification flag.
        assert "SSP-konsulent" in page
        assert "SSP" in page
        assert "contact-flag" in page
        assert history(world, world["contact"]) not in page


@pytest.mark.parametrize("role", ["editor", "coordinator"])
def test_editors_and_coordinators_see_contact_details(client, world, role):
    log_in(client, world, role)
    for name in ("contacts", "print"):
        page = client.get(target(world, name)).content.decode()
        assert SECRET_NAME in page
        assert SECRET_EMAIL in page


@pytest.mark.parametrize(
    "name",
    [
        "level_update",
        "level_delete",
        "card_update",
        "card_delete",
        "contact_update",
        "contact_delete",
        "incident",
        "incident_update",
        "log_entry_create",
        "incident_close",
    ],
)
def test_another_plans_objects_are_not_found(client, world, name):
    other = build_preparedness(PlanFactory())
    client.force_login(other["users"]["coordinator"])
    before = snapshot()

    url = target(world, name).replace(f"/plan/{world['plan'].slug}/", f"/plan/{other['plan'].slug}/")

    assert client.get(url).status_code == 404
    assert client.post(url, valid_post(world, name)).status_code == 404
    assert snapshot() == before
