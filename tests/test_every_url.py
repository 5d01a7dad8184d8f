"""One parametrised walk over every URL inside a plan, as every role (the pretix way).

Whatever a page is, these hold: anonymous visitors are sent to log in; a user of another plan gets 404, and so
does a member asking for another plan's object; a reviewer reads but every edit URL answers 403 and a refused
POST changes nothing; a coordinator may open everything; nothing answers 500. The per-app permission tests go
into detail; this one makes sure no new URL escapes the rules.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import Sum
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from helhedsplan.agreements.models import StrategicGoal, SubAgreement
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import BudgetLine, FundingSource
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Estate, Membership, PlanContent
from helhedsplan.preparedness.models import ActionCard, Contact, EscalationLevel, Incident, IncidentLogEntry

#: URL keyword → the model whose pk it carries (``pk`` itself is the view's own model).
KWARG_MODELS = {
    "sub_agreement": SubAgreement,
    "strategic_goal": StrategicGoal,
    "goal": Goal,
    "indicator": Indicator,
    "measurement": Measurement,
    "activity": Activity,
    "line": BudgetLine,
    "source": FundingSource,
    "estate": Estate,
    "decision": EstateDecision,
    "step": ApprovalStep,
    "contact": Contact,
    "level": EscalationLevel,
    "card": ActionCard,
    "incident": Incident,
    "entry": IncidentLogEntry,
}

EDIT_NAME = re.compile(r"(create|update|delete|close|edit|upload|add|remove)$")


def _plan_routes():
    """(name, route parts, view class) of every URL whose path holds the plan slug."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, route, ns)
            elif isinstance(entry, URLPattern) and "<slug:plan>" in route and entry.name:
                view_class = getattr(entry.callback, "view_class", None)
                found.append((namespace + entry.name, route, view_class))

    walk(get_resolver().url_patterns, "", "")
    return sorted(found)


ROUTES = _plan_routes()
ROLES = ["anonymous", "outsider", "reviewer", "editor", "limited_editor", "coordinator"]


def _kwarg_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _first_in(model, plan):
    obj = model.objects.in_plan(plan).order_by("pk").first()
    assert obj is not None, f"the test data has no {model.__name__} in {plan}"
    return obj


def _kwargs_for(name, route, view_class, plan):
    kwargs = {"plan": plan.slug}
    for key in _kwarg_names(route):
        if key == "plan":
            continue
        if name == "history":
            kwargs.update(app_label="goals", model_name="goal", pk=_first_in(Goal, plan).pk)
            break
        model = KWARG_MODELS.get(key) if key != "pk" else getattr(view_class, "model", None)
        assert model is not None and isinstance(model, type), f"{name}: cannot tell which object <{key}> is"
        kwargs[key] = _first_in(model, plan).pk
    return kwargs


def _snapshot():
    """Row counts and summed versions of every plan model: any write changes it."""
    rows = []
    for model in apps.get_models():
        if issubclass(model, PlanContent):
            agg = model.objects.aggregate(total=Sum("lock_version"))
            rows.append((model._meta.label, model.objects.count(), agg["total"]))
    return rows


@pytest.fixture
def world(amager_plan, django_user_model):
    """The Amager plan with one user per role, and a second plan with one of everything."""
    from tests.plans.factories import MembershipFactory, UserFactory
    from tests.test_every_url_data import build_other_plan

    other = build_other_plan()
    decision = EstateDecision.objects.in_plan(amager_plan).order_by("pk").first()
    decision.minutes.save("referat.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    org = amager_plan.organisations.first() or other.organisations.first()
    sub_agreements = list(SubAgreement.objects.in_plan(amager_plan).order_by("focus_area"))
    users = {"anonymous": None}
    for role, membership_role, limit in [
        ("reviewer", Membership.Role.REVIEWER, None),
        ("editor", Membership.Role.EDITOR, None),
        ("limited_editor", Membership.Role.EDITOR, [sub_agreements[-1]]),
        ("coordinator", Membership.Role.COORDINATOR, None),
    ]:
        user = UserFactory(username=f"walk-{role}")
        from helhedsplan.plans.models import Organisation

        MembershipFactory(
            user=user,
            plan=amager_plan,
            organisation=org or Organisation.objects.first(),
            role=membership_role,
            sub_agreements=limit or [],
        )
        users[role] = user
    outsider = UserFactory(username="walk-outsider")
    MembershipFactory(user=outsider, plan=other, role=Membership.Role.COORDINATOR)
    users["outsider"] = outsider
    return amager_plan, other, users


def _client_for(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    return client


@pytest.mark.django_db
def test_every_plan_page_is_walked():
    assert len(ROUTES) > 30, "the walk found suspiciously few plan URLs"


def _expectation_failures(response, url: str, name: str, role: str, plan) -> list[str]:
    status = response.status_code
    # An action-only URL (close an incident, add a log entry) may send a GET on to its page in the same plan.
    moves_on_in_plan = status == 302 and response["Location"].startswith(f"/plan/{plan.slug}/")
    if role == "anonymous":
        ok = status == 302 and response["Location"].startswith(reverse("login"))
    elif role == "outsider":
        ok = status == 404
    elif role == "reviewer":
        ok = status == 403 if EDIT_NAME.search(name) else status in (200, 403)
    elif role == "coordinator":
        ok = status == 200 or moves_on_in_plan
    else:
        ok = status in (200, 403) or moves_on_in_plan
    return [] if ok else [f"{role}: GET {url} answered {status}"]


# One test per URL walks all roles, so the plan data is built once per URL rather than once per role.
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route", "view_class"), ROUTES, ids=[r[0] for r in ROUTES])
def test_get_every_url_as_every_role(client, world, name, route, view_class):
    plan, _other, users = world
    url = reverse(name, kwargs=_kwargs_for(name, route, view_class, plan))
    failures = []
    for role in ROLES:
        client.logout()
        failures += _expectation_failures(_client_for(client, users, role).get(url), url, name, role, plan)
    assert not failures, failures


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route", "view_class"),
    [r for r in ROUTES if EDIT_NAME.search(r[0])],
    ids=[r[0] for r in ROUTES if EDIT_NAME.search(r[0])],
)
def test_refused_posts_change_nothing(client, world, name, route, view_class):
    plan, _other, users = world
    url = reverse(name, kwargs=_kwargs_for(name, route, view_class, plan))
    before = _snapshot()
    expected = {"anonymous": 302, "outsider": 404, "reviewer": 403}
    for role, status in expected.items():
        client.logout()
        response = _client_for(client, users, role).post(url, {"title": "x", "name": "x", "amount": "1"})
        assert response.status_code == status, (role, url, response.status_code)
        assert _snapshot() == before, f"a refused POST by {role} to {url} changed the database"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "route", "view_class"),
    [r for r in ROUTES if len(_kwarg_names(r[1])) > 1],
    ids=[r[0] for r in ROUTES if len(_kwarg_names(r[1])) > 1],
)
def test_another_plans_object_is_not_found(client, world, name, route, view_class):
    plan, other, users = world
    kwargs = _kwargs_for(name, route, view_class, other)
    kwargs["plan"] = plan.slug  # the coordinator's own plan, but the other plan's object
    response = _client_for(client, users, "coordinator").get(reverse(name, kwargs=kwargs))
    assert response.status_code == 404
