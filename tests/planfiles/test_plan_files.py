"""Plan files: the round trip, the refusal of bad files (nothing saved, the place named), and the Amager facts."""

import copy
import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from helhedsplan.agreements.models import StrategicGoal, SubAgreement
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.approvals.selectors import approval_summary
from helhedsplan.budget.models import ActualSpend, BudgetLine, FundingSource
from helhedsplan.budget.selectors import budget_summary
from helhedsplan.goals import progress
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.goals.progress import Status
from helhedsplan.periods.models import CatalogueIndicator
from helhedsplan.planfiles import schema
from helhedsplan.planfiles.demo import AMAGER_FILE, AMAGER_SLUG, ensure_demo_logins
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import delete_plan, import_plan, parse, read
from helhedsplan.planfiles.management.commands import import_plan as import_plan_command
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Estate, Membership, Organisation, Plan
from helhedsplan.preparedness.models import Incident
from helhedsplan.versions.selectors import changes_since_approved
from tests.planfiles.roundtrip import comparable
from tests.versions.factories import forget_versions

MIO = Decimal(1_000_000)


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in their English source form, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def amager_data():
    """The Amager plan file as loaded data, to spoil in one place per test."""
    return copy.deepcopy(read(AMAGER_FILE))


def remove_all_plans_and_organisations() -> None:
    for plan in Plan.objects.all():
        forget_versions(plan)  # a plan with a stored version is never deleted: this is test set-up
        delete_plan(plan)
    Organisation.objects.all().delete()


def said_by(model, constraint_name: str, path: str, *, at_field: bool = True) -> str:
    """The message the importer reports for a row at ``path`` that breaks the model's constraint.

    The file restates no rule, so the test restates no wording: the constraint's own message at its
    ``error_field`` (core.constraints; ``at_field=False`` where the file has no key for that field, as in
    ``amounts: {2022: -5}``), or Django's default for a plain constraint, about the whole row.
    """
    constraint = next(c for c in model._meta.constraints if c.name == constraint_name)
    error_field = getattr(constraint, "error_field", None) if at_field else None
    if (
        not hasattr(constraint, "error_field")
        and getattr(constraint, "fields", ())
        and constraint.violation_error_message == constraint.default_violation_error_message
    ):
        # A plain UniqueConstraint over fields without a message of its own: "… already exists."
        message = model().unique_error_message(model, constraint.fields)
    else:
        message = constraint.get_violation_error_message()
    [text] = ValidationError(message).messages
    return f"{path}.{error_field}: {text}" if error_field else f"{path}: {text}"


def refused(data) -> list[str]:
    """Import ``data``, expect a refusal, check that nothing was saved, and return the messages."""
    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)
    assert Plan.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert Estate.objects.count() == 0
    return refusal.value.messages


# The round trip.


def test_export_import_export_gives_the_same_bytes(amager_plan):
    first = export_plan(amager_plan, personal_data=True)
    assert export_plan(amager_plan, personal_data=True) == first

    remove_all_plans_and_organisations()
    plan = import_plan(parse(first))

    assert comparable(export_plan(plan, personal_data=True)) == comparable(first)
    # The carried version 1, translated into the new database's ids (organisations by short name), is the plan.
    assert changes_since_approved(plan).rows == []


