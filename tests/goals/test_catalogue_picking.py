"""Picking a new indicator from Landsbyggefonden's catalogue: the page fills in the entry's name, definition,
unit and direction and keeps the link; only the plan's own period's entries are offered, another period's is
refused in Danish with nothing saved, a reviewer picks nothing, and an entry in use cannot be deleted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from helhedsplan.goals import services
from helhedsplan.goals.models import Indicator
from helhedsplan.periods.models import CatalogueIndicator
from helhedsplan.planfiles.demo import AMAGER_SLUG
from tests.goals.page_fixtures import INDICATOR_DATA, errors_of, snapshot
from tests.periods.factories import CatalogueIndicatorFactory
from tests.world import limited_to

pytestmark = pytest.mark.django_db

FOREIGN_PERIOD_MESSAGE = "Vælg en indikator fra kataloget for planens bevillingsperiode."


def url(name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": AMAGER_SLUG, **kwargs})


@pytest.fixture
def goal(personas):
    return limited_to(personas).goals.get(title="Flere unge tager en uddannelse")


@pytest.fixture
def entry(amager_plan):
    return CatalogueIndicator.objects.get(
        period=amager_plan.funding_period, code="unge-uden-uddannelse-beskaeftigelse"
    )


def test_the_new_indicator_page_offers_the_plans_catalogue_and_fills_in_a_picked_entry(
    client, personas, goal, entry
):
    client.force_login(personas.limited_editor)
    foreign = CatalogueIndicatorFactory(name="Fra en anden periode")

    response = client.get(url("indicator_create", goal=goal.pk), {"katalog": entry.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Landsbyggefondens indikatorkatalog" in html
    assert "Tryghed" in html and "Fra en anden periode" not in html
    form = response.context["form"]
    assert form.initial["catalogue_entry"] == entry.pk
    assert form.initial["name"] == "Unge uden for uddannelse og beskæftigelse"
    assert form.initial["definition"] == entry.definition
    assert (form.initial["unit"], form.initial["direction"]) == ("personer", "lower")
    assert form.initial["data_source"] == entry.source
    assert "data-picked-entry" in html
    # Another period's entry in the address is ignored, not an error page.
    ignored = client.get(url("indicator_create", goal=goal.pk), {"katalog": foreign.pk})
    assert ignored.status_code == 200 and not ignored.context["form"].initial["catalogue_entry"]


def test_saving_a_picked_indicator_keeps_the_link(client, personas, goal, entry):
    client.force_login(personas.limited_editor)
    data = {
        **INDICATOR_DATA,
        "catalogue_entry": entry.pk,
        "name": entry.name,
        "definition": entry.definition,
        "unit": "personer",
        "direction": "lower",
        "baseline_value": "375",
        "target_value": "300",
    }

    response = client.post(url("indicator_create", goal=goal.pk), data)

    assert response.status_code == 302
    indicator = Indicator.objects.get(goal=goal, catalogue_entry=entry)
    assert indicator.definition == entry.definition
    # Its page names the standard indicator and links to the comparison across plans.
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "data-catalogue-entry" in html
    assert (
        reverse("portfolio:catalogue_indicator", kwargs={"period": "2019-2026", "code": entry.code}) in html
    )


def test_a_free_form_indicator_is_made_as_before(client, personas, goal):
    client.force_login(personas.limited_editor)
    assert client.post(url("indicator_create", goal=goal.pk), INDICATOR_DATA).status_code == 302
    assert Indicator.objects.get(name="Børn i lektiecafé").catalogue_entry is None


def test_another_periods_entry_is_refused_in_the_form_and_by_the_model(client, personas, goal, amager_plan):
    foreign = CatalogueIndicatorFactory()
    client.force_login(personas.limited_editor)
    before = snapshot()

    response = client.post(
        url("indicator_create", goal=goal.pk), {**INDICATOR_DATA, "catalogue_entry": foreign.pk}
    )

    # The form offers only the plan's period's entries.
    assert response.status_code == 200 and "catalogue_entry" in errors_of(response)
    assert snapshot() == before
    # The rule itself is the model's, for every writer (the plan file, the admin, the API's future writes).
    with pytest.raises(ValidationError) as refused:
        services.indicator_create(
            goal=goal, data={**_model_data(), "catalogue_entry": foreign}, actor=personas.coordinator
        )
    assert refused.value.message_dict["catalogue_entry"] == [FOREIGN_PERIOD_MESSAGE]
    assert snapshot() == before


def test_a_reviewer_picks_nothing(client, personas, goal, entry):
    client.force_login(personas.reviewer)
    before = snapshot()
    assert client.get(url("indicator_create", goal=goal.pk), {"katalog": entry.pk}).status_code == 403
    response = client.post(
        url("indicator_create", goal=goal.pk), {**INDICATOR_DATA, "catalogue_entry": entry.pk}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_an_entry_in_use_is_not_deleted(personas, goal, entry):
    services.indicator_create(
        goal=goal, data={**_model_data(), "catalogue_entry": entry}, actor=personas.coordinator
    )
    with pytest.raises(ProtectedError):
        entry.delete()


def _model_data() -> dict:
    return {
        "name": "Unge uden for uddannelse og beskæftigelse",
        "unit": "personer",
        "direction": "lower",
        "baseline_value": Decimal("375"),
        "baseline_date": datetime.date(2022, 1, 1),
        "target_value": Decimal("300"),
        "target_date": datetime.date(2025, 12, 31),
    }
