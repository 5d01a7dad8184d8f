"""The goals pages: what they show, the create/edit/delete paths with their messages, and bad input refused
next to the field with nothing saved."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement
from helhedsplan.planfiles.demo import AMAGER_SLUG
from helhedsplan.plans.models import Organisation
from tests.goals.factories import GoalFactory
from tests.goals.page_fixtures import INDICATOR_DATA, errors_of, snapshot
from tests.plans.factories import OrganisationFactory
from tests.world import limited_to

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"goals:{name}", kwargs={"plan": AMAGER_SLUG, **kwargs})


@pytest.fixture
def sub_agreement(personas):
    """The Amager plan's delaftale the limited editor edits: "Uddannelse og livschancer", with two goals."""
    return limited_to(personas)


@pytest.fixture
def goal(sub_agreement):
    """A goal with one indicator, served by the activity "Lektiecaféer"."""
    return sub_agreement.goals.get(title="Flere unge tager en uddannelse")


@pytest.fixture
def indicator(goal):
    """80 % at 31 December 2021 to 88 % by 31 December 2025; measured 81, 81,5 and 82 at the end of June 2022,
    2023 and 2024."""
    return goal.indicators.get()


@pytest.fixture
def measurement(indicator):
    return indicator.measurements.get(date=datetime.date(2023, 6, 30))


@pytest.fixture
def activity(sub_agreement):
    """Run by 3B through the whole period, serving both of the delaftale's goals; it has milestones."""
    return sub_agreement.activities.get(name="Lektiecaféer")


@pytest.fixture
def editor_client(client, personas):
    client.force_login(personas.limited_editor)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# What the pages show


