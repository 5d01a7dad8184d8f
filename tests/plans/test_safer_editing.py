"""Safer editing (issue 9, §4): deleting what holds other rows is a coordinator's act, a deleted object's history
stays reachable and a coordinator restores it, members see what they may change, and the 403 page says whom to
ask."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.core.services import object_delete, object_restore
from helhedsplan.goals import services as goal_services
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from tests.goals.factories import GoalFactory, MeasurementFactory
from tests.goals.page_fixtures import build_world, snapshot
from tests.world import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    coordinator = world.users["coordinator"]
    coordinator.first_name, coordinator.last_name = "Karin", "Koordinator"
    coordinator.save()
    return world


def history_url(world, obj_or_model, pk=None) -> str:
    meta = obj_or_model._meta
    return reverse(
        "history",
        kwargs={
            "plan": world.plan.slug,
            "app_label": meta.app_label,
            "model_name": meta.model_name,
            "pk": pk if pk is not None else obj_or_model.pk,
        },
    )


def restore_url(world, model, pk) -> str:
    return history_url(world, model, pk) + "gendan/"


def text_of(response) -> str:
    """The page's text as a reader sees it: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Deleting what holds other rows ---------------------------------------------------------------------------


def test_an_editor_is_refused_the_delete_of_a_goal_with_measurements(world):
    client = client_for(world.users["editor"])
    url = world.url("goal_delete", pk=world.goal.pk)
    before = snapshot()

    page = client.get(url)
    refused = client.post(url)

    assert page.status_code == refused.status_code == 403
    assert snapshot() == before
    text = text_of(refused)
    assert "Det kræver rollen koordinator." in text
    assert "At slette noget sammen med det, der hører under det, er koordinatorens opgave." in text


def test_an_editor_deletes_a_goal_that_holds_nothing(world):
    childless = GoalFactory(sub_agreement=world.sub_agreement, title="Tomt delmål")
    client = client_for(world.users["editor_this"])

    page = client.get(world.url("goal_delete", pk=childless.pk))
    response = client.post(world.url("goal_delete", pk=childless.pk), follow=True)

    assert page.status_code == 200
    assert "Slettes samtidig" not in page.content.decode()
    assert not Goal.objects.filter(pk=childless.pk).exists()
    # The message links to the deleted goal's history.
    assert f'href="{history_url(world, childless, childless.pk)}"' in response.content.decode()
    assert "Se sletningen i historikken." in text_of(response)


def test_an_editor_deletes_a_measurement_and_an_activity(world):
    client = client_for(world.users["editor_this"])
    assert client.post(world.url("measurement_delete", pk=world.measurement.pk)).status_code == 302
    assert client.post(world.url("activity_delete", pk=world.activity.pk)).status_code == 302
    assert not Measurement.objects.filter(pk=world.measurement.pk).exists()
    assert not Activity.objects.filter(pk=world.activity.pk).exists()


def test_an_editor_is_refused_the_delete_of_an_indicator_with_measurements(world):
    before = snapshot()
    response = client_for(world.users["editor"]).post(world.url("indicator_delete", pk=world.indicator.pk))
    assert response.status_code == 403
    assert snapshot() == before


def test_the_delete_page_lists_what_goes_with_it(world):
    response = client_for(world.users["coordinator"]).get(world.url("goal_delete", pk=world.goal.pk))
    text = text_of(response)
    assert "Slettes samtidig:" in text
    assert "Indikatorer (1): Unge i uddannelse" in text
    assert "Målinger (1): Måling fra 30. juni 2023" in text


def test_editors_see_the_delete_button_only_for_what_they_may_delete(world):
    childless = GoalFactory(sub_agreement=world.sub_agreement, title="Tomt delmål")
    with_indicators = world.url("goal_delete", pk=world.goal.pk)
    empty = world.url("goal_delete", pk=childless.pk)
    sub_agreement_page = world.sub_agreement.get_absolute_url()

    editor = client_for(world.users["editor"])
    assert with_indicators not in editor.get(world.url("goal", pk=world.goal.pk)).content.decode()
    assert empty in editor.get(world.url("goal", pk=childless.pk)).content.decode()
    listed = editor.get(sub_agreement_page).content.decode()
    assert with_indicators not in listed and empty in listed

    coordinator = client_for(world.users["coordinator"])
    assert with_indicators in coordinator.get(world.url("goal", pk=world.goal.pk)).content.decode()
    assert with_indicators in coordinator.get(sub_agreement_page).content.decode()


