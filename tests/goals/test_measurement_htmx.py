"""The indicator page's short measurement form posts with htmx: a refused save swaps only the form back with its
errors (the page, its chart and table stay), a save reloads the page; without htmx it is an ordinary form."""

from __future__ import annotations

import datetime

import pytest

from helhedsplan.goals.models import Measurement
from tests.goals.page_fixtures import build_world, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def editor_client(client, world):
    client.force_login(world.users["editor_this"])
    return client


def test_the_indicator_page_form_posts_with_htmx_into_its_area(editor_client, world):
    html = editor_client.get(world.indicator.get_absolute_url()).content.decode()
    create_url = world.url("measurement_create", indicator=world.indicator.pk)

    assert '<div id="measurement-form-area">' in html
    assert f'hx-post="{create_url}" hx-target="#measurement-form-area" hx-swap="innerHTML"' in html
    # Without JavaScript the same form posts as an ordinary form.
    assert f'method="post" action="{create_url}"' in html
    # Nothing is wrong yet: no error summary.
    assert "Der er et problem" not in html


def test_a_refused_save_answers_with_the_form_alone_and_its_errors(editor_client, world):
    before = snapshot()
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk),
        {"date": "2026-06-30", "value": ""},
        **HTMX,
    )

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
        '<a class="alert-link" href="#measurement-value" data-field="measurement-value">Værdi: Dette felt er påkrævet.</a>'
        in html
    )
    assert 'id="measurement-date"' in html and 'id="measurement-value"' in html
    # What the user typed stays in the form.
    assert 'value="2026-06-30"' in html
    assert snapshot() == before


def test_a_save_with_htmx_reloads_the_indicator_page(editor_client, world):
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk),
        {"date": "2024-06-30", "value": "55"},
        **HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == world.indicator.get_absolute_url()
    assert Measurement.objects.filter(indicator=world.indicator, date=datetime.date(2024, 6, 30)).exists()
    # The message waits for the reloaded page.
    page = editor_client.get(world.indicator.get_absolute_url()).content.decode()
    assert "55 % den 30. juni 2024" in page


def test_without_htmx_a_refused_save_is_the_form_page_with_the_error_summary(editor_client, world):
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk), {"date": "2024-06-30", "value": "abc"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Der er et problem" in html
    assert (
        '<a class="alert-link" href="#id_value" data-field="id_value">Værdi: Skriv et tal, fx 12,5 eller 31.200.000.</a>'
        in html
    )
