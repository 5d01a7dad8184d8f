"""Landsbyggefonden's indicator catalogue as shipped data: its rows, what is fact and what is an example, the
data migration's frozen copy, its rules and who may change it in the admin."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from helhedsplan.periods.catalogue import STANDARD_CATALOGUE
from helhedsplan.periods.models import CatalogueIndicator, FundingPeriod
from helhedsplan.periods.standard import ensure_standard_periods

pytestmark = pytest.mark.django_db


def test_the_2019_2026_catalogue_holds_lbfs_own_indicators_and_the_beboerdata_topics():
    ensure_standard_periods()
    entries = {e.code: e for e in CatalogueIndicator.objects.filter(period__code="2019-2026")}
    # The four Landsbyggefonden names itself.
    for code in ("valgdeltagelse", "unge-uden-uddannelse-beskaeftigelse", "ledighed", "tryghed"):
        assert entries[code].level == "plan"
    # Beboerdata's topics, reported per estate.
    for code in ("beskaeftigelse", "uddannelse", "skoletrivsel", "kriminalitet", "indkomst", "sundhed"):
        assert entries[code].level == "estate"
        assert entries[code].source == "Danmarks Statistik via Landsbyggefonden (Beboerdata)"
        assert entries[code].source_url == "https://www.lbf.dk/selvbetjeninger/beboerdata/"
    assert entries["unge-uden-uddannelse-beskaeftigelse"].direction == "lower"
    assert entries["valgdeltagelse"].direction == "higher"
    # 2015-2018's indicators are not known: no catalogue rather than a guess.
    assert not CatalogueIndicator.objects.filter(period__code="2015-2018").exists()


def test_only_the_definitions_a_public_source_states_are_shipped_as_fact():
    ensure_standard_periods()
    facts = CatalogueIndicator.objects.filter(is_example=False)
    # The law defines the four criteria of § 61 a, stk. 1, and each says so.
    assert sorted(facts.values_list("code", flat=True)) == [
        "61a-bruttoindkomst",
        "61a-doemte",
        "61a-kun-grundskole",
        "61a-uden-arbejde-uddannelse",
    ]
    assert all("§ 61 a, stk. 1" in e.definition for e in facts)
    examples = CatalogueIndicator.objects.filter(is_example=True)
    assert examples.count() == len(STANDARD_CATALOGUE["2019-2026"]) - 4
    # An example's definition says it is one, and every entry names its source.
    assert all(e.definition.startswith("Eksempel: ") for e in examples)
    assert all(e.source and e.update_cadence for e in CatalogueIndicator.objects.all())


def test_ensuring_twice_adds_nothing_and_keeps_a_superusers_change():
    ensure_standard_periods()
    CatalogueIndicator.objects.filter(code="tryghed").update(name="Ændret af en administrator")
    ensure_standard_periods()
    assert CatalogueIndicator.objects.count() == len(STANDARD_CATALOGUE["2019-2026"])
    assert CatalogueIndicator.objects.get(code="tryghed").name == "Ændret af en administrator"


def test_the_data_migration_holds_the_same_rows():
    migration = importlib.import_module("helhedsplan.periods.migrations.0005_standard_indicator_catalogue")
    assert migration.CATALOGUE == STANDARD_CATALOGUE


def test_a_code_is_unique_in_its_period_with_a_danish_message():
    ensure_standard_periods()
    period = FundingPeriod.objects.get(code="2019-2026")
    duplicate = CatalogueIndicator(
        period=period,
        code="tryghed",
        name="Tryghed igen",
        definition="—",
        unit="%",
        direction="higher",
        source="Egen optælling",
        update_cadence="Årligt",
        level="plan",
    )
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert refused.value.message_dict["code"] == [
        "Bevillingsperiodens katalog har allerede en indikator med denne kode."
    ]
    # The same code in another period is another indicator.
    duplicate.period = FundingPeriod.objects.get(code="2015-2018")
    duplicate.full_clean()


def test_only_a_superuser_changes_the_catalogue_in_the_admin(django_user_model):
    model_admin = site._registry[CatalogueIndicator]
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    superuser = django_user_model.objects.create_superuser("root")
    request = RequestFactory().get("/admin/")
    request.user = staff
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    request.user = superuser
    assert model_admin.has_add_permission(request)
    assert model_admin.has_change_permission(request)
    assert model_admin.has_delete_permission(request)
    # Its changes are recorded.
    assert hasattr(CatalogueIndicator, "history")


def test_a_catalogue_entrys_direction_is_one_an_indicator_can_have():
    """Picking from the catalogue copies its direction onto an indicator: the two lists must stay the same (the
    catalogue lies below goals, so it keeps its own copy rather than importing the indicator's)."""
    from helhedsplan.goals.models import Indicator

    assert list(CatalogueIndicator.Direction.choices) == list(Indicator.Direction.choices)
