"""Landsbyggefonden's funding periods as data: the standard periods, their rules, the data migration's rows, and
the plan file's optional funding_period key."""

from __future__ import annotations

import copy
import importlib

import pytest
from django.core.exceptions import ValidationError

from helhedsplan.agreements.models import FocusArea
from helhedsplan.periods.models import FocusAreaDefinition, FundingPeriod
from helhedsplan.periods.standard import STANDARD_PERIODS, USUAL_TEMPLATE, ensure_standard_periods
from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import import_plan, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_2019_2026_has_the_four_focus_areas_of_today_in_lbfs_order():
    ensure_standard_periods()
    period = FundingPeriod.objects.get(code="2019-2026")
    areas = list(period.focus_areas.all())
    assert [a.code for a in areas] == list(FocusArea.values)
    # The data's names are FocusArea's Danish names, which the pages of a 2019-2026 plan show.
    assert [a.name for a in areas] == [
        "Uddannelse og livschancer",
        "Beskæftigelse",
        "Kriminalitetsforebyggelse",
        "Sammenhængskraft og medborgerskab",
    ]
    assert not any(a.is_example for a in areas)
    earlier = FundingPeriod.objects.get(code="2015-2018")
    assert earlier.focus_areas.count() == 4
    # Its names are not known exactly: marked as examples.
    assert all(a.is_example and a.name.startswith("Eksempel: ") for a in earlier.focus_areas.all())


def test_ensuring_the_standard_periods_twice_changes_nothing():
    ensure_standard_periods()
    FocusAreaDefinition.objects.filter(code="cohesion").update(name="Ændret af en administrator")
    ensure_standard_periods()
    assert FundingPeriod.objects.count() == 2
    assert FocusAreaDefinition.objects.count() == 8
    assert FocusAreaDefinition.objects.get(code="cohesion").name == "Ændret af en administrator"


def test_the_data_migration_holds_the_same_rows():
    migration = importlib.import_module("helhedsplan.periods.migrations.0002_standard_periods")
    later = importlib.import_module("helhedsplan.periods.migrations.0003_changes_needing_lbf")
    checklist = importlib.import_module("helhedsplan.documents.migrations.0002_checklist_in_period_templates")
    # 0003 adds which sections need Landsbyggefonden's approval when changed; the documents' migration adds the
    # checklist of documents.
    assert {
        **migration.USUAL_TEMPLATE,
        "changes_needing_lbf": later.SECTIONS,
        "documents": checklist.DOCUMENTS,
    } == USUAL_TEMPLATE
    assert [(code, name, first, last, areas) for code, name, first, last, areas in migration.PERIODS] == [
        (p["code"], p["name"], p["first_year"], p["last_year"], p["focus_areas"]) for p in STANDARD_PERIODS
    ]


def test_a_focus_area_code_twice_in_a_period_is_refused_in_danish():
    ensure_standard_periods()
    period = FundingPeriod.objects.get(code="2019-2026")
    with pytest.raises(ValidationError) as refusal:
        FocusAreaDefinition(period=period, code="education", name="Igen").full_clean()
    assert refusal.value.message_dict["code"] == [
        "Bevillingsperioden har allerede et indsatsområde med denne kode."
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"last_year": 2010}, "last_year", "Det sidste år kan ikke ligge før det første år."),
        (
            {"template": {"approval_steps": [{"title": "Uden organ"}]}},
            "template",
            "approval_steps skal være en liste af rækker, hver med title, body.",
        ),
    ],
)
def test_a_bad_period_is_refused_in_danish(changes, field, message):
    period = FundingPeriod(code="2027-2030", name="Pulje 2027-2030", first_year=2027, last_year=2030)
    for name, value in changes.items():
        setattr(period, name, value)
    with pytest.raises(ValidationError) as refusal:
        period.full_clean()
    assert refusal.value.message_dict[field] == [message]


def test_a_plan_file_without_a_period_is_in_2019_2026_and_exports_without_the_key():
    plan = import_plan(AMAGER_FILE)
    assert plan.funding_period.code == "2019-2026"
    assert "funding_period" not in export_plan(plan, personal_data=True)