# --- History of what was deleted, and restoring it ------------------------------------------------------------


def test_a_coordinator_deletes_a_goal_and_restores_it_with_what_went_with_it(world):
    coordinator = client_for(world.users["coordinator"])
    goal, indicator, measurement = world.goal, world.indicator, world.measurement
    coordinator.post(world.url("goal_delete", pk=goal.pk))
    assert not Indicator.objects.filter(pk=indicator.pk).exists()

    history = coordinator.get(history_url(world, Goal, goal.pk))
    assert history.status_code == 200
    assert restore_url(world, Goal, goal.pk) in history.content.decode()
    confirm = coordinator.get(restore_url(world, Goal, goal.pk))
    assert "Indikator: Unge i uddannelse" in text_of(confirm)
    assert "Måling: Måling fra 30. juni 2023" in text_of(confirm)

    response = coordinator.post(restore_url(world, Goal, goal.pk), follow=True)

    assert response.redirect_chain[-1][0] == goal.get_absolute_url()
    assert "Flere unge i uddannelse er gendannet." in text_of(response)
    restored = Goal.objects.get(pk=goal.pk)
    assert (restored.title, restored.sub_agreement) == (goal.title, world.sub_agreement)
    assert Indicator.objects.get(pk=indicator.pk).goal == restored
    assert Measurement.objects.get(pk=measurement.pk).value == Decimal("50")
    # The history shows the restore, by whom.
    text = text_of(coordinator.get(history_url(world, restored)))
    assert "Gendannet" in text and "Slettet" in text and "Karin Koordinator" in text
    assert restored.history.latest().history_user == world.users["coordinator"]
    assert Measurement.objects.get(pk=measurement.pk).history.latest().history_change_reason == "restored"


def test_a_deleted_measurement_is_found_from_its_indicators_history(world):
    coordinator = client_for(world.users["coordinator"])
    coordinator.post(world.url("measurement_delete", pk=world.measurement.pk))

    indicator_history = coordinator.get(history_url(world, world.indicator)).content.decode()
    measurement_history = history_url(world, Measurement, world.measurement.pk)

    assert "Slettet herfra" in indicator_history
    assert measurement_history in indicator_history
    page = coordinator.get(measurement_history)
    assert page.status_code == 200
    assert "Slettet" in text_of(page) and "Gendan" in text_of(page)


def test_editors_and_reviewers_read_a_deleted_objects_history_but_cannot_restore_it(world):
    pk = world.measurement.pk
    object_delete(world.measurement, actor=world.users["editor"])
    url = restore_url(world, Measurement, pk)
    for role in ("editor", "editor_this", "reviewer"):
        client = client_for(world.users[role])
        history = client.get(history_url(world, Measurement, pk))
        assert history.status_code == 200, role
        assert url not in history.content.decode(), role
        assert "En af planens koordinatorer kan gendanne det slettede." in text_of(history)
        assert client.get(url).status_code == 403, role
        assert client.post(url).status_code == 403, role
    assert not Measurement.objects.filter(pk=pk).exists()


def test_another_plan_never_sees_a_deleted_object(world):
    pk = world.measurement.pk
    object_delete(world.measurement, actor=None)
    outsider = client_for(world.users["outsider"])
    own_slug = reverse(
        "history",
        kwargs={
            "plan": world.other_plan.slug,
            "app_label": "goals",
            "model_name": "measurement",
            "pk": pk,
        },
    )
    assert outsider.get(history_url(world, Measurement, pk)).status_code == 404
    assert outsider.get(own_slug).status_code == 404
    assert outsider.post(own_slug + "gendan/").status_code == 404
    assert not Measurement.objects.filter(pk=pk).exists()


