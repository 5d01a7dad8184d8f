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
from tests.world import client_for, snapshot

pytestmark = pytest.mark.django_db

#: A goal of the Amager plan in the limited editor's delaftale (education), with one indicator and its three
#: measurements (30 June 2022, 2023 and 2024).
GOAL = "Flere unge tager en uddannelse"
INDICATOR = "Andel elever i 9. klasse, der søger en ungdomsuddannelse"


def goal_of(plan) -> Goal:
    return Goal.objects.in_plan(plan).get(title=GOAL)


def indicator_of(plan) -> Indicator:
    return Indicator.objects.in_plan(plan).get(name=INDICATOR)


def measurement_of(plan) -> Measurement:
    """The indicator's measurement of 30 June 2023 (81,5 %)."""
    return indicator_of(plan).measurements.get(date=datetime.date(2023, 6, 30))


def url(plan, name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": plan.slug, **kwargs})


def named(coordinator):
    """The coordinator, with the name the pages show for them."""
    coordinator.first_name, coordinator.last_name = "Karin", "Koordinator"
    coordinator.save()
    return coordinator


def history_url(plan, obj_or_model, pk=None) -> str:
    meta = obj_or_model._meta
    return reverse(
        "history",
        kwargs={
            "plan": plan.slug,
            "app_label": meta.app_label,
            "model_name": meta.model_name,
            "pk": pk if pk is not None else obj_or_model.pk,
        },
    )


def restore_url(plan, model, pk) -> str:
    return history_url(plan, model, pk) + "gendan/"


def text_of(response) -> str:
    """The page's text as a reader sees it: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Deleting what holds other rows ---------------------------------------------------------------------------


def test_an_editor_is_refused_the_delete_of_a_goal_with_measurements(amager_plan, personas):
    client = client_for(personas.editor)
    address = url(amager_plan, "goal_delete", pk=goal_of(amager_plan).pk)
    before = snapshot()

    page = client.get(address)
    refused = client.post(address)

    assert page.status_code == refused.status_code == 403
    assert snapshot() == before
    text = text_of(refused)
    assert "Det kræver rollen koordinator." in text
    assert "At slette noget sammen med det, der hører under det, er koordinatorens opgave." in text


def test_an_editor_deletes_a_goal_that_holds_nothing(amager_plan, personas):
    childless = GoalFactory(sub_agreement=goal_of(amager_plan).sub_agreement, title="Tomt delmål")
    client = client_for(personas.limited_editor)

    page = client.get(url(amager_plan, "goal_delete", pk=childless.pk))
    response = client.post(url(amager_plan, "goal_delete", pk=childless.pk), follow=True)

    assert page.status_code == 200
    assert "Slettes samtidig" not in page.content.decode()
    assert not Goal.objects.filter(pk=childless.pk).exists()
    # The message links to the deleted goal's history.
    assert f'href="{history_url(amager_plan, childless, childless.pk)}"' in response.content.decode()
    assert "Se sletningen i historikken." in text_of(response)


def test_an_editor_deletes_a_measurement_and_an_activity(amager_plan, personas):
    measurement = measurement_of(amager_plan)
    # An activity of the limited editor's delaftale with no milestones: it holds nothing.
    activity = Activity.objects.in_plan(amager_plan).get(name="Sprog- og læseprojekter med skolerne")
    assert activity.sub_agreement == goal_of(amager_plan).sub_agreement and not activity.dependants()
    client = client_for(personas.limited_editor)
    assert client.post(url(amager_plan, "measurement_delete", pk=measurement.pk)).status_code == 302
    assert client.post(url(amager_plan, "activity_delete", pk=activity.pk)).status_code == 302
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_an_editor_is_refused_the_delete_of_an_indicator_with_measurements(amager_plan, personas):
    before = snapshot()
    response = client_for(personas.editor).post(
        url(amager_plan, "indicator_delete", pk=indicator_of(amager_plan).pk)
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_the_delete_page_lists_what_goes_with_it(amager_plan, personas):
    response = client_for(personas.coordinator).get(
        url(amager_plan, "goal_delete", pk=goal_of(amager_plan).pk)
    )
    text = text_of(response)
    assert "Slettes samtidig:" in text
    assert f"Indikatorer (1): {INDICATOR}" in text
    assert (
        "Målinger (3): Måling fra 30. juni 2022, Måling fra 30. juni 2023, Måling fra 30. juni 2024" in text
    )


def test_editors_see_the_delete_button_only_for_what_they_may_delete(amager_plan, personas):
    goal = goal_of(amager_plan)
    childless = GoalFactory(sub_agreement=goal.sub_agreement, title="Tomt delmål")
    with_indicators = url(amager_plan, "goal_delete", pk=goal.pk)
    empty = url(amager_plan, "goal_delete", pk=childless.pk)
    sub_agreement_page = goal.sub_agreement.get_absolute_url()

    editor = client_for(personas.editor)
    assert with_indicators not in editor.get(url(amager_plan, "goal", pk=goal.pk)).content.decode()
    assert empty in editor.get(url(amager_plan, "goal", pk=childless.pk)).content.decode()
    listed = editor.get(sub_agreement_page).content.decode()
    assert with_indicators not in listed and empty in listed

    coordinator = client_for(personas.coordinator)
    assert with_indicators in coordinator.get(url(amager_plan, "goal", pk=goal.pk)).content.decode()
    assert with_indicators in coordinator.get(sub_agreement_page).content.decode()


# --- History of what was deleted, and restoring it ------------------------------------------------------------


def test_a_coordinator_deletes_a_goal_and_restores_it_with_what_went_with_it(amager_plan, personas):
    coordinator = client_for(named(personas.coordinator))
    goal, indicator, measurement = (
        goal_of(amager_plan),
        indicator_of(amager_plan),
        measurement_of(amager_plan),
    )
    coordinator.post(url(amager_plan, "goal_delete", pk=goal.pk))
    assert not Indicator.objects.filter(pk=indicator.pk).exists()

    history = coordinator.get(history_url(amager_plan, Goal, goal.pk))
    assert history.status_code == 200
    assert restore_url(amager_plan, Goal, goal.pk) in history.content.decode()
    confirm = coordinator.get(restore_url(amager_plan, Goal, goal.pk))
    assert f"Indikator: {INDICATOR}" in text_of(confirm)
    assert "Måling: Måling fra 30. juni 2023" in text_of(confirm)

    response = coordinator.post(restore_url(amager_plan, Goal, goal.pk), follow=True)

    assert response.redirect_chain[-1][0] == goal.get_absolute_url()
    assert f"{GOAL} er gendannet." in text_of(response)
    restored = Goal.objects.get(pk=goal.pk)
    assert (restored.title, restored.sub_agreement) == (goal.title, goal.sub_agreement)
    assert Indicator.objects.get(pk=indicator.pk).goal == restored
    assert Measurement.objects.get(pk=measurement.pk).value == Decimal("81.5")
    # The history shows the restore, by whom.
    text = text_of(coordinator.get(history_url(amager_plan, restored)))
    assert "Gendannet" in text and "Slettet" in text and "Karin Koordinator" in text
    assert restored.history.latest().history_user == personas.coordinator
    assert Measurement.objects.get(pk=measurement.pk).history.latest().history_change_reason == "restored"


def test_a_deleted_measurement_is_found_from_its_indicators_history(amager_plan, personas):
    measurement = measurement_of(amager_plan)
    coordinator = client_for(personas.coordinator)
    coordinator.post(url(amager_plan, "measurement_delete", pk=measurement.pk))

    indicator_history = coordinator.get(history_url(amager_plan, indicator_of(amager_plan))).content.decode()
    measurement_history = history_url(amager_plan, Measurement, measurement.pk)

    assert "Slettet herfra" in indicator_history
    assert measurement_history in indicator_history
    page = coordinator.get(measurement_history)
    assert page.status_code == 200
    assert "Slettet" in text_of(page) and "Gendan" in text_of(page)


def test_editors_and_reviewers_read_a_deleted_objects_history_but_cannot_restore_it(amager_plan, personas):
    measurement = measurement_of(amager_plan)
    pk = measurement.pk
    object_delete(measurement, actor=personas.editor)
    address = restore_url(amager_plan, Measurement, pk)
    for role in ("editor", "limited_editor", "reviewer"):
        client = client_for(personas[role])
        history = client.get(history_url(amager_plan, Measurement, pk))
        assert history.status_code == 200, role
        assert address not in history.content.decode(), role
        assert "En af planens koordinatorer kan gendanne det slettede." in text_of(history)
        assert client.get(address).status_code == 403, role
        assert client.post(address).status_code == 403, role
    assert not Measurement.objects.filter(pk=pk).exists()


def test_another_plan_never_sees_a_deleted_object(amager_plan, personas, other_plan):
    measurement = measurement_of(amager_plan)
    pk = measurement.pk
    object_delete(measurement, actor=None)
    outsider = client_for(personas.other_plan_coordinator)
    own_slug = reverse(
        "history",
        kwargs={
            "plan": other_plan.slug,
            "app_label": "goals",
            "model_name": "measurement",
            "pk": pk,
        },
    )
    assert outsider.get(history_url(amager_plan, Measurement, pk)).status_code == 404
    assert outsider.get(own_slug).status_code == 404
    assert outsider.post(own_slug + "gendan/").status_code == 404
    assert not Measurement.objects.filter(pk=pk).exists()


def test_a_restore_onto_a_date_taken_meanwhile_is_refused_in_danish(amager_plan, personas):
    measurement = measurement_of(amager_plan)
    coordinator = client_for(personas.coordinator)
    pk, day = measurement.pk, measurement.date
    object_delete(measurement, actor=personas.coordinator)
    MeasurementFactory(indicator=indicator_of(amager_plan), date=day, value=Decimal("51"))

    response = coordinator.post(restore_url(amager_plan, Measurement, pk))

    assert response.status_code == 200
    assert "Der er allerede en måling på denne dato." in text_of(response)
    assert not Measurement.objects.filter(pk=pk).exists()


def test_a_restored_activity_serves_its_goals_again(amager_plan, personas):
    # Lektiecaféer serves both goals of the education delaftale, and 3B is responsible for it.
    activity = Activity.objects.in_plan(amager_plan).get(name="Lektiecaféer")
    pk, goals = activity.pk, set(activity.goals.all())
    assert len(goals) == 2
    goal_services.activity_delete(activity=activity, actor=personas.coordinator)
    deletion = Activity.history.filter(id=pk, history_type="-").get()

    restored = object_restore(record=deletion, actor=personas.coordinator)

    assert set(restored.goals.all()) == goals
    assert restored.responsible_organisation.short_name == "3B"


def test_a_restored_measurement_keeps_when_it_was_entered(amager_plan):
    measurement = measurement_of(amager_plan)
    pk = measurement.pk
    entered_at = Measurement.objects.get(pk=pk).entered_at
    object_delete(measurement, actor=None)
    deletion = Measurement.history.filter(id=pk, history_type="-").get()
    object_restore(record=deletion, actor=None)
    assert Measurement.objects.get(pk=pk).entered_at == entered_at


def test_only_the_rows_of_the_same_delete_come_back(amager_plan, personas):
    """A measurement deleted on its own earlier stays deleted when its indicator, deleted later, is restored."""
    indicator, measurement = indicator_of(amager_plan), measurement_of(amager_plan)
    earlier = MeasurementFactory(indicator=indicator, date=datetime.date(2025, 6, 30))
    earlier_pk, indicator_pk, measurement_pk = earlier.pk, indicator.pk, measurement.pk
    object_delete(earlier, actor=personas.coordinator)
    Measurement.history.filter(id=earlier_pk, history_type="-").update(
        history_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    object_delete(indicator, actor=personas.coordinator)
    deletion = Indicator.history.filter(id=indicator_pk, history_type="-").get()

    object_restore(record=deletion, actor=personas.coordinator)

    assert Measurement.objects.filter(pk=measurement_pk).exists()
    assert not Measurement.objects.filter(pk=earlier_pk).exists()


# --- What a member may change ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "notice"),
    [
        ("limited_editor", "Du redigerer: {sub_agreement} (delmål, indikatorer, målinger og aktiviteter)."),
        (
            "editor",
            "Du redigerer hele planen (delmål, indikatorer, målinger og aktiviteter i alle delaftaler).",
        ),
        ("reviewer", "Du kan læse planen, men ikke ændre den."),
    ],
)
def test_each_member_is_told_what_they_may_change(amager_plan, personas, role, notice):
    goal = goal_of(amager_plan)
    text = text_of(client_for(personas[role]).get(url(amager_plan, "goal", pk=goal.pk)))
    assert notice.format(sub_agreement=goal.sub_agreement) in text


def test_a_coordinator_gets_no_notice(amager_plan, personas):
    response = client_for(personas.coordinator).get(url(amager_plan, "goal", pk=goal_of(amager_plan).pk))
    assert 'id="editing-notice"' not in response.content.decode()


# --- The 403 page ---------------------------------------------------------------------------------------------


def test_the_403_page_keeps_the_plan_names_the_role_and_the_coordinators(amager_plan, personas):
    coordinator = named(personas.coordinator)
    response = client_for(personas.reviewer).get(url(amager_plan, "goal_update", pk=goal_of(amager_plan).pk))

    assert response.status_code == 403
    html = response.content.decode()
    text = text_of(response)
    assert 'aria-label="Planen"' in html  # the plan's navigation
    assert reverse("overview:dashboard", kwargs={"plan": amager_plan.slug}) in html
    assert "Det kræver rollen koordinator eller redaktør." in text
    assert "Spørg planens koordinator: Karin Koordinator" in text
    assert coordinator.email not in html  # names, not contact details


def test_the_403_page_of_a_limited_editor_says_the_part_of_the_plan(amager_plan, personas):
    # A goal outside the limited editor's delaftale (employment).
    goal = (
        Goal.objects.in_plan(amager_plan)
        .exclude(sub_agreement=goal_of(amager_plan).sub_agreement)
        .order_by("pk")
        .first()
    )
    response = client_for(personas.limited_editor).get(url(amager_plan, "goal_update", pk=goal.pk))
    assert response.status_code == 403
    assert "Det kræver rollen koordinator eller redaktør med adgang til denne del af planen." in text_of(
        response
    )


def test_key_figures_take_a_coordinator_as_the_strategic_agreement_does(amager_plan, personas):
    key_figure = Indicator.objects.in_plan(amager_plan).filter(goal=None).order_by("pk").first()
    response = client_for(personas.editor).get(url(amager_plan, "indicator_update", pk=key_figure.pk))
    assert response.status_code == 403
    assert "Det kræver rollen koordinator." in text_of(response)
    coordinator = client_for(personas.coordinator)
    assert coordinator.get(url(amager_plan, "indicator_update", pk=key_figure.pk)).status_code == 200


def test_outsiders_still_get_404_not_403(amager_plan, personas):
    response = client_for(personas.other_plan_coordinator).get(
        url(amager_plan, "goal_update", pk=goal_of(amager_plan).pk)
    )
    assert response.status_code == 404


def test_a_measurement_whose_indicator_is_gone_asks_to_restore_the_indicator_first(amager_plan, personas):
    indicator, measurement = indicator_of(amager_plan), measurement_of(amager_plan)
    measurement_pk, indicator_pk = measurement.pk, indicator.pk
    object_delete(measurement, actor=None)
    object_delete(indicator, actor=None)

    response = client_for(personas.coordinator).post(restore_url(amager_plan, Measurement, measurement_pk))

    assert response.status_code == 200
    assert "Det overordnede (indikator) er også slettet: gendan det først." in text_of(response)
    assert not Measurement.objects.filter(pk=measurement_pk).exists()
    assert not Indicator.objects.filter(pk=indicator_pk).exists()


def test_a_deleted_objects_history_page_does_not_grow_with_its_records(
    amager_plan, personas, django_assert_num_queries
):
    measurement = measurement_of(amager_plan)
    pk = measurement.pk
    for value in ("51", "52", "53"):
        measurement.value = Decimal(value)
        measurement.save()
    object_delete(measurement, actor=None)
    client = client_for(personas.coordinator)
    client.get(history_url(amager_plan, Measurement, pk))  # the session is read once before
    # 1 the session, 2 its user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is
    # limited to; 5 the object, not found; 6 its history records with their users; 7 the indicator the deletion
    # names, on the way to the plan; 8 the indicator as the deleted measurement's parent, and 9 again with what
    # its breadcrumbs read; 10 the indicator the changes name (in bulk, for all records).
    with django_assert_num_queries(10):
        response = client.get(history_url(amager_plan, Measurement, pk))
    assert response.status_code == 200
    # Its import, three changes and the deletion.
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