def test_a_plan_file_may_name_its_period():
    ensure_standard_periods()
    FocusAreaDefinition.objects.create(
        period=FundingPeriod.objects.get(code="2015-2018"), code="education", name="Uddannelse", order=9
    )
    data = copy.deepcopy(read(AMAGER_FILE))
    data["plan"]["funding_period"] = "2015-2018"
    data["plan"]["slug"] = "amager-som-2015"
    # Only the strategic goals and delaftaler whose focus area the period has (here: education).
    data["strategic_goals"] = [row for row in data["strategic_goals"] if row["focus_area"] == "education"]
    # The key figures' catalogue codes are 2019-2026's catalogue's (2015-2018 has none): free-form here.
    for row in data["strategic_goals"]:
        for key_figure in row.get("key_figures", []):
            key_figure.pop("catalogue_code", None)
    data["sub_agreements"] = [row for row in data["sub_agreements"] if row["focus_area"] == "education"]
    data["budget"]["lines"] = [
        line for line in data["budget"]["lines"] if line.get("sub_agreement") in (None, "education")
    ]
    data["governance"] = [
        row for row in data["governance"] if row.get("sub_agreement") in (None, "education")
    ]
    for membership_key in ("memberships",):
        data.pop(membership_key, None)
    plan = import_plan(data)
    assert plan.funding_period.code == "2015-2018"
    assert "funding_period: 2015-2018" in export_plan(plan, personal_data=True)


def test_a_plan_file_naming_an_unknown_period_is_refused_in_danish():
    data = copy.deepcopy(read(AMAGER_FILE))
    data["plan"]["funding_period"] = "1999-2002"
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    assert refusal.value.messages == ["plan.funding_period: Der findes ingen bevillingsperiode 1999-2002."]
    assert not Plan.objects.exists()


def test_a_delaftale_outside_the_files_period_is_refused_at_its_place():
    data = copy.deepcopy(read(AMAGER_FILE))
    data["plan"]["funding_period"] = "2015-2018"
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    assert any(
        m.startswith(
            "sub_agreements[0].focus_area: education er ikke et indsatsområde i planens bevillingsperiode"
        )
        for m in refusal.value.messages
    )
    assert not Plan.objects.exists()


EARLIER_PERIOD_FILE = """\
format_version: 1
organisations:
  - {short_name: KK, name: Københavns Kommune, kind: municipal_administration}
plan:
  slug: tidligere-plan
  name: En plan fra den tidligere pulje
  area: Nordvest
  start_date: 2015-01-01
  end_date: 2018-12-31
  funding_period: 2015-2018
  parties: [KK]
strategic_goals:
  - focus_area: safety_wellbeing
    text: Flere føler sig trygge.
sub_agreements:
  - focus_area: safety_wellbeing
    purpose: Tryghed i området.
    goals:
      - title: Flere føler sig trygge om aftenen
"""


def test_a_plan_of_an_earlier_period_uses_its_own_focus_areas_and_round_trips(tmp_path):
    """Another period's codes are data: the file, the strategic goal and the delaftale take them, the pages name
    them from the period, and the export holds the same plan."""
    ensure_standard_periods()
    path = tmp_path / "tidligere.yaml"
    path.write_text(EARLIER_PERIOD_FILE, encoding="utf-8")
    plan = import_plan(path)
    strategic_goal = plan.strategic_goals.get()
    sub_agreement = plan.sub_agreements.get()
    assert strategic_goal.focus_area == sub_agreement.focus_area == "safety_wellbeing"
    assert str(strategic_goal) == str(sub_agreement) == "Eksempel: Tryghed og trivsel"
    assert read_text(export_plan(plan, personal_data=True)) == read_text(EARLIER_PERIOD_FILE)


def test_a_strategic_goal_outside_the_plans_period_is_refused_in_danish():
    ensure_standard_periods()
    data = read_text(
        EARLIER_PERIOD_FILE.replace(
            "  - focus_area: safety_wellbeing\n    text:", "  - focus_area: employment\n    text:"
        )
    )
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    assert any(
        m.startswith(
            "strategic_goals[0].focus_area: employment er ikke et indsatsområde i planens bevillingsperiode"
        )
        for m in refusal.value.messages
    )
    assert not Plan.objects.exists()


def read_text(text: str):
    import yaml

    return yaml.safe_load(text)
