"""A plan file names an indicator's catalogue entry by its code: exported and imported back unchanged, and a code
the plan's funding period's catalogue does not have is refused in Danish with nothing saved."""

from __future__ import annotations

import copy

import pytest

from helhedsplan.goals.models import Indicator
from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import import_plan, parse, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Organisation, Plan
from tests.planfiles.roundtrip import comparable
from tests.planfiles.test_plan_files import remove_all_plans_and_organisations

pytestmark = pytest.mark.django_db


def links(plan: Plan) -> dict[str, str]:
    return dict(
        Indicator.objects.filter(plan=plan, catalogue_entry__isnull=False).values_list(
            "name", "catalogue_entry__code"
        )
    )


def test_an_unknown_code_is_refused_at_its_place_and_nothing_is_saved():
    data = copy.deepcopy(read(AMAGER_FILE))
    data["strategic_goals"][0]["key_figures"][0]["catalogue_code"] = "findes-ikke"

    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)

    assert refusal.value.messages == [
        "strategic_goals[0].key_figures[0].catalogue_code: Landsbyggefondens indikatorkatalog for "
        "bevillingsperioden 2019-2026 har ingen indikator med koden findes-ikke."
    ]
    assert not Plan.objects.exists() and not Organisation.objects.exists() and not Indicator.objects.exists()


def test_the_demo_plans_key_figures_are_linked_and_the_links_survive_the_round_trip(amager_plan):
    before = links(amager_plan)
    assert before == {
        "Unge uden for uddannelse og beskæftigelse": "unge-uden-uddannelse-beskaeftigelse",
        "Andel 18-64-årige i beskæftigelse": "beskaeftigelse",
        "Andel 15-25-årige dømt for overtrædelse af straffeloven": "kriminalitet",
        "Andel beboere, der føler sig trygge i deres boligområde": "tryghed",
        "Valgdeltagelse ved kommunalvalg": "valgdeltagelse",
    }
    exported = export_plan(amager_plan, personal_data=True)
    assert "catalogue_code: unge-uden-uddannelse-beskaeftigelse" in exported

    remove_all_plans_and_organisations()
    plan = import_plan(parse(exported))

    assert links(plan) == before
    # Exported again: the same file, codes and all.
    assert comparable(export_plan(plan, personal_data=True)) == comparable(exported)