def test_a_restore_onto_a_date_taken_meanwhile_is_refused_in_danish(world):
    coordinator = client_for(world.users["coordinator"])
    pk, day = world.measurement.pk, world.measurement.date
    object_delete(world.measurement, actor=world.users["coordinator"])
    MeasurementFactory(indicator=world.indicator, date=day, value=Decimal("51"))

    response = coordinator.post(restore_url(world, Measurement, pk))

    assert response.status_code == 200
    assert "Der er allerede en måling på denne dato." in text_of(response)
    assert not Measurement.objects.filter(pk=pk).exists()


def test_a_restored_activity_serves_its_goals_again(world):
    activity, pk = world.activity, world.activity.pk
    goal_services.activity_delete(activity=activity, actor=world.users["coordinator"])
    deletion = Activity.history.filter(id=pk, history_type="-").get()

    restored = object_restore(record=deletion, actor=world.users["coordinator"])

    assert list(restored.goals.all()) == [world.goal]
    assert restored.responsible_organisation == world.organisation


def test_a_restored_measurement_keeps_when_it_was_entered(world):
    pk = world.measurement.pk
    entered_at = Measurement.objects.get(pk=pk).entered_at
    object_delete(world.measurement, actor=None)
    deletion = Measurement.history.filter(id=pk, history_type="-").get()
    object_restore(record=deletion, actor=None)
    assert Measurement.objects.get(pk=pk).entered_at == entered_at


def test_only_the_rows_of_the_same_delete_come_back(world):
    """A measurement deleted on its own earlier stays deleted when its indicator, deleted later, is restored."""
    earlier = MeasurementFactory(indicator=world.indicator, date=datetime.date(2024, 6, 30))
    earlier_pk, indicator_pk, measurement_pk = earlier.pk, world.indicator.pk, world.measurement.pk
    object_delete(earlier, actor=world.users["coordinator"])
    Measurement.history.filter(id=earlier_pk, history_type="-").update(
        history_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    object_delete(world.indicator, actor=world.users["coordinator"])
    deletion = Indicator.history.filter(id=indicator_pk, history_type="-").get()

    object_restore(record=deletion, actor=world.users["coordinator"])

    assert Measurement.objects.filter(pk=measurement_pk).exists()
    assert not Measurement.objects.filter(pk=earlier_pk).exists()


# --- What a member may change ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "notice"),
    [
        ("editor_this", "Du redigerer: {sub_agreement} (delmål, indikatorer, målinger og aktiviteter)."),
        (
            "editor",
            "Du redigerer hele planen (delmål, indikatorer, målinger og aktiviteter i alle delaftaler).",
        ),
        ("reviewer", "Du kan læse planen, men ikke ændre den."),
    ],
)
def test_each_member_is_told_what_they_may_change(world, role, notice):
    text = text_of(client_for(world.users[role]).get(world.url("goal", pk=world.goal.pk)))
    assert notice.format(sub_agreement=world.sub_agreement) in text


def test_a_coordinator_gets_no_notice(world):
    html = client_for(world.users["coordinator"]).get(world.url("goal", pk=world.goal.pk)).content.decode()
    assert 'id="editing-notice"' not in html


# --- The 403 page ---------------------------------------------------------------------------------------------


def test_the_403_page_keeps_the_plan_names_the_role_and_the_coordinators(world):
    response = client_for(world.users["reviewer"]).get(world.url("goal_update", pk=world.goal.pk))

    assert response.status_code == 403
    html = response.content.decode()
    text = text_of(response)
    assert 'aria-label="Planen"' in html  # the plan's navigation
    assert reverse("overview:dashboard", kwargs={"plan": world.plan.slug}) in html
    assert "Det kræver rollen koordinator eller redaktør." in text
    assert "Spørg planens koordinator: Karin Koordinator" in text
    assert world.users["coordinator"].email not in html  # names, not contact details