def test_an_indicators_keys_are_the_models_copyable_fields_and_all_of_them_survive_the_round_trip(
    amager_plan,
):
    # The catalogue link is written as its code (tests/planfiles/test_catalogue_codes.py).
    assert set(schema.Indicator.model_fields) == {
        *Indicator.COPYABLE_FIELDS,
        "id",
        "catalogue_code",
        "measurements",
        "baseline_source",
    }
    indicator = (
        Indicator.objects.filter(plan=amager_plan, goal__isnull=False, measurements__isnull=False)
        .order_by("pk")
        .first()
    )
    # Every field off its default, so the file must say each one.
    Indicator.objects.filter(pk=indicator.pk).update(
        measurement_interval_months=7,
        data_source="Egen opgørelse",
        is_example=True,
        definition="Hvad der tælles",
        catalogue_entry=CatalogueIndicator.objects.get(period__code="2019-2026", code="skoletrivsel"),
    )
    indicator.refresh_from_db()
    data = parse(export_plan(amager_plan, personal_data=True))
    rows = [
        row
        for sub in data["sub_agreements"]
        for goal in sub["goals"]
        for row in goal["indicators"]
        if row["name"] == indicator.name
    ]
    assert len(rows) == 1 and set(rows[0]) == {
        *Indicator.COPYABLE_FIELDS,
        "id",
        "catalogue_code",
        "measurements",
    }

    remove_all_plans_and_organisations()
    plan = import_plan(data)
    copy = Indicator.objects.get(plan=plan, name=indicator.name)
    for name in Indicator.COPYABLE_FIELDS:
        assert getattr(copy, name) == getattr(indicator, name), name
    assert copy.catalogue_entry == indicator.catalogue_entry


def test_the_export_command_writes_the_export(amager_plan, capsys, tmp_path):
    call_command("export_plan", AMAGER_SLUG)
    assert capsys.readouterr().out == export_plan(amager_plan, personal_data=True)

    target = tmp_path / "amager.yaml"
    call_command("export_plan", AMAGER_SLUG, output=str(target))
    assert target.read_text(encoding="utf-8") == export_plan(amager_plan, personal_data=True)


def test_the_import_command_imports_a_file(db, capsys):
    call_command("import_plan", str(AMAGER_FILE))
    assert "Imported Boligsocial helhedsplan Amager 2022-2025" in capsys.readouterr().out
    assert Plan.objects.filter(slug=AMAGER_SLUG).exists()


