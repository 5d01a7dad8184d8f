"""The goals pages: what they show, the create/edit/delete paths with their messages, and bad input refused
next to the field with nothing saved."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.plans.models import Organisation
from tests.goals.factories import GoalFactory
from tests.goals.page_fixtures import INDICATOR_DATA, build_world, errors_of, snapshot
from tests.plans.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def editor_client(client, world):
    client.force_login(world.users["editor_this"])
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# What the pages show


def test_goal_page_shows_indicators_with_progress_activities_and_edit_controls(
    editor_client, world, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2023, 7, 1))
    response = editor_client.get(world.url("goal", pk=world.goal.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert world.goal.title in html
    assert world.indicator.name in html and world.indicator.get_absolute_url() in html
    # 50 at mid-2023 between 40 and 60 is half the way, ahead of the 37 % expected by then.
    assert "status-on_track" in html
    assert "Status pr. 1. juli 2023." in html  # the legend says what the statuses are judged against
    assert 'value="50"' in html
    assert world.activity.name in html and world.activity.get_absolute_url() in html
    assert world.url("goal_update", pk=world.goal.pk) in html
    assert world.url("indicator_create", goal=world.goal.pk) in html
    assert world.sub_agreement.get_absolute_url() in html  # breadcrumb and "goal in the sub-agreement"


def test_reviewer_sees_the_goal_and_indicator_without_edit_controls(client, world):
    client.force_login(world.users["reviewer"])
    for url in (world.url("goal", pk=world.goal.pk), world.url("indicator", pk=world.indicator.pk)):
        html = client.get(url).content.decode()
        assert "/rediger/" not in html and "/slet/" not in html and "/ny/" not in html
        assert "historik" in html  # reading the history is allowed


def test_goal_without_indicators_or_activities_explains_what_to_do(editor_client, world):
    empty = GoalFactory(sub_agreement=world.sub_agreement, title="Nyt delmål")
    html = editor_client.get(world.url("goal", pk=empty.pk)).content.decode()
    assert world.url("indicator_create", goal=empty.pk) in html
    assert f"?goal={empty.pk}" in html  # "add an activity" ticks this goal
    assert "status-no_data" in html


def test_indicator_page_has_facts_progress_chart_table_and_short_form(editor_client, world):
    response = editor_client.get(world.url("indicator", pk=world.indicator.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "40 % · 1. januar 2022" in html and "60 % · 31. december 2025" in html  # Danish formats
    assert 'role="img"' in html and '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert "<polyline" in html
    assert "30. juni 2023" in html  # the measurement in the table
    assert world.url("measurement_create", indicator=world.indicator.pk) in html
    assert world.url("measurement_update", pk=world.measurement.pk) in html
    # The CSP allows no inline styles or scripts: the chart must not need any.
    main = html[html.index("<main") : html.index("</main>")]
    assert "style=" not in main and "<style" not in main and "<script" not in main


def test_key_figure_page_sits_under_its_strategic_goal(client, world):
    client.force_login(world.users["coordinator"])
    response = client.get(world.url("indicator", pk=world.key_figure.pk))
    assert response.status_code == 200
    assert world.strategic_goal.get_absolute_url() in response.content.decode()


def test_activity_page_shows_its_fields_and_the_goals_it_serves(editor_client, world):
    html = editor_client.get(world.url("activity", pk=world.activity.pk)).content.decode()
    assert world.activity.name in html
    assert "Københavns Kommune, BUF (BUF)" in html
    assert "1. januar 2022 – 31. december 2025" in html
    assert world.goal.get_absolute_url() in html


# Goals


def test_create_goal(editor_client, world):
    response = editor_client.post(
        world.url("goal_create", sub_agreement=world.sub_agreement.pk),
        {"title": "Flere børn er skoleparate", "description": "Ved skolestart.", "order": "2"},
        follow=True,
    )
    goal = Goal.objects.get(title="Flere børn er skoleparate")
    assert goal.sub_agreement == world.sub_agreement
    assert response.redirect_chain[-1][0] == goal.get_absolute_url()
    assert any("Flere børn er skoleparate" in m for m in messages_of(response))


def test_new_goal_form_proposes_the_next_order(editor_client, world):
    response = editor_client.get(world.url("goal_create", sub_agreement=world.sub_agreement.pk))
    assert response.context["form"].initial["order"] == 2


def test_update_goal(editor_client, world):
    response = editor_client.post(
        world.url("goal_update", pk=world.goal.pk),
        {"title": "Flere unge i uddannelse og job", "description": "", "order": "1", "lock_version": "1"},
        follow=True,
    )
    world.goal.refresh_from_db()
    assert world.goal.title == "Flere unge i uddannelse og job"
    assert world.goal.lock_version == 2
    assert response.redirect_chain[-1][0] == world.goal.get_absolute_url()
    assert any("Flere unge i uddannelse og job" in m for m in messages_of(response))


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.users["coordinator"])
    return client


def test_delete_goal_deletes_its_indicators_and_returns_to_the_sub_agreement(coordinator_client, world):
    confirm = coordinator_client.get(world.url("goal_delete", pk=world.goal.pk))
    # The page lists what goes with it: the indicator and its measurement.
    assert confirm.context["dependants"] == [
        ("indikatorer", ["Unge i uddannelse"]),
        ("målinger", ["Måling fra 30. juni 2023"]),
    ]

    response = coordinator_client.post(world.url("goal_delete", pk=world.goal.pk))

    assert response.status_code == 302
    assert response["Location"] == world.sub_agreement.get_absolute_url()
    assert not Goal.objects.filter(pk=world.goal.pk).exists()
    assert not Indicator.objects.filter(pk=world.indicator.pk).exists()


# Indicators


def test_create_indicator_on_a_goal_reads_danish_numbers(editor_client, world):
    response = editor_client.post(
        world.url("indicator_create", goal=world.goal.pk), INDICATOR_DATA, follow=True
    )

    indicator = Indicator.objects.get(name="Børn i lektiecafé")
    assert (indicator.goal, indicator.plan, indicator.strategic_goal) == (world.goal, world.plan, None)
    assert indicator.baseline_value == Decimal("1200.5")
    assert indicator.target_value == Decimal("1500")
    assert response.redirect_chain[-1][0] == indicator.get_absolute_url()
    assert any("Børn i lektiecafé" in m for m in messages_of(response))


def test_create_key_figure_on_a_strategic_goal(client, world):
    client.force_login(world.users["coordinator"])
    client.post(world.url("key_figure_create", strategic_goal=world.strategic_goal.pk), INDICATOR_DATA)

    indicator = Indicator.objects.get(name="Børn i lektiecafé")
    assert (indicator.goal, indicator.strategic_goal, indicator.plan) == (
        None,
        world.strategic_goal,
        world.plan,
    )


def test_update_indicator(editor_client, world):
    data = {**INDICATOR_DATA, "name": "Unge i uddannelse (18-25 år)", "lock_version": "1"}
    editor_client.post(world.url("indicator_update", pk=world.indicator.pk), data)
    world.indicator.refresh_from_db()
    assert world.indicator.name == "Unge i uddannelse (18-25 år)"
    assert world.indicator.measurement_interval_months == 6


def test_delete_indicator_returns_to_its_goal(coordinator_client, world):
    response = coordinator_client.post(world.url("indicator_delete", pk=world.indicator.pk))
    assert response["Location"] == world.goal.get_absolute_url()
    assert not Indicator.objects.filter(pk=world.indicator.pk).exists()
    assert not Measurement.objects.filter(pk=world.measurement.pk).exists()


# Measurements


def test_record_measurement_from_the_indicator_page(editor_client, world):
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk),
        {"date": "2024-06-30", "value": "55,5", "note": "Fra Danmarks Statistik"},
        follow=True,
    )

    measurement = Measurement.objects.get(indicator=world.indicator, date=datetime.date(2024, 6, 30))
    assert measurement.value == Decimal("55.5")
    assert measurement.entered_by == world.users["editor_this"]
    assert response.redirect_chain[-1][0] == world.indicator.get_absolute_url()
    assert any("55,5 % den 30. juni 2024" in m for m in messages_of(response))


def test_record_measurement_returns_to_a_safe_next_page(editor_client, world):
    next_url = world.sub_agreement.get_absolute_url()
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk),
        {"date": "2024-06-30", "value": "55", "note": "", "next": next_url},
    )
    assert response["Location"] == next_url


def test_record_measurement_ignores_a_next_page_elsewhere(editor_client, world):
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk),
        {"date": "2024-06-30", "value": "55", "next": "https://evil.example/"},
    )
    assert response["Location"] == world.indicator.get_absolute_url()


def test_short_form_page_keeps_next_and_shows_errors_there(editor_client, world):
    url = world.url("measurement_create", indicator=world.indicator.pk)
    get = editor_client.get(url, {"next": "/plan/amager/aftaler/delaftaler/1/"})
    # The page keeps the address to return to (the kit's ``next``, no longer a field of the form).
    assert get.context["next_url"] == "/plan/amager/aftaler/delaftaler/1/"
    assert 'name="next" value="/plan/amager/aftaler/delaftaler/1/"' in get.content.decode()

    response = editor_client.post(url, {"date": "2024-06-30", "value": "", "next": "/plan/amager/"})

    assert response.status_code == 200
    assert list(errors_of(response)) == ["value"]
    assert 'name="next" value="/plan/amager/"' in response.content.decode()


def test_update_measurement(editor_client, world):
    response = editor_client.post(
        world.url("measurement_update", pk=world.measurement.pk),
        {"date": "2023-06-30", "value": "52", "note": "Rettet", "lock_version": "1"},
    )
    world.measurement.refresh_from_db()
    assert world.measurement.value == Decimal("52")
    assert response["Location"] == world.indicator.get_absolute_url()


def test_delete_measurement(editor_client, world):
    response = editor_client.post(world.url("measurement_delete", pk=world.measurement.pk), follow=True)
    assert not Measurement.objects.filter(pk=world.measurement.pk).exists()
    assert response.redirect_chain[-1][0] == world.indicator.get_absolute_url()
    assert any("50 % den 30. juni 2023" in m for m in messages_of(response))


# Activities


def test_create_activity_serving_a_goal(editor_client, world):
    response = editor_client.post(
        world.url("activity_create", sub_agreement=world.sub_agreement.pk),
        {
            "name": "Fritidsjob",
            "description": "",
            "target_group": "Unge 13-17 år",
            "status": "planned",
            "responsible_organisation": str(world.organisation.pk),
            "start_date": "2022-03-01",
            "end_date": "2025-06-30",
            "participants": "40",
            "goals": [str(world.goal.pk)],
        },
        follow=True,
    )
    activity = Activity.objects.get(name="Fritidsjob")
    assert activity.sub_agreement == world.sub_agreement
    assert list(activity.goals.all()) == [world.goal]
    assert response.redirect_chain[-1][0] == activity.get_absolute_url()
    assert any("Fritidsjob" in m for m in messages_of(response))


def test_new_activity_from_a_goal_has_that_goal_ticked(editor_client, world):
    response = editor_client.get(
        world.url("activity_create", sub_agreement=world.sub_agreement.pk), {"goal": world.goal.pk}
    )
    assert response.context["form"].initial["goals"] == [world.goal.pk]


def test_activity_choices_are_limited_to_its_sub_agreement_and_the_plans_organisations(editor_client, world):
    GoalFactory(sub_agreement=world.other_sub_agreement, title="Et mål i en anden delaftale")
    OrganisationFactory(name="Ikke part i planen", short_name="X")

    form = editor_client.get(world.url("activity_update", pk=world.activity.pk)).context["form"]

    assert list(form.fields["goals"].queryset) == [world.goal]
    assert list(form.fields["responsible_organisation"].queryset) == [world.organisation]


def test_all_organisations_are_offered_when_the_plan_lists_no_parties(editor_client, world):
    world.plan.organisations.clear()
    other = OrganisationFactory(name="Ikke part i planen", short_name="X")
    form = editor_client.get(world.url("activity_update", pk=world.activity.pk)).context["form"]
    offered = list(form.fields["responsible_organisation"].queryset)
    assert world.organisation in offered and other in offered
    assert len(offered) == Organisation.objects.count()


def test_update_activity(editor_client, world):
    editor_client.post(
        world.url("activity_update", pk=world.activity.pk),
        {"name": "Lektiecafé i Hørgården", "status": "completed", "lock_version": "1", "goals": []},
    )
    world.activity.refresh_from_db()
    assert world.activity.name == "Lektiecafé i Hørgården"
    assert world.activity.status == "completed"
    assert list(world.activity.goals.all()) == []


def test_delete_activity_returns_to_the_sub_agreement(editor_client, world):
    response = editor_client.post(world.url("activity_delete", pk=world.activity.pk))
    assert response["Location"] == world.sub_agreement.get_absolute_url()
    assert not Activity.objects.filter(pk=world.activity.pk).exists()


# Bad input: a message next to the field, and nothing saved


def _indicator_create(w):
    return w.url("indicator_create", goal=w.goal.pk)


def _measurement_create(w):
    return w.url("measurement_create", indicator=w.indicator.pk)


def _activity_create(w):
    return w.url("activity_create", sub_agreement=w.sub_agreement.pk)


#: case → (url, POST data, the field the message belongs to), given the world.
BAD_INPUT = {
    "empty goal title": lambda w: (
        w.url("goal_create", sub_agreement=w.sub_agreement.pk),
        {"title": "  ", "order": "1"},
        "title",
    ),
    "empty goal title on edit": lambda w: (
        w.url("goal_update", pk=w.goal.pk),
        {"title": "", "order": "1", "lock_version": "1"},
        "title",
    ),
    "empty indicator name": lambda w: (_indicator_create(w), {**INDICATOR_DATA, "name": ""}, "name"),
    "letters in the baseline": lambda w: (
        _indicator_create(w),
        {**INDICATOR_DATA, "baseline_value": "fyrre"},
        "baseline_value",
    ),
    "target equal to the baseline": lambda w: (
        _indicator_create(w),
        {**INDICATOR_DATA, "baseline_value": "1.500", "target_value": "1500,00"},
        "target_value",
    ),
    "target in the wrong direction": lambda w: (
        _indicator_create(w),
        {**INDICATOR_DATA, "direction": "lower"},
        "target_value",
    ),
    "target date before the baseline date": lambda w: (
        _indicator_create(w),
        {**INDICATOR_DATA, "target_date": "2021-12-31"},
        "target_date",
    ),
    "no months between measurements": lambda w: (
        _indicator_create(w),
        {**INDICATOR_DATA, "measurement_interval_months": "0"},
        "measurement_interval_months",
    ),
    "letters in a measured value": lambda w: (
        _measurement_create(w),
        {"date": "2024-06-30", "value": "ca. 50"},
        "value",
    ),
    "measurement after the plan period": lambda w: (
        _measurement_create(w),
        {"date": "2026-03-01", "value": "50"},
        "date",
    ),
    "measurement before the baseline and the plan": lambda w: (
        _measurement_create(w),
        {"date": "2021-06-30", "value": "50"},
        "date",
    ),
    "a second measurement on the same date": lambda w: (
        _measurement_create(w),
        {"date": "2023-06-30", "value": "51"},
        "date",
    ),
    "empty activity name": lambda w: (_activity_create(w), {"name": "", "status": "planned"}, "name"),
    "letters in participants": lambda w: (
        _activity_create(w),
        {"name": "Fritidsjob", "status": "planned", "participants": "fyrre"},
        "participants",
    ),
    "activity starting before the plan period": lambda w: (
        _activity_create(w),
        {"name": "Fritidsjob", "status": "planned", "start_date": "2021-08-01"},
        "start_date",
    ),
    "activity ending before it starts": lambda w: (
        _activity_create(w),
        {"name": "Fritidsjob", "status": "planned", "start_date": "2023-08-01", "end_date": "2023-07-01"},
        "end_date",
    ),
    "activity serving a goal of another sub-agreement": lambda w: (
        _activity_create(w),
        {
            "name": "Fritidsjob",
            "status": "planned",
            "goals": [str(GoalFactory(sub_agreement=w.other_sub_agreement).pk)],
        },
        "goals",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_a_message_next_to_the_field_and_saves_nothing(editor_client, world, case):
    url, data, field = BAD_INPUT[case](world)
    before = snapshot()

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == [field], errors
    assert all(message.strip() for message in errors[field])
    # The message is rendered next to its field (crispy puts it under the input, tied by id).
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert snapshot() == before
    assert get_user_model().objects.count() == len(world.users)


# --- The plan's period ----------------------------------------------------------------------------------------


def test_a_measurement_outside_the_period_is_refused_with_the_period_named(editor_client, world):
    before = snapshot()
    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk), {"date": "2026-06-30", "value": "55"}
    )

    assert response.status_code == 200
    assert errors_of(response)["date"] == [
        "Datoen skal ligge i planens periode, 1. januar 2022 – 31. december 2025."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("today", "default"),
    [
        (datetime.date(2026, 12, 1), datetime.date(2025, 12, 31)),  # the period has ended: its last day
        (datetime.date(2024, 3, 15), datetime.date(2024, 3, 15)),  # inside the period: today
        (datetime.date(2021, 11, 2), datetime.date(2022, 1, 1)),  # before it starts: its first day
    ],
)
def test_the_measurement_forms_default_date_is_one_the_form_accepts(
    editor_client, world, monkeypatch, today, default
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    for page, form_name in (
        (world.indicator.get_absolute_url(), "measurement_form"),  # the short form on the indicator's page
        (world.url("measurement_create", indicator=world.indicator.pk), "form"),  # its own page
    ):
        form = editor_client.get(page).context[form_name]
        assert form["date"].value() == default, page

    response = editor_client.post(
        world.url("measurement_create", indicator=world.indicator.pk),
        {"date": default.isoformat(), "value": "55"},
    )
    assert response.status_code == 302
    assert Measurement.objects.filter(indicator=world.indicator, date=default).exists()


def test_after_the_period_the_indicator_page_asks_for_no_more_measurements(editor_client, world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 12, 1))
    # Measured yearly, last in June 2025: the next would be June 2026, after the period ended.
    Indicator.objects.filter(pk=world.indicator.pk).update(measurement_interval_months=12)
    Measurement.objects.filter(indicator=world.indicator).delete()
    Measurement.objects.create(indicator=world.indicator, date=datetime.date(2025, 6, 30), value=Decimal(60))

    html = editor_client.get(world.indicator.get_absolute_url()).content.decode()

    assert "ingen: planperioden er slut" in html
    assert "overskredet" not in html  # "overdue"
