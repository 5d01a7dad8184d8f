"""The API's view of Landsbyggefonden's indicator catalogue: the read-only catalogue (all of it, one period's,
one entry), and each indicator's catalogue code."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhedsplan.goals.models import Indicator
from helhedsplan.periods.catalogue import STANDARD_CATALOGUE
from tests.api.factories import bearer, token_for
from tests.world import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_api(personas):
    client = client_for(None)
    client.defaults.update({"HTTP_AUTHORIZATION": bearer(token_for(personas.reviewer))["Authorization"]})
    return client


def test_the_catalogue_lists_every_entry_with_its_source_and_whether_it_is_an_example(reviewer_api):
    with CaptureQueriesContext(connection) as queries:
        answer = reviewer_api.get("/api/catalogue?period=2019-2026&limit=100").json()
    # the token (with its user), the count, the page (with each entry's period)
    assert len(queries) == 3
    assert answer["count"] == len(STANDARD_CATALOGUE["2019-2026"])
    by_code = {item["code"]: item for item in answer["items"]}
    assert by_code["61a-kun-grundskole"]["is_example"] is False
    assert by_code["tryghed"] == {
        "period": "2019-2026",
        "code": "tryghed",
        "name": "Tryghed",
        "definition": by_code["tryghed"]["definition"],
        "unit": "%",
        "direction": "higher",
        "source": "Kommunens årlige tryghedsundersøgelse",
        "source_url": "",
        "update_cadence": "Årligt",
        "level": "plan",
        "is_example": True,
    }
    assert reviewer_api.get("/api/catalogue?period=2015-2018").json()["count"] == 0


def test_one_entry_and_an_unknown_one(reviewer_api):
    entry = reviewer_api.get("/api/catalogue/2019-2026/valgdeltagelse").json()
    assert (entry["name"], entry["level"]) == ("Valgdeltagelse", "plan")
    assert reviewer_api.get("/api/catalogue/2019-2026/findes-ikke").status_code == 404
    assert reviewer_api.get("/api/catalogue/2015-2018/valgdeltagelse").status_code == 404


def test_the_catalogue_is_not_read_without_signing_in():
    assert client_for(None).get("/api/catalogue").status_code == 401


def test_an_indicator_names_its_catalogue_code(amager_plan, reviewer_api):
    picked = Indicator.objects.get(plan=amager_plan, name="Valgdeltagelse ved kommunalvalg")
    free = Indicator.objects.filter(plan=amager_plan, catalogue_entry__isnull=True).order_by("pk").first()
    base = f"/api/plans/{amager_plan.slug}/indicators"
    assert reviewer_api.get(f"{base}/{picked.pk}").json()["catalogue_code"] == "valgdeltagelse"
    assert reviewer_api.get(f"{base}/{free.pk}").json()["catalogue_code"] is None
    codes = {
        item["id"]: item["catalogue_code"] for item in reviewer_api.get(f"{base}?limit=100").json()["items"]
    }
    assert codes[picked.pk] == "valgdeltagelse"
