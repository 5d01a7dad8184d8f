"""The indicator page's short measurement form posts with htmx: a refused save swaps only the form back with its
errors (the page, its chart and table stay), a save reloads the page; without htmx it is an ordinary form."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from helhedsplan.goals.models import Measurement
from tests.goals.page_fixtures import snapshot
from tests.world import limited_to

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def indicator(personas):
    """An indicator of the limited editor's delaftale on the Amager plan, measured at the end of June 2022-2024."""
    return limited_to(personas).goals.get(title="Flere unge tager en uddannelse").indicators.get()


@pytest.fixture
def create_url(indicator):
    return reverse(
        "goals:measurement_create", kwargs={"plan": indicator.plan.slug, "indicator": indicator.pk}
    )


@pytest.fixture
def editor_client(client, personas):
    client.force_login(personas.limited_editor)
    return client


def test_the_indicator_page_form_posts_with_htmx_into_its_area(editor_client, indicator, create_url):
    html = editor_client.get(indicator.get_absolute_url()).content.decode()

    assert '<div id="measurement-form-area">' in html
    assert f'hx-post="{create_url}" hx-target="#measurement-form-area" hx-swap="innerHTML"' in html
    # Without JavaScript the same form posts as an ordinary form.
    assert f'method="post" action="{create_url}"' in html
    # Nothing is wrong yet: no error summary.
    assert "Der er et problem" not in html


def test_a_refused_save_answers_with_the_form_alone_and_its_errors(editor_client, create_url):
    before = snapshot()
    response = editor_client.post(create_url, {"date": "2026-06-30", "value": ""}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<h1" not in html  # a fragment to swap in, not a page
    assert "Der er et problem" in html
    # Each error links to its field, whose id is the indicator page's ("measurement-…").
    assert (
        '<a class="alert-link" href="#measurement-date" data-field="measurement-date">Dato: Datoen skal ligge i planens periode'
        in html
    )
    assert (
        '<a class="alert-link" href="#measurement-value" data-field="measurement-value">Værdi: Skriv værdien, eller markér tallet som '
        "diskretioneret (for få personer) — en af de to.</a>" in html
    )
    assert 'id="measurement-date"' in html and 'id="measurement-value"' in html
    # What the user typed stays in the form.
    assert 'value="2026-06-30"' in html
    assert snapshot() == before


def test_a_save_with_htmx_reloads_the_indicator_page(editor_client, indicator, create_url):
    response = editor_client.post(create_url, {"date": "2025-06-30", "value": "85"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == indicator.get_absolute_url()
    assert Measurement.objects.filter(indicator=indicator, date=datetime.date(2025, 6, 30)).exists()
    # The message waits for the reloaded page.
    page = editor_client.get(indicator.get_absolute_url()).content.decode()
    assert "85 % den 30. juni 2025" in page


def test_without_htmx_a_refused_save_is_the_form_page_with_the_error_summary(editor_client, create_url):
    response = editor_client.post(create_url, {"date": "2025-06-30", "value": "abc"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Der er et problem" in html
    assert (
        '<a class="alert-link" href="#id_value" data-field="id_value">Værdi: Skriv et tal, fx 12,5 eller 31.200.000.</a>'
        in html
    )