def test_exact_amounts_and_offsets_survive_the_round_trip(amager_data, db):
    amager_data["budget"]["lines"][0]["amounts"][2022] = Decimal("1299999.95")
    amager_data["budget"]["lines"][0]["amounts"][2023] = Decimal("1300000.05")
    amager_data["preparedness_plan"]["incidents"][0]["occurred_at"] = datetime.datetime(
        2023, 1, 12, 21, 40, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    text = export_plan(import_plan(amager_data), personal_data=True)
    assert "2022: 1299999.95" in text
    assert "2023: 1300000.05" in text
    assert "occurred_at: 2023-01-12T21:40:00+01:00" in text

    remove_all_plans_and_organisations()
    assert comparable(export_plan(import_plan(parse(text)), personal_data=True)) == comparable(text)


def test_an_activity_can_serve_a_goal_of_another_sub_agreement(amager_data, db):
    education = amager_data["sub_agreements"][0]
    education["activities"][0]["goals"].append("Flere unge får et fritidsjob")
    text = export_plan(import_plan(amager_data), personal_data=True)
    lektiecafe = Activity.objects.get(name="Lektiecaféer")
    assert {goal.title for goal in lektiecafe.goals.all()} == {
        "Flere børn er skoleparate",
        "Flere unge tager en uddannelse",
        "Flere unge får et fritidsjob",
    }
    remove_all_plans_and_organisations()
    assert comparable(export_plan(import_plan(parse(text)), personal_data=True)) == comparable(text)


def test_a_goal_title_used_in_two_sub_agreements_is_referred_to_in_full(amager_data, db):
    employment = amager_data["sub_agreements"][1]
    employment["goals"][0]["title"] = "Flere børn er skoleparate"  # the same title as an education goal
    employment["activities"][0]["goals"] = ["Flere børn er skoleparate"]  # its own delaftale's goal
    amager_data["sub_agreements"][2]["activities"][0]["goals"] = [
        {"sub_agreement": "employment", "goal": "Flere børn er skoleparate"}
    ]
    text = export_plan(import_plan(amager_data), personal_data=True)
    served = Activity.objects.get(name="Opsøgende arbejde om aftenen").goals.get()
    assert served.sub_agreement.focus_area == "employment"
    assert "sub_agreement: employment\n" in text
    remove_all_plans_and_organisations()
    assert comparable(export_plan(import_plan(parse(text)), personal_data=True)) == comparable(text)


# Refused files: every problem named with its place, and nothing saved.


def test_a_wrong_type_is_refused(amager_data, db):
    amager_data["sub_agreements"][2]["goals"][0]["indicators"][0]["baseline_value"] = "a lot"
    amager_data["plan"]["homes"] = "many"
    messages = refused(amager_data)
    assert "sub_agreements[2].goals[0].indicators[0].baseline_value: expected a number" in messages
    assert "plan.homes: expected a whole number" in messages


def test_an_unknown_organisation_is_refused(amager_data, db):
    amager_data["estates"][0]["housing_association"] = "ABC"
    amager_data["sub_agreements"][0]["parties"][1]["organisation"] = "XYZ"
    messages = refused(amager_data)
    assert (
        "estates[0].housing_association: unknown organisation 'ABC': list it under organisations" in messages
    )
    assert (
        "sub_agreements[0].parties[1].organisation: unknown organisation 'XYZ': list it under organisations"
        in (messages)
    )


def test_an_estates_association_must_be_a_housing_association(amager_data, db):
    amager_data["estates"][0]["housing_association"] = "TMF"
    assert refused(amager_data) == ["estates[0].housing_association: TMF is not a housing association"]


def test_a_year_outside_the_plan_period_is_refused(amager_data, db):
    amager_data["budget"]["lines"][0]["amounts"][2026] = 1000
    amager_data["budget"]["funding_sources"][3]["amounts"][2021] = 1000
    messages = refused(amager_data)
    assert "budget.lines[0].amounts[2026]: 2026 is outside the plan's period (2022–2025)." in messages
    assert (
        "budget.funding_sources[3].amounts[2021]: 2021 is outside the plan's period (2022–2025)." in messages
    )


def test_a_missing_required_key_is_refused(amager_data, db):
    del amager_data["sub_agreements"][1]["goals"][0]["title"]
    del amager_data["plan"]["start_date"]
    messages = refused(amager_data)
    assert "sub_agreements[1].goals[0].title: missing required key" in messages
    assert "plan.start_date: missing required key" in messages


def test_a_bad_choice_is_refused(amager_data, db):
    amager_data["sub_agreements"][0]["activities"][0]["status"] = "running"
    assert refused(amager_data) == [
        "sub_agreements[0].activities[0].status: expected one of: planned, ongoing, completed, cancelled"
    ]


def test_a_duplicate_focus_area_is_refused_by_the_models_constraint(amager_data, db):
    amager_data["strategic_goals"][1]["focus_area"] = "education"
    assert refused(amager_data) == [
        said_by(StrategicGoal, "one_strategic_goal_per_focus_area", "strategic_goals[1]")
    ]


def test_a_duplicate_name_is_refused_with_the_models_message_at_its_place(amager_data, db):
    amager_data["estates"][1]["name"] = amager_data["estates"][0]["name"]
    assert refused(amager_data) == ["estates[1].name: The plan already has an estate with this name."]


def test_a_second_measurement_on_the_same_date_is_refused_at_its_place(amager_data, db):
    measurements = amager_data["sub_agreements"][0]["goals"][0]["indicators"][0]["measurements"]
    measurements[1]["date"] = measurements[0]["date"]
    assert refused(amager_data) == [
        said_by(
            Measurement,
            "one_plan_measurement_per_indicator_and_date",
            "sub_agreements[0].goals[0].indicators[0].measurements[1]",
        )
    ]


def test_a_plan_that_ends_before_it_starts_is_refused_by_the_model(amager_data, db):
    amager_data["plan"]["end_date"] = datetime.date(2021, 12, 31)
    assert "plan.end_date: The plan must end after it starts." in refused(amager_data)


def test_an_unknown_key_is_refused_so_a_typo_is_not_lost(amager_data, db):
    amager_data["plan"]["homez"] = 4135
    assert refused(amager_data) == ["plan.homez: unknown key"]


def test_references_to_goals_levels_estates_and_sub_agreements_are_checked(amager_data, db):
    amager_data["sub_agreements"][0]["activities"][1]["goals"] = ["No such goal"]
    amager_data["preparedness_plan"]["incidents"][0]["level"] = "Rød"
    amager_data["preparedness_plan"]["incidents"][0]["estate"] = "Nowhere"
    del amager_data["sub_agreements"][3]
    messages = refused(amager_data)
    assert "sub_agreements[0].activities[1].goals[0]: no goal is titled 'No such goal'" in messages
    assert "preparedness_plan.incidents[0].level: no escalation level is named 'Rød'" in messages
    assert "preparedness_plan.incidents[0].estate: no estate is named 'Nowhere'" in messages
    assert "budget.lines[12].sub_agreement: the file has no sub-agreement for cohesion" in messages


def test_decisions_incidents_and_amounts_are_checked_for_sense(amager_data, db):
    del amager_data["estates"][0]["decisions"][0]["date"]  # approved, but when?
    del amager_data["preparedness_plan"]["incidents"][0]["closed_at"]  # closed, but when?
    amager_data["budget"]["lines"][1]["actuals"][2022] = -5
    messages = refused(amager_data)
    assert said_by(EstateDecision, "decided_decision_has_a_date", "estates[0].decisions[0]") in messages
    assert said_by(Incident, "closed_incident_has_closing_time", "preparedness_plan.incidents[0]") in messages
    assert (
        said_by(ActualSpend, "actual_spend_not_negative", "budget.lines[1].actuals[2022]", at_field=False)
        in messages
    )


def test_the_models_own_rules_are_applied_and_a_late_failure_saves_nothing(amager_data, db):
    # Valid in form, wrong by the model's rule: found while writing, after much was already written.
    indicator = amager_data["sub_agreements"][3]["goals"][1]["indicators"][0]
    indicator["target_value"] = 10  # below the baseline of 25, yet higher is better
    amager_data["sub_agreements"][3]["activities"][0]["end_date"] = datetime.date(2026, 3, 1)
    messages = refused(amager_data)
    assert (
        "sub_agreements[3].goals[1].indicators[0].target_value: "
        "When higher is better, the target must be above the baseline."
    ) in messages
    assert (
        "sub_agreements[3].activities[0].end_date: The date must lie within the plan's period, Jan. 1, 2022 – Dec. 31, 2025."
        in messages
    )
    assert Indicator.objects.count() == 0
    assert Goal.objects.count() == 0


def test_broken_yaml_is_refused_with_its_line():
    with pytest.raises(PlanFileError) as refusal:
        parse("plan:\n  name: [unclosed\n")
    assert refusal.value.messages[0].startswith("line 3, column 1:")


def test_a_file_that_is_not_a_mapping_is_refused(db):
    assert refused(["a", "list"]) == ["(file): expected a mapping of keys to values"]


def test_an_existing_slug_is_refused_unless_replaced(amager_plan, amager_data):
    with pytest.raises(PlanFileError) as refusal:
        import_plan(amager_data)
    assert refusal.value.messages == [
        "plan.slug: a plan with the address 'amager-2022-2025' already exists; replace it with --replace"
    ]
    assert Plan.objects.count() == 1


def test_replace_imports_anew_and_keeps_the_memberships(amager_plan, amager_data):
    forget_versions(amager_plan)  # a plan with an approved version is never replaced (tests/versions)
    ensure_demo_logins(amager_plan)
    boligorg = Membership.objects.get(user__username="boligorg")
    boligorg.sub_agreements.set([amager_plan.sub_agreements.get(focus_area="education")])
    amager_data["plan"]["homes"] = 4200

    plan = import_plan(amager_data, replace=True)

    assert Plan.objects.get().pk == plan.pk != amager_plan.pk
    assert plan.homes == 4200
    assert Membership.objects.filter(plan=plan).count() == 4
    limited = Membership.objects.get(plan=plan, user__username="boligorg")
    assert [s.focus_area for s in limited.sub_agreements.all()] == ["education"]


def test_an_organisation_is_not_redefined_by_a_file(db, amager_data):
    Organisation.objects.create(short_name="VIBO", name="Something else", kind="other")
    with pytest.raises(PlanFileError) as refusal:
        import_plan(amager_data)
    assert refusal.value.messages == [
        "organisations[8]: VIBO already exists as 'Something else' (other); the file must describe it the same way"
    ]
    assert Plan.objects.count() == 0


def test_the_import_command_exits_non_zero_with_the_messages_on_stderr(db, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        AMAGER_FILE.read_text(encoding="utf-8").replace("homes: 4135", "homes: many"), encoding="utf-8"
    )
    # run_from_argv closes the database connections when done, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_:
        import_plan_command.Command().run_from_argv(["manage.py", "import_plan", str(bad)])

    assert exit_.value.code != 0
    assert "plan.homes: expected a whole number" in capsys.readouterr().err
    assert Plan.objects.count() == 0


def test_call_command_raises_command_error_for_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="organisations: missing required key"):
        call_command("import_plan", str(bad))


