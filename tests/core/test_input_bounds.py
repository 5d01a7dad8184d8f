"""Every date and time the app takes lies between the years 1900 and 2100, and no text holds a control
character: refused with a Danish message at the field, in the model (so forms, services and the admin agree) and
by the database. Run on SQLite and (with DATABASE_URL) on PostgreSQL: year 1 overflowed SQLite's time zone
conversion (a 500) and was stored as a BC timestamp on PostgreSQL that broke every incident page afterwards."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from helhedsplan.budget.models import BudgetLine
from helhedsplan.core.constraints import DateInBounds
from helhedsplan.core.models import CleanInput
from helhedsplan.goals.models import Measurement
from helhedsplan.plans.models import PlanContent
from helhedsplan.preparedness.models import EscalationLevel, Incident, IncidentLogEntry

pytestmark = pytest.mark.django_db

DATE_MESSAGE = "Skriv en dato mellem årene 1900 og 2100."
TEXT_MESSAGE = "Fjern de usynlige kontroltegn (ofte kopieret fra Word). Tabulatorer og linjeskift er i orden."

#: The app's own models; the history's copies (simple_history) record what these held.
APP_MODELS = [
    m
    for m in apps.get_models()
    if m.__module__.startswith("helhedsplan.") and not hasattr(m, "instance_type")
]


def test_every_date_and_time_field_has_its_bounds_in_the_database():
    missing = [
        f"{model.__name__}.{field.name}"
        for model in APP_MODELS
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)  # DateTimeField is one too
        and not any(
            isinstance(c, DateInBounds) and c.error_field == field.name for c in model._meta.constraints
        )
    ]
    assert missing == []


def test_every_model_of_a_plan_refuses_control_characters_in_its_text():
    plan_models = [
        m for m in APP_MODELS if issubclass(m, PlanContent) or m.__name__ in {"Plan", "Organisation"}
    ]
    assert plan_models
    assert [m.__name__ for m in plan_models if not issubclass(m, CleanInput)] == []


@pytest.mark.parametrize("moment", ["0001-01-01T00:30", "1899-12-31T12:00", "1066-10-14T09:00"])
def test_an_incident_in_an_impossible_year_is_a_form_error(client_for, personas, amager_plan, moment):
    before = Incident.objects.count()

    response = client_for(personas.editor).post(
        reverse("preparedness:incident_create", kwargs={"plan": amager_plan.slug}),
        {"occurred_at": moment, "summary": "Uro ved busstoppestedet"},
    )

    assert response.status_code == 200
    assert DATE_MESSAGE in response.context["form"].errors["occurred_at"]
    assert Incident.objects.count() == before
    # The incident log still reads.
    assert (
        client_for(personas.editor)
        .get(reverse("preparedness:incidents", kwargs={"plan": amager_plan.slug}))
        .status_code
        == 200
    )


def test_a_measurement_in_year_1_is_refused_by_the_model_and_the_database(amager_plan):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    measurement.date = datetime.date(1, 1, 1)

    with pytest.raises(ValidationError) as refused:
        measurement.full_clean()
    assert DATE_MESSAGE in refused.value.message_dict["date"]

    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.filter(pk=measurement.pk).update(date=datetime.date(1899, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.filter(pk=measurement.pk).update(date=datetime.date(2101, 1, 1))


def test_a_time_outside_the_bounds_is_refused_by_the_database(amager_plan):
    entry = IncidentLogEntry.objects.in_plan(amager_plan).order_by("pk").first() or pytest.fail("no entry")
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentLogEntry.objects.filter(pk=entry.pk).update(
            deadline=datetime.datetime(1899, 12, 31, 12, tzinfo=datetime.UTC)
        )
    # The last moment of 2100 is fine.
    IncidentLogEntry.objects.filter(pk=entry.pk).update(
        deadline=datetime.datetime(2100, 12, 31, 22, 59, tzinfo=datetime.UTC)
    )


def test_the_bounds_themselves_are_allowed(amager_plan):
    measurement = Measurement.objects.in_plan(amager_plan).order_by("pk").first()
    for day in (datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)):
        measurement.date = day
        measurement.validate_constraints(exclude={"indicator"})


@pytest.mark.parametrize("character", ["\x0b", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_a_description_is_a_form_error(client_for, personas, amager_plan, character):
    before = BudgetLine.objects.count()

    response = client_for(personas.coordinator).post(
        reverse("budget:line_create", kwargs={"plan": amager_plan.slug}),
        {"sub_agreement": "", "category": "audit", "description": f"Revision{character}2024"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [TEXT_MESSAGE]
    assert BudgetLine.objects.count() == before


def test_a_nul_byte_is_refused_by_the_model(amager_plan):
    line = BudgetLine(plan=amager_plan, category="audit", description="Revision\x002024")
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert refused.value.message_dict["description"] == [TEXT_MESSAGE]


def test_tabs_and_line_breaks_are_text(amager_plan):
    line = BudgetLine(plan=amager_plan, category="audit", description="Revision\t2024\r\nog 2025")
    line.full_clean()


def test_a_service_refuses_a_control_character_too(amager_plan, personas):
    from helhedsplan.preparedness.services import incident_open

    with pytest.raises(ValidationError) as refused:
        incident_open(
            plan=amager_plan,
            data={"occurred_at": timezone.now(), "summary": "Uro\x0b ved busstoppestedet"},
            actor=personas.editor,
        )
    assert refused.value.message_dict["summary"] == [TEXT_MESSAGE]


def test_an_evaluation_with_a_control_character_is_a_form_error(client_for, personas, amager_plan):
    from tests.preparedness.factories import IncidentFactory

    level = EscalationLevel.objects.in_plan(amager_plan).order_by("pk").first()
    incident = IncidentFactory(plan=amager_plan, level=level)

    response = client_for(personas.coordinator).post(
        reverse("preparedness:incident_close", kwargs={"plan": amager_plan.slug, "pk": incident.pk}),
        {
            "lock_version": incident.lock_version,
            "what_worked": "Samarbejdet",
            "lessons": "Ring\x1b tidligere",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["lessons"] == [TEXT_MESSAGE]
    incident.refresh_from_db()
    assert incident.is_open


def test_the_plan_file_importer_refuses_both_at_their_places(db):
    import copy

    from helhedsplan.core.validators import CONTROL_CHARACTERS_MESSAGE, DATE_OUT_OF_BOUNDS
    from helhedsplan.planfiles.demo import AMAGER_FILE
    from helhedsplan.planfiles.importer import import_plan, read
    from helhedsplan.planfiles.schema import PlanFileError
    from helhedsplan.plans.models import Plan

    data = copy.deepcopy(read(AMAGER_FILE))
    data["estates"][0]["name"] = "Hørgården\x0b"
    data["sub_agreements"][0]["goals"][0]["indicators"][0]["baseline_date"] = datetime.date(1850, 1, 1)

    with pytest.raises(PlanFileError) as refusal:
        import_plan(data)

    messages = refusal.value.messages
    assert f"estates[0].name: {CONTROL_CHARACTERS_MESSAGE}" in messages
    assert f"sub_agreements[0].goals[0].indicators[0].baseline_date: {DATE_OUT_OF_BOUNDS}" in messages
    assert not Plan.objects.exists()
