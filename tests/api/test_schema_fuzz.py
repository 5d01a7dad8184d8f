"""A property-based test generated from the API's own OpenAPI schema: for every endpoint, random parameters —
drawn from each parameter's schema (within and beyond its bounds), real ids and slugs of this plan and of
another, and arbitrary text — by a token, a session or nobody. Whatever is asked, the answer is one the
schema documents for that endpoint: its status (never a 500), its content type, and a body of its JSON shape.

Hypothesis over the schema's parameters, not schemathesis: schemathesis runs its own HTTP or WSGI calls outside
pytest-django's test database and transaction, and is not in the project's environment; this walks the same
schema through Django's test client, inside the test's transaction.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.api.api import api
from helhedsplan.goals.models import Activity, Goal, Indicator
from helhedsplan.reports.models import Submission
from tests.api.factories import token_for
from tests.api.test_every_endpoint import with_a_submission
from tests.world import client_for

pytestmark = pytest.mark.django_db

SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]
OPERATIONS = [(path, operation) for path, item in SCHEMA["paths"].items() for operation in [item["get"]]]

#: Text to put anywhere: any character but a slash, which in a path would be another address, not a parameter.
JUNK = st.text(st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), max_size=30)
#: Numbers around the bounds of every integer column.
EDGES = st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**20, -(10**20)])


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def values_of(schema: dict, real: dict[str, list], name: str) -> st.SearchStrategy[str]:
    """Values for a parameter of ``schema``: valid by it, at and beyond its bounds, real ones, and junk."""
    schema = resolve(schema)
    if "anyOf" in schema:
        return st.one_of(*(values_of(s, real, name) for s in schema["anyOf"] if s.get("type") != "null"))
    kind = schema.get("type")
    options: list[st.SearchStrategy[str]] = [JUNK]
    if "enum" in schema:
        options.append(st.sampled_from([str(value) for value in schema["enum"]]))
    elif kind == "integer":
        options += [
            st.integers(schema.get("minimum"), schema.get("maximum")).map(str),
            st.integers().map(str),
            EDGES.map(str),
        ]
    elif kind == "boolean":
        options.append(st.sampled_from(["true", "false", "1", "0"]))
    elif kind == "string" and schema.get("format") == "date":
        options += [
            st.dates().map(lambda day: day.isoformat()),
            st.sampled_from(["2024-02-30", "0000-01-01"]),
        ]
    elif kind == "string" and "pattern" in schema:
        options.append(st.from_regex(schema["pattern"], fullmatch=True).filter(lambda v: "\n" not in v))
    options += [st.sampled_from([str(value) for value in real[name]])] if real.get(name) else []
    return st.one_of(*options)


def conforms(value: Any, schema: dict) -> bool:
    """Whether ``value`` has the JSON shape of ``schema`` (the subset of JSON Schema pydantic writes)."""
    schema = resolve(schema)
    if "anyOf" in schema:
        return any(conforms(value, option) for option in schema["anyOf"])
    if "enum" in schema and value not in schema["enum"]:
        return False
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict) or not set(schema.get("required", ())) <= set(value):
            return False
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                if not conforms(item, properties[key]):
                    return False
            elif isinstance(extra, dict) and not conforms(item, extra):
                return False
        return True
    checks = {
        "array": lambda: (
            isinstance(value, list) and all(conforms(item, schema.get("items", {})) for item in value)
        ),
        "string": lambda: isinstance(value, str),
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda: isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": lambda: isinstance(value, bool),
        "null": lambda: value is None,
    }
    return checks[kind]() if kind in checks else True


@pytest.fixture
def world(amager_plan, other_plan, personas) -> dict:
    for plan in (amager_plan, other_plan):
        with_a_submission(plan, personas)
    plans = (amager_plan, other_plan)
    ids = {
        model: [pk for plan in plans for pk in model.objects.in_plan(plan).values_list("pk", flat=True)[:3]]
        for model in (SubAgreement, Goal, Indicator, Activity)
    }
    submissions = list(Submission.objects.filter(report__plan__in=plans).values_list("pk", flat=True))
    token = client_for(None)
    token.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(personas.reviewer)}"
    callers = {"token": token, "session": client_for(personas.coordinator), "nobody": client_for(None)}
    for client in callers.values():
        client.raise_request_exception = False  # a 500 is an answer to judge, not an exception here
    return {
        "callers": callers,
        "real": {
            "slug": [plan.slug for plan in plans],
            "sub_agreement": ids[SubAgreement],
            "goal": ids[Goal],
            "format": ["pdf", "xlsx", "yaml"],
        },
        "pks": {
            "sub-agreements": ids[SubAgreement],
            "goals": ids[Goal],
            "indicators": ids[Indicator],
            "activities": ids[Activity],
            "submissions": submissions,
        },
    }


@pytest.mark.parametrize(("path", "operation"), OPERATIONS, ids=[path for path, _ in OPERATIONS])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_answer_is_one_the_schema_documents(world, path, operation, data):
    collection = re.search(r"/([a-z-]+)/\{pk\}", path)
    real = world["real"] | {"pk": world["pks"][collection.group(1)]} if collection else world["real"]
    values, query = {}, {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "path":
            values[name] = quote(data.draw(values_of(parameter["schema"], real, name), label=name), safe="")
        elif data.draw(st.booleans(), label=f"send {name}"):
            query[name] = data.draw(values_of(parameter["schema"], real, name), label=name)
    caller = data.draw(st.sampled_from(sorted(world["callers"])), label="caller")
    address = path.format(**values) + ("?" + urlencode(query) if query else "")

    response = world["callers"][caller].get(address)

    documented = operation["responses"]
    status = str(response.status_code)
    event(f"status {status}")  # --hypothesis-show-statistics: how often each answer was met
    assert status in {str(code) for code in documented}, f"{address} as {caller}: undocumented {status}"
    content = documented.get(status) or documented[int(status)]
    content_type = response["Content-Type"].split(";")[0]
    assert content_type in content["content"], f"{address}: {status} as {content_type}"
    if content_type == "application/json":
        assert conforms(response.json(), content["content"][content_type]["schema"]), (
            address,
            response.json(),
        )