# The Amager facts (DESIGN.md), and the example data every page needs.

NAMED_ESTATES = {
    "Hørgården",
    "Remisevænget Øst",
    "Remisevænget Vest",
    "Remisevænget Nord",
    "Dyvekevænget",
    "Gullandsgården",
    "Skotlandsgade",
    "Røgeritoften",
    "Støberigården I+II",
    "Signalgården",
    "Sundholm Syd",
    "Store Solvænget",
}


def test_amager_plan_and_organisations(amager_plan):
    assert amager_plan.name == "Boligsocial helhedsplan Amager 2022-2025"
    assert amager_plan.slug == "amager-2022-2025"
    assert (amager_plan.start_date, amager_plan.end_date) == (
        datetime.date(2022, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert (amager_plan.homes, amager_plan.residents) == (4135, 9027)
    administrations = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPAL_ADMINISTRATION)
    assert set(administrations.values_list("short_name", flat=True)) == {
        "ØKF",
        "KFF",
        "BUF",
        "SUF",
        "SOF",
        "TMF",
        "BIF",
    }
    associations = Organisation.objects.filter(kind=Organisation.Kind.HOUSING_ASSOCIATION)
    assert set(associations.values_list("name", flat=True)) == {
        "3B v. KAB",
        "VIBO",
        "fsb",
        "DFB v. Domea.dk",
        "HAB v. DAB",
    }
    assert Organisation.objects.get(short_name="LBF").kind == Organisation.Kind.FUNDER


def test_amager_estates_never_invent_a_name(amager_plan):
    estates = list(amager_plan.estates.select_related("housing_association"))
    assert len(estates) == 19
    assert {e.name for e in estates if e.name_is_known} == NAMED_ESTATES
    unknown = [e for e in estates if not e.name_is_known]
    assert len(unknown) == 7
    assert all(re.fullmatch(r"Afdeling \d+ \(navn ukendt\)", e.name) for e in unknown)
    by_name = {e.name: e for e in estates}
    assert by_name["Hørgården"].housing_association.short_name == "3B"
    assert by_name["Dyvekevænget"].housing_association.short_name == "3B"
    assert by_name["Støberigården I+II"].housing_association.short_name == "VIBO"
    # No source gives an estate's size: homes and residents stay empty, never invented.
    assert [e.name for e in estates if e.homes is not None or e.residents is not None] == []


def test_amager_funding_and_budget(amager_plan):
    summary = budget_summary(amager_plan)
    by_kind = {source.kind: sum(by_year.values()) for source, by_year in summary.sources}
    assert by_kind == {
        FundingSource.Kind.MUNICIPALITY: Decimal("4620000"),
        FundingSource.Kind.OTHER_PUBLIC: Decimal("2910000"),
        FundingSource.Kind.HOUSING_ASSOCIATIONS: Decimal("4620000"),
        FundingSource.Kind.LBF: Decimal("19050000"),
    }
    assert summary.total_funding == summary.total_budget == Decimal("31.2") * MIO
    assert summary.budget_by_year == {year: Decimal("7.8") * MIO for year in (2022, 2023, 2024, 2025)}
    assert summary.funding_by_year == summary.budget_by_year
    assert summary.is_balanced
    assert summary.local_amount == Decimal("12.15") * MIO
    assert round(summary.local_share, 2) == Decimal("0.39")
    assert round(summary.lbf_share, 2) == Decimal("0.61")
    assert summary.meets_lbf_local_minimum and summary.meets_municipal_commitment
    # Every delaftale and the shared secretariat have lines; some actual spend is known for 2022-2024.
    assert set(summary.budget_by_sub_agreement) == {None, *SubAgreement.objects.in_plan(amager_plan)}
    assert all(summary.actual_by_year[year] for year in (2022, 2023, 2024))
    assert summary.actual_by_year[2025] is None
    assert all(line.is_example for line in BudgetLine.objects.in_plan(amager_plan))


def test_amager_approvals(amager_plan):
    summary = approval_summary(amager_plan, datetime.date(2021, 9, 27))
    assert (summary.total, summary.approved_count) == (19, 18)
    [pending] = summary.pending
    assert pending.estate.name == "Støberigården I+II"
    assert pending.expected_date == datetime.date(2021, 11, 4)
    assert pending.decision.body == EstateDecision.Body.DEPARTMENT_BOARD
    assert not pending.decision.is_example
    steps = list(ApprovalStep.objects.in_plan(amager_plan).order_by("order"))
    # After the seed: TMU's approval (November 2021, no exact date) and the start on 1 January 2022 from
    # kk.dk; the estates' final approval and LBF's decision are unknown, so still pending.
    assert [(s.date, s.status) for s in steps] == [
        (datetime.date(2020, 10, 1), "done"),
        (datetime.date(2020, 10, 8), "done"),
        (datetime.date(2021, 11, 4), "from_estates"),  # the estates' step follows their decisions
        (None, "done"),
        (None, "pending"),
        (datetime.date(2022, 1, 1), "done"),
    ]
    assert steps[3].body == "Teknik- og Miljøudvalget"
    assert steps[4].body == "Landsbyggefonden"


def test_amager_goals_and_progress(amager_plan):
    assert sorted(amager_plan.strategic_goals.values_list("focus_area", flat=True)) == sorted(
        ["education", "employment", "crime_prevention", "cohesion"]
    )
    assert amager_plan.sub_agreements.count() == 4
    vision = amager_plan.strategic_agreement.vision
    assert "Politik for Udsatte" in vision and "Kommuneplan" in vision
    young = Indicator.objects.get(plan=amager_plan, name="Unge uden for uddannelse og beskæftigelse")
    assert (young.baseline_value, young.direction, young.strategic_goal.focus_area) == (
        375,
        "lower",
        "education",
    )

    goal_indicators = Indicator.objects.filter(plan=amager_plan, goal__isnull=False).prefetch_related(
        "measurements"
    )
    # Each judged when it was last measured, the examples show both statuses ...
    statuses = {indicator.progress(at=indicator.latest_measurement()).status for indicator in goal_indicators}
    assert {Status.ON_TRACK, Status.BEHIND} <= statuses
    # ... and once the period has ended, each status is final.
    ended = progress.status_as_of(today=datetime.date(2026, 12, 1), period_end=amager_plan.end_date)
    assert {indicator.progress(as_of=ended).status for indicator in goal_indicators} <= {
        Status.REACHED,
        Status.NOT_REACHED,
        Status.NO_DATA,
    }
    for sub in amager_plan.sub_agreements.all():
        assert 2 <= sub.goals.count() <= 3
        assert sub.activities.exists()
        assert sub.parties.exists()
    for indicator in goal_indicators:
        assert 2 <= indicator.measurements.count() <= 4
    assert all(m.is_example for m in Measurement.objects.in_plan(amager_plan))
    assert all(a.is_example for a in Activity.objects.in_plan(amager_plan))


def test_amager_has_an_activity_that_needs_attention(amager_plan):
    overdue = [
        a.name for a in Activity.objects.in_plan(amager_plan) if a.is_overdue(datetime.date(2024, 9, 1))
    ]
    assert overdue == ["Jobvejledning: opsøgende forløb forår 2024"]
    names = " ".join(Activity.objects.in_plan(amager_plan).values_list("name", flat=True)).lower()
    for kind in ("lektiecaf", "sprog- og læse", "mødregrupper", "fritidsjob", "jobvejledning"):
        assert kind in names


def test_amager_emergency_plan(amager_plan):
    preparedness = amager_plan.preparedness_plan
    assert preparedness.is_example
    assert list(preparedness.levels.values_list("name", flat=True)) == [
        "Normal",
        "Skærpet",
        "Akut",
        "Bydækkende",
    ]
    contacts = list(preparedness.contacts.all())
    assert 8 <= len(contacts) <= 10
    assert all(c.is_example and c.name.startswith("Eksempel: ") for c in contacts)
    assert all(c.phone.startswith("+45 00 00 00") for c in contacts)
    stale = [c.role for c in contacts if c.needs_verification(datetime.date(2026, 11, 26))]
    assert stale == ["Boligorganisationens vagthavende"]
    assert preparedness.action_cards.count() >= 4
    [incident] = Incident.objects.in_plan(amager_plan)
    assert incident.status == Incident.Status.CLOSED and incident.is_example
    assert incident.log_entries.count() >= 3
    assert incident.evaluation_lessons


def test_the_facts_sources_survive_the_round_trip(amager_plan, tmp_path, settings):
    """A web address with its day, an example mark and a document's page (written as a public document by its
    title and page, as the file carries no documents) come back as they were exported."""
    from helhedsplan.approvals.models import ApprovalStep
    from helhedsplan.documents.models import FactSource
    from helhedsplan.documents.services import fact_source_set
    from tests.documents.factories import document_with_version

    settings.MEDIA_ROOT = tmp_path
    step = ApprovalStep.objects.filter(plan=amager_plan, date__isnull=False, date_is_expected=False).first()
    indicator = Indicator.objects.filter(plan=amager_plan, goal__isnull=False).order_by("pk").first()
    document = document_with_version(amager_plan, title="Indstillingen")

    def set_source(fact, object_id, **data):
        existing = FactSource.objects.filter(plan=amager_plan, fact=fact, object_id=object_id).first()
        fact_source_set(
            plan=amager_plan,
            fact=fact,
            object_id=object_id,
            data=data,
            expected_lock_version=existing.lock_version if existing else None,
            actor=None,
        )

    set_source(
        "approval-date", step.pk, url="https://www.kk.dk/dagsorden", read_on=datetime.date(2026, 11, 30)
    )
    set_source("indicator-baseline", indicator.pk, is_example=True)
    set_source("plan-residents", amager_plan.pk, document=document, page=3)
    first = export_plan(amager_plan, personal_data=False)
    data = parse(first)
    assert data["plan"]["residents_source"] == {"reference": "Indstillingen, page 3"}

    remove_all_plans_and_organisations()
    plan = import_plan(data)
    assert comparable(export_plan(plan, personal_data=False)) == comparable(first)
    copied_step = ApprovalStep.objects.get(plan=plan, order=step.order)
    web = FactSource.objects.get(plan=plan, fact="approval-date", object_id=copied_step.pk)
    assert (web.url, web.read_on) == ("https://www.kk.dk/dagsorden", datetime.date(2026, 11, 30))
    copied_indicator = Indicator.objects.get(plan=plan, name=indicator.name, goal__isnull=False)
    assert (
        FactSource.objects.get(plan=plan, object_id=copied_indicator.pk, fact="indicator-baseline").kind
        == "example"
    )


def test_a_fact_source_the_model_refuses_is_reported_at_its_place(amager_data, db):
    amager_data["plan"]["homes_source"] = {"url": "javascript:alert(1)", "read_on": datetime.date(2026, 1, 5)}
    assert "plan.homes_source.url: Give a public web address beginning with http:// or https://." in refused(
        amager_data
    )