def test_goal_page_shows_indicators_with_progress_activities_and_edit_controls(
    editor_client, sub_agreement, goal, indicator, activity, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 7, 1))
    response = editor_client.get(url("goal", pk=goal.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert goal.title in html
    assert indicator.name in html and indicator.get_absolute_url() in html
    # 82 at mid-2024 between 80 and 88 is 25 % of the way, behind the 62 % expected by then.
    assert "status-behind" in html
    assert "Status pr. 1. juli 2024." in html  # the legend says what the statuses are judged against
    assert 'value="25"' in html
    assert activity.name in html and activity.get_absolute_url() in html
    assert url("goal_update", pk=goal.pk) in html
    assert url("indicator_create", goal=goal.pk) in html
    assert sub_agreement.get_absolute_url() in html  # breadcrumb and "goal in the sub-agreement"


def test_reviewer_sees_the_goal_and_indicator_without_edit_controls(client, personas, goal, indicator):
    client.force_login(personas.reviewer)
    for address in (url("goal", pk=goal.pk), url("indicator", pk=indicator.pk)):
        html = client.get(address).content.decode()
        assert "/rediger/" not in html and "/slet/" not in html and "/ny/" not in html
        assert "historik" in html  # reading the history is allowed


def test_goal_without_indicators_or_activities_explains_what_to_do(editor_client, sub_agreement):
    empty = GoalFactory(sub_agreement=sub_agreement, title="Nyt delmål")
    html = editor_client.get(url("goal", pk=empty.pk)).content.decode()
    assert url("indicator_create", goal=empty.pk) in html
    assert f"?goal={empty.pk}" in html  # "add an activity" ticks this goal
    assert "status-no_data" in html


def test_indicator_page_has_facts_progress_chart_table_and_short_form(editor_client, indicator, measurement):
    response = editor_client.get(url("indicator", pk=indicator.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "80 % · 31. december 2021" in html and "88 % · 31. december 2025" in html  # Danish formats
    assert 'role="img"' in html and '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert "<polyline" in html
    assert "30. juni 2023" in html  # a measurement in the table
    assert url("measurement_create", indicator=indicator.pk) in html
    assert url("measurement_update", pk=measurement.pk) in html
    # The CSP allows no inline styles or scripts: the chart must not need any.
    main = html[html.index("<main") : html.index("</main>")]
    assert "style=" not in main and "<style" not in main and "<script" not in main


def test_key_figure_page_sits_under_its_strategic_goal(client, personas):
    key_figure = Indicator.objects.get(name="Andel 18-64-årige i beskæftigelse")
    client.force_login(personas.coordinator)
    response = client.get(url("indicator", pk=key_figure.pk))
    assert response.status_code == 200
    assert key_figure.strategic_goal.get_absolute_url() in response.content.decode()


def test_activity_page_shows_its_fields_and_the_goals_it_serves(editor_client, goal, activity):
    html = editor_client.get(url("activity", pk=activity.pk)).content.decode()
    assert activity.name in html
    assert "3B v. KAB (3B)" in html
    assert "1. januar 2022 – 31. december 2025" in html
    assert goal.get_absolute_url() in html


# Goals


def test_create_goal(editor_client, sub_agreement):
    response = editor_client.post(
        url("goal_create", sub_agreement=sub_agreement.pk),
        {"title": "Flere børn går til fritidsaktiviteter", "description": "Ved skolestart.", "order": "2"},
        follow=True,
    )
    goal = Goal.objects.get(title="Flere børn går til fritidsaktiviteter")
    assert goal.sub_agreement == sub_agreement
    assert response.redirect_chain[-1][0] == goal.get_absolute_url()
    assert any("Flere børn går til fritidsaktiviteter" in m for m in messages_of(response))


def test_new_goal_form_proposes_the_next_order(editor_client, sub_agreement):
    response = editor_client.get(url("goal_create", sub_agreement=sub_agreement.pk))
    assert response.context["form"].initial["order"] == 3  # after the delaftale's two goals


def test_update_goal(editor_client, goal):
    version = goal.lock_version
    response = editor_client.post(
        url("goal_update", pk=goal.pk),
        {"title": "Flere unge i uddannelse og job", "description": "", "order": "1", "lock_version": version},
        follow=True,
    )
    goal.refresh_from_db()
    assert goal.title == "Flere unge i uddannelse og job"
    assert goal.lock_version == version + 1
    assert response.redirect_chain[-1][0] == goal.get_absolute_url()
    assert any("Flere unge i uddannelse og job" in m for m in messages_of(response))


@pytest.fixture
def coordinator_client(client, personas):
    client.force_login(personas.coordinator)
    return client


def test_delete_goal_deletes_its_indicators_and_returns_to_the_sub_agreement(
    coordinator_client, sub_agreement, goal, indicator
):
    confirm = coordinator_client.get(url("goal_delete", pk=goal.pk))
    # The page lists what goes with it: the indicator and its measurements.
    assert confirm.context["dependants"] == [
        ("indikatorer", ["Andel elever i 9. klasse, der søger en ungdomsuddannelse"]),
        ("målinger", ["Måling fra 30. juni 2022", "Måling fra 30. juni 2023", "Måling fra 30. juni 2024"]),
    ]

    response = coordinator_client.post(url("goal_delete", pk=goal.pk))

    assert response.status_code == 302
    assert response["Location"] == sub_agreement.get_absolute_url()
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


# Indicators


def test_create_indicator_on_a_goal_reads_danish_numbers(editor_client, amager_plan, goal):
    response = editor_client.post(url("indicator_create", goal=goal.pk), INDICATOR_DATA, follow=True)

    indicator = Indicator.objects.get(name="Børn i lektiecafé")
    assert (indicator.goal, indicator.plan, indicator.strategic_goal) == (goal, amager_plan, None)
    assert indicator.baseline_value == Decimal("1200.5")
    assert indicator.target_value == Decimal("1500")
    assert response.redirect_chain[-1][0] == indicator.get_absolute_url()
    assert any("Børn i lektiecafé" in m for m in messages_of(response))


def test_create_key_figure_on_a_strategic_goal(client, personas, amager_plan):
    strategic_goal = amager_plan.strategic_goals.get(focus_area="employment")
    client.force_login(personas.coordinator)
    client.post(url("key_figure_create", strategic_goal=strategic_goal.pk), INDICATOR_DATA)

    indicator = Indicator.objects.get(name="Børn i lektiecafé")
    assert (indicator.goal, indicator.strategic_goal, indicator.plan) == (None, strategic_goal, amager_plan)


def test_update_indicator(editor_client, indicator):
    data = {**INDICATOR_DATA, "name": "Unge i uddannelse (18-25 år)", "lock_version": indicator.lock_version}
    editor_client.post(url("indicator_update", pk=indicator.pk), data)
    indicator.refresh_from_db()
    assert indicator.name == "Unge i uddannelse (18-25 år)"
    assert indicator.measurement_interval_months == 6


def test_delete_indicator_returns_to_its_goal(coordinator_client, goal, indicator, measurement):
    response = coordinator_client.post(url("indicator_delete", pk=indicator.pk))
    assert response["Location"] == goal.get_absolute_url()
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


# Measurements


def test_record_measurement_from_the_indicator_page(editor_client, personas, indicator):
    response = editor_client.post(
        url("measurement_create", indicator=indicator.pk),
        {"date": "2025-06-30", "value": "85,5", "note": "Fra Danmarks Statistik"},
        follow=True,
    )

    measurement = Measurement.objects.get(indicator=indicator, date=datetime.date(2025, 6, 30))
    assert measurement.value == Decimal("85.5")
    assert measurement.entered_by == personas.limited_editor
    assert response.redirect_chain[-1][0] == indicator.get_absolute_url()
    assert any("85,5 % den 30. juni 2025" in m for m in messages_of(response))


def test_record_measurement_returns_to_a_safe_next_page(editor_client, sub_agreement, indicator):
    next_url = sub_agreement.get_absolute_url()
    response = editor_client.post(
        url("measurement_create", indicator=indicator.pk),
        {"date": "2025-06-30", "value": "85", "note": "", "next": next_url},
    )
    assert response["Location"] == next_url


def test_record_measurement_ignores_a_next_page_elsewhere(editor_client, indicator):
    response = editor_client.post(
        url("measurement_create", indicator=indicator.pk),
        {"date": "2025-06-30", "value": "85", "next": "https://evil.example/"},
    )
    assert response["Location"] == indicator.get_absolute_url()


def test_short_form_page_keeps_next_and_shows_errors_there(editor_client, indicator):
    address = url("measurement_create", indicator=indicator.pk)
    get = editor_client.get(address, {"next": "/plan/amager/aftaler/delaftaler/1/"})
    # The page keeps the address to return to (the kit's ``next``, no longer a field of the form).
    assert get.context["next_url"] == "/plan/amager/aftaler/delaftaler/1/"
    assert 'name="next" value="/plan/amager/aftaler/delaftaler/1/"' in get.content.decode()

    response = editor_client.post(address, {"date": "2025-06-30", "value": "", "next": "/plan/amager/"})

    assert response.status_code == 200
    assert list(errors_of(response)) == ["value"]
    assert 'name="next" value="/plan/amager/"' in response.content.decode()


def test_update_measurement(editor_client, indicator, measurement):
    response = editor_client.post(
        url("measurement_update", pk=measurement.pk),
        {"date": "2023-06-30", "value": "82", "note": "Rettet", "lock_version": measurement.lock_version},
    )
    measurement.refresh_from_db()
    assert measurement.value == Decimal("82")
    assert response["Location"] == indicator.get_absolute_url()


def test_delete_measurement(editor_client, indicator, measurement):
    response = editor_client.post(url("measurement_delete", pk=measurement.pk), follow=True)
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    assert response.redirect_chain[-1][0] == indicator.get_absolute_url()
    assert any("81,5 % den 30. juni 2023" in m for m in messages_of(response))


# Activities


def test_create_activity_serving_a_goal(editor_client, amager_plan, sub_agreement, goal):
    response = editor_client.post(
        url("activity_create", sub_agreement=sub_agreement.pk),
        {
            "name": "Uddannelsesvejledning",
            "description": "",
            "target_group": "Unge 13-17 år",
            "status": "planned",
            "responsible_organisation": str(amager_plan.organisations.get(short_name="BUF").pk),
            "start_date": "2022-03-01",
            "end_date": "2025-06-30",
            "participants": "40",
            "goals": [str(goal.pk)],
        },
        follow=True,
    )
    activity = Activity.objects.get(name="Uddannelsesvejledning")
    assert activity.sub_agreement == sub_agreement
    assert list(activity.goals.all()) == [goal]
    assert response.redirect_chain[-1][0] == activity.get_absolute_url()
    assert any("Uddannelsesvejledning" in m for m in messages_of(response))


def test_new_activity_from_a_goal_has_that_goal_ticked(editor_client, sub_agreement, goal):
    response = editor_client.get(url("activity_create", sub_agreement=sub_agreement.pk), {"goal": goal.pk})
    assert response.context["form"].initial["goals"] == [goal.pk]


def test_activity_choices_are_limited_to_its_sub_agreement_and_the_plans_organisations(
    editor_client, amager_plan, sub_agreement, activity
):
    elsewhere = GoalFactory(
        sub_agreement=amager_plan.sub_agreements.get(focus_area="employment"),
        title="Et mål i en anden delaftale",
    )
    outside = OrganisationFactory(name="Ikke part i planen", short_name="X")

    form = editor_client.get(url("activity_update", pk=activity.pk)).context["form"]

    goals = set(form.fields["goals"].queryset)
    assert goals == set(sub_agreement.goals.all()) and len(goals) == 2
    assert elsewhere not in goals
    organisations = set(form.fields["responsible_organisation"].queryset)
    assert organisations == set(amager_plan.organisations.all())
    assert outside not in organisations


def test_all_organisations_are_offered_when_the_plan_lists_no_parties(editor_client, amager_plan, activity):
    amager_plan.organisations.clear()
    other = OrganisationFactory(name="Ikke part i planen", short_name="X")
    form = editor_client.get(url("activity_update", pk=activity.pk)).context["form"]
    offered = list(form.fields["responsible_organisation"].queryset)
    assert activity.responsible_organisation in offered and other in offered
    assert len(offered) == Organisation.objects.count()


def test_update_activity(editor_client, activity):
    editor_client.post(
        url("activity_update", pk=activity.pk),
        {
            "name": "Lektiecaféer i Hørgården",
            "status": "completed",
            "lock_version": activity.lock_version,
            "goals": [],
        },
    )
    activity.refresh_from_db()
    assert activity.name == "Lektiecaféer i Hørgården"
    assert activity.status == "completed"
    assert list(activity.goals.all()) == []


def test_delete_activity_returns_to_the_sub_agreement(editor_client, sub_agreement):
    # An activity without milestones (deleting one with milestones is a coordinator's).
    activity = sub_agreement.activities.get(name="Sprog- og læseprojekter med skolerne")
    assert not activity.milestones.exists()
    response = editor_client.post(url("activity_delete", pk=activity.pk))
    assert response["Location"] == sub_agreement.get_absolute_url()
    assert not Activity.objects.filter(pk=activity.pk).exists()


# Bad input: a message next to the field, and nothing saved


def _indicator_create(goal):
    return url("indicator_create", goal=goal.pk)


def _measurement_create(indicator):
    return url("measurement_create", indicator=indicator.pk)


def _activity_create(sub_agreement):
    return url("activity_create", sub_agreement=sub_agreement.pk)


def _goal_elsewhere(sub_agreement) -> Goal:
    """A goal of another of the plan's delaftaler."""
    return Goal.objects.filter(sub_agreement__plan=sub_agreement.plan).exclude(sub_agreement=sub_agreement)[0]


#: case → (url, POST data, the field the message belongs to), given the delaftale, its goal and the goal's
#: indicator (measured on 30 June 2023).
BAD_INPUT = {
    "empty goal title": lambda s, g, i: (
        url("goal_create", sub_agreement=s.pk),
        {"title": "  ", "order": "1"},
        "title",
    ),
    "empty goal title on edit": lambda s, g, i: (
        url("goal_update", pk=g.pk),
        {"title": "", "order": "1", "lock_version": g.lock_version},
        "title",
    ),
    "empty indicator name": lambda s, g, i: (_indicator_create(g), {**INDICATOR_DATA, "name": ""}, "name"),
    "letters in the baseline": lambda s, g, i: (
        _indicator_create(g),
        {**INDICATOR_DATA, "baseline_value": "fyrre"},
        "baseline_value",
    ),
    "target equal to the baseline": lambda s, g, i: (
        _indicator_create(g),
        {**INDICATOR_DATA, "baseline_value": "1.500", "target_value": "1500,00"},
        "target_value",
    ),
    "target in the wrong direction": lambda s, g, i: (
        _indicator_create(g),
        {**INDICATOR_DATA, "direction": "lower"},
        "target_value",
    ),
    "target date before the baseline date": lambda s, g, i: (
        _indicator_create(g),
        {**INDICATOR_DATA, "target_date": "2021-12-31"},
        "target_date",
    ),
    "no months between measurements": lambda s, g, i: (
        _indicator_create(g),
        {**INDICATOR_DATA, "measurement_interval_months": "0"},
        "measurement_interval_months",
    ),
    "letters in a measured value": lambda s, g, i: (
        _measurement_create(i),
        {"date": "2025-06-30", "value": "ca. 85"},
        "value",
    ),
    "measurement after the plan period": lambda s, g, i: (
        _measurement_create(i),
        {"date": "2026-03-01", "value": "85"},
        "date",
    ),
    "measurement before the baseline and the plan": lambda s, g, i: (
        _measurement_create(i),
        {"date": "2021-06-30", "value": "85"},
        "date",
    ),
    "a second measurement on the same date": lambda s, g, i: (
        _measurement_create(i),
        {"date": "2023-06-30", "value": "85"},
        "date",
    ),
    "empty activity name": lambda s, g, i: (_activity_create(s), {"name": "", "status": "planned"}, "name"),
    "letters in participants": lambda s, g, i: (
        _activity_create(s),
        {"name": "Fritidsjob", "status": "planned", "participants": "fyrre"},
        "participants",
    ),
    "activity starting before the plan period": lambda s, g, i: (
        _activity_create(s),
        {"name": "Fritidsjob", "status": "planned", "start_date": "2021-08-01"},
        "start_date",
    ),
    "activity ending before it starts": lambda s, g, i: (
        _activity_create(s),
        {"name": "Fritidsjob", "status": "planned", "start_date": "2023-08-01", "end_date": "2023-07-01"},
        "end_date",
    ),
    "activity serving a goal of another sub-agreement": lambda s, g, i: (
        _activity_create(s),
        {"name": "Fritidsjob", "status": "planned", "goals": [str(_goal_elsewhere(s).pk)]},
        "goals",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_a_message_next_to_the_field_and_saves_nothing(
    editor_client, sub_agreement, goal, indicator, case
):
    address, data, field = BAD_INPUT[case](sub_agreement, goal, indicator)
    before = snapshot()
    users = get_user_model().objects.count()

    response = editor_client.post(address, data)

    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == [field], errors
    assert all(message.strip() for message in errors[field])
    # The message is rendered next to its field (crispy puts it under the input, tied by id).
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert snapshot() == before
    assert get_user_model().objects.count() == users


# --- The plan's period ----------------------------------------------------------------------------------------


def test_a_measurement_outside_the_period_is_refused_with_the_period_named(editor_client, indicator):
    before = snapshot()
    response = editor_client.post(
        url("measurement_create", indicator=indicator.pk), {"date": "2026-06-30", "value": "85"}
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
    editor_client, indicator, monkeypatch, today, default
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    for page, form_name in (
        (indicator.get_absolute_url(), "measurement_form"),  # the short form on the indicator's page
        (url("measurement_create", indicator=indicator.pk), "form"),  # its own page
    ):
        form = editor_client.get(page).context[form_name]
        assert form["date"].value() == default, page

    response = editor_client.post(
        url("measurement_create", indicator=indicator.pk),
        {"date": default.isoformat(), "value": "85"},
    )
    assert response.status_code == 302
    assert Measurement.objects.filter(indicator=indicator, date=default).exists()


def test_after_the_period_the_indicator_page_asks_for_no_more_measurements(
    editor_client, indicator, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 12, 1))
    # Measured yearly, last in June 2025: the next would be June 2026, after the period ended.
    Indicator.objects.filter(pk=indicator.pk).update(measurement_interval_months=12)
    Measurement.objects.filter(indicator=indicator).delete()
    Measurement.objects.create(indicator=indicator, date=datetime.date(2025, 6, 30), value=Decimal(86))

    html = editor_client.get(indicator.get_absolute_url()).content.decode()

    assert "ingen: planperioden er slut" in html
    assert "overskredet" not in html  # "overdue"
