"""Bad input to the API: every malformed parameter, page or header is answered with a 4xx and a JSON body
that says what is wrong — never a 500, never an HTML page — and the API writes nothing."""

from __future__ import annotations

import pytest

from tests.api.factories import bearer, token_for
from tests.reports.factories import SubmissionFactory
from tests.world import client_for, snapshot

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    ("goals?limit=abc", "limit"),
    ("goals?limit=0", "limit"),
    ("goals?limit=101", "limit"),  # above the largest page
    ("goals?offset=-1", "offset"),
    ("goals?sub_agreement=abc", "sub_agreement"),
    ("indicators?goal=1.5", "goal"),
    ("indicators?key_figures=maybe", "key_figures"),
    ("activities?status=nonsense", "status"),
    ("approvals?on=2024-13-45", "on"),
    ("approvals?on=yesterday", "on"),
    ("reports?kind=weekly", "kind"),
    # Numbers no database column holds, and a NUL no database text holds: refused before any query.
    ("goals?offset=2147483648", "offset"),
    ("goals?offset=99999999999999999999", "offset"),
    ("goals?sub_agreement=9223372036854775808", "sub_agreement"),
    ("goals?sub_agreement=-99999999999999999999", "sub_agreement"),
    ("indicators?goal=99999999999999999999", "goal"),
    ("activities?sub_agreement=0", "sub_agreement"),
    ("goals/9223372036854775808", "pk"),
    ("indicators/-1", "pk"),
    ("approvals?on=0001-01-01", "on"),
    ("approvals?on=9999-12-31", "on"),
]

BAD_SLUGS = ["a%00b", "%00", "amager%002022", "ikke en plan", "æøå", "a" * 81]


@pytest.mark.parametrize("slug", BAD_SLUGS)
@pytest.mark.parametrize("rest", ["", "/goals", "/goals/1", "/budget", "/submissions/1/files/pdf"])
def test_a_malformed_slug_is_a_422_naming_it(amager_plan, reader, slug, rest):
    client, headers = reader
    response = client.get(f"/api/plans/{slug}{rest}", headers=headers)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "slug" in [error["loc"][-1] for error in response.json()["detail"]]


@pytest.fixture
def reader(amager_plan, personas):
    return client_for(None), bearer(token_for(personas.reviewer))


@pytest.mark.parametrize(("query", "field"), BAD_QUERIES)
def test_a_malformed_parameter_is_a_422_naming_it(amager_plan, reader, query, field):
    client, headers = reader
    response = client.get(f"/api/plans/{amager_plan.slug}/{query}", headers=headers)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert field in [error["loc"][-1] for error in response.json()["detail"]]


@pytest.mark.parametrize(
    "path",
    [
        "goals/abc",
        "goals/99999999",
        "indicators/-1",
        "activities/0",
        "sub-agreements/1e3",
        "ikke-en-plan",
        "goals/1/mere",
        "goals/%0A",
        "submissions/1/files/%0A",
        "mere%0A",
    ],
)
def test_an_object_that_is_not_there_is_a_4xx_in_json(amager_plan, reader, path):
    client, headers = reader
    response = client.get(f"/api/plans/{amager_plan.slug}/{path}", headers=headers)
    assert response.status_code in (404, 422)
    assert "detail" in response.json()


@pytest.mark.parametrize("extension", ["exe", "doc", "PDF", "pdf.exe", "yml"])
def test_a_file_in_a_format_no_exporter_has_is_a_404_in_json(amager_plan, personas, reader, extension):
    """The formats are the exporter registry's (``plans.exporters``), as on the pages: any other is not there."""
    client, headers = reader
    submission = SubmissionFactory(
        report__plan=amager_plan, report__year=2022, submitted_by=personas.coordinator
    )
    base = f"/api/plans/{amager_plan.slug}/submissions/{submission.pk}/files"
    assert client.get(f"{base}/pdf", headers=headers).status_code == 200
    response = client.get(f"{base}/{extension}", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer hp_" + "x" * 5000, "Bearer hp_ét-token", "hp_token"],
)
def test_a_malformed_authorization_header_is_a_401(amager_plan, header):
    response = client_for(None).get("/api/plans", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_only_reads(amager_plan, reader, method):
    client, headers = reader
    before = snapshot()
    response = getattr(client, method)(f"/api/plans/{amager_plan.slug}/goals", headers=headers)
    assert response.status_code == 405
    assert snapshot() == before