def test_the_403_page_of_a_limited_editor_says_the_part_of_the_plan(world):
    response = client_for(world.users["editor_other"]).get(world.url("goal_update", pk=world.goal.pk))
    assert response.status_code == 403
    assert "Det kræver rollen koordinator eller redaktør med adgang til denne del af planen." in text_of(
        response
    )


def test_key_figures_take_a_coordinator_as_the_strategic_agreement_does(world):
    response = client_for(world.users["editor"]).get(world.url("indicator_update", pk=world.key_figure.pk))
    assert response.status_code == 403
    assert "Det kræver rollen koordinator." in text_of(response)
    coordinator = client_for(world.users["coordinator"])
    assert coordinator.get(world.url("indicator_update", pk=world.key_figure.pk)).status_code == 200


def test_outsiders_still_get_404_not_403(world):
    response = client_for(world.users["outsider"]).get(world.url("goal_update", pk=world.goal.pk))
    assert response.status_code == 404


def test_a_measurement_whose_indicator_is_gone_asks_to_restore_the_indicator_first(world):
    measurement_pk, indicator_pk = world.measurement.pk, world.indicator.pk
    object_delete(world.measurement, actor=None)
    object_delete(world.indicator, actor=None)

    response = client_for(world.users["coordinator"]).post(restore_url(world, Measurement, measurement_pk))

    assert response.status_code == 200
    assert "Det overordnede (indikator) er også slettet: gendan det først." in text_of(response)
    assert not Measurement.objects.filter(pk=measurement_pk).exists()
    assert not Indicator.objects.filter(pk=indicator_pk).exists()


def test_a_deleted_objects_history_page_does_not_grow_with_its_records(world, django_assert_num_queries):
    measurement = world.measurement
    pk = measurement.pk
    for value in ("51", "52", "53"):
        measurement.value = Decimal(value)
        measurement.save()
    object_delete(measurement, actor=None)
    client = client_for(world.users["coordinator"])
    client.get(history_url(world, Measurement, pk))  # the session is read once before
    # 1 the session, 2 its user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is
    # limited to; 5 the object, not found; 6 its history records with their users; 7 the indicator the deletion
    # names, on the way to the plan; 8 the indicator as the deleted measurement's parent, and 9 again with what
    # its breadcrumbs read; 10 the indicator the changes name (in bulk, for all records).
    with django_assert_num_queries(10):
        response = client.get(history_url(world, Measurement, pk))
    assert response.status_code == 200
    assert len(response.context["entries"]) == 5


# --- Every kind of object a page deletes comes back whole -----------------------------------------------------


def _deletable_models():
    from helhedsplan.agreements.models import SubAgreementParty
    from helhedsplan.approvals.models import ApprovalStep, EstateDecision
    from helhedsplan.budget.models import BudgetLine, FundingSource
    from helhedsplan.preparedness.models import ActionCard, Contact, EscalationLevel

    return [
        SubAgreementParty,
        ApprovalStep,
        EstateDecision,
        BudgetLine,
        FundingSource,
        ActionCard,
        Contact,
        EscalationLevel,
        Goal,
        Indicator,
        Measurement,
        Activity,
    ]


@pytest.mark.parametrize("model", _deletable_models(), ids=lambda model: model.__name__)
def test_every_deletable_object_is_restored_with_what_went_with_it(other_plan, model):
    obj = model.objects.in_plan(other_plan).order_by("pk").first()
    if model.__name__ == "EscalationLevel":  # a level in use by an incident cannot be deleted
        obj = model.objects.in_plan(other_plan).filter(incidents__isnull=True).order_by("pk").first()
    assert obj is not None, model
    pk, dependants = obj.pk, [(type(row), row.pk) for row in obj.dependants()]
    object_delete(obj, actor=None)
    deletion = model.history.filter(id=pk, history_type="-").get()

    object_restore(record=deletion, actor=None)

    assert model.objects.filter(pk=pk).exists()
    for row_model, row_pk in dependants:
        assert row_model.objects.filter(pk=row_pk).exists(), (row_model, row_pk)
