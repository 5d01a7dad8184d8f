"""The strategic agreement and delaftale pages: what each role sees, fixed query counts, no lost updates and
bad input."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from helhedsplan.agreements.models import FocusArea, StrategicAgreement, SubAgreementParty
from helhedsplan.goals.models import Goal, Indicator
from tests.agreements.factories import NarrativeFactory, SubAgreementPartyFactory
from tests.agreements.page_fixtures import build_world
from tests.goals.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.plans.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def sub_agreement_url(world, area=FocusArea.EDUCATION) -> str:
    return reverse("agreements:sub_agreement", kwargs={"plan": "amager", "pk": world.sub_agreements[area].pk})


def strategic_url() -> str:
    return reverse("agreements:strategic", kwargs={"plan": "amager"})


def edit_links(html: str) -> set[str]:
    """The URLs on the page that lead to a form changing something."""
    return set(re.findall(r'href="([^"]*/(?:rediger|ny|slet)/)"', html)) | set(
        re.findall(r'action="([^"]*)"', html)
    ) - {reverse("logout")}


# --- What each role sees ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["dashboard", "strategic", "sub_agreements", "sub_agreement"])
def test_the_reviewer_sees_no_edit_control_anywhere(client, world, url):
    client.force_login(world.users["reviewer"])
    path = {
        "dashboard": reverse("overview:dashboard", kwargs={"plan": "amager"}),
        "strategic": strategic_url(),
        "sub_agreements": reverse("agreements:sub_agreements", kwargs={"plan": "amager"}),
        "sub_agreement": sub_agreement_url(world),
    }[url]

    html = client.get(path).content.decode()

    assert edit_links(html) == set()
    assert "<form" not in html.replace('action="' + reverse("logout") + '"', "").split("</header>")[1]


def test_the_coordinator_edits_the_strategic_agreement_and_each_strategic_goal(client, world):
    client.force_login(world.users["coordinator"])

    html = client.get(strategic_url()).content.decode()

    assert reverse("agreements:strategic_update", kwargs={"plan": "amager"}) in html
    for goal in world.strategic_goals.values():
        assert reverse("agreements:strategic_goal_update", kwargs={"plan": "amager", "pk": goal.pk}) in html
    # Every editable object links to its history.
    assert f"/historik/agreements.strategicagreement/{world.agreement.pk}/" in html
    for goal in world.strategic_goals.values():
        assert f"/historik/agreements.strategicgoal/{goal.pk}/" in html


def test_key_figures_are_added_by_coordinators_only(client, world):
    employment = world.strategic_goals[FocusArea.EMPLOYMENT]
    new_figure = reverse(
        "goals:key_figure_create", kwargs={"plan": "amager", "strategic_goal": employment.pk}
    )
    seen = {}
    for visitor in ["coordinator", "editor", "limited_editor", "reviewer"]:
        client.force_login(world.users[visitor])
        seen[visitor] = new_figure in client.get(strategic_url()).content.decode()

    # Key figures follow the strategic agreement they belong to, which only coordinators edit.
    assert seen == {"coordinator": True, "editor": False, "limited_editor": False, "reviewer": False}


def test_the_short_measurement_form_posts_what_the_goals_app_expects(client, world):
    client.force_login(world.users["editor"])
    indicator = Indicator.objects.get(goal__isnull=False)
    page = sub_agreement_url(world)

    html = client.get(page).content.decode()

    action = reverse("goals:measurement_create", kwargs={"plan": "amager", "indicator": indicator.pk})
    form = html[html.index(f'action="{action}"') : html.index("</form>", html.index(f'action="{action}"'))]
    for field in ("date", "value", "note", "next", "csrfmiddlewaretoken"):
        assert f'name="{field}"' in form
    # Every input has a label.
    for input_id in re.findall(r'<input[^>]* id="([^"]+)"', form):
        assert f'for="{input_id}"' in form

    response = client.post(
        action,
        {"date": "2024-06-30", "value": "320", "note": "", "next": f"{page}#indicator-{indicator.pk}"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{page}#indicator-{indicator.pk}"
    followed = client.get(page)
    assert followed.context["goals"][0].indicators[0].latest_measurement().value == Decimal(320)


def test_the_strategic_page_shows_key_figures_with_progress(client, world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 2, 1))
    employment = world.strategic_goals[FocusArea.EMPLOYMENT]
    figure = Indicator.objects.get(strategic_goal=employment)
    MeasurementFactory(indicator=figure, date=datetime.date(2023, 12, 31), value=Decimal("55.5"))
    client.force_login(world.users["reviewer"])

    html = client.get(strategic_url()).content.decode()

    assert "Andel i beskæftigelse" in html
    assert "55,5 %" in html  # the latest value, the Danish way
    assert 'class="status status-on_track"' in html
    assert "målt for 4 uger siden" in html  # how old the latest figure is
    assert "På sporet" in html and "Bagud" in html  # the legend
    assert "Bestyrelsen mødes fire gange om året." in html  # governance


def test_the_strategic_page_says_what_to_do_without_an_agreement(client, world):
    StrategicAgreement.objects.all().delete()
    client.force_login(world.users["coordinator"])

    html = client.get(strategic_url()).content.decode()

    assert "alert alert-info" in html
    assert reverse("agreements:strategic_update", kwargs={"plan": "amager"}) in html


def test_a_coordinator_writes_the_first_strategic_agreement(client, world):
    StrategicAgreement.objects.all().delete()
    client.force_login(world.users["coordinator"])

    response = client.post(
        reverse("agreements:strategic_update", kwargs={"plan": "amager"}),
        {
            "vision": "En tryg bydel",
            "challenges": "",
            "steering_tools": "",
            "resident_involvement": "",
            "governance": "",
        },
    )

    assert response.status_code == 302
    assert StrategicAgreement.objects.get(plan=world.plan).vision == "En tryg bydel"


def test_the_coordinator_sees_every_edit_control_on_a_delaftale(client, world):
    client.force_login(world.users["coordinator"])
    education = world.sub_agreements[FocusArea.EDUCATION]

    html = client.get(sub_agreement_url(world)).content.decode()

    assert reverse("agreements:sub_agreement_update", kwargs={"plan": "amager", "pk": education.pk}) in html
    assert (
        reverse("agreements:party_create", kwargs={"plan": "amager", "sub_agreement": education.pk}) in html
    )
    assert reverse("agreements:party_update", kwargs={"plan": "amager", "pk": world.party.pk}) in html
    assert reverse("agreements:party_delete", kwargs={"plan": "amager", "pk": world.party.pk}) in html
    for model, obj in [
        ("subagreement", education),
        ("subagreementparty", world.party),
        ("goal", Goal.objects.get()),
        ("activity", education.activities.get()),
    ]:
        assert f"/historik/{obj._meta.app_label}.{model}/{obj.pk}/" in html


def test_an_editor_gets_goal_controls_but_not_the_coordinators(client, world):
    client.force_login(world.users["editor"])
    education = world.sub_agreements[FocusArea.EDUCATION]

    response = client.get(sub_agreement_url(world))

    html = response.content.decode()
    assert response.context["can_edit_goals"] is True
    assert response.context["can_manage"] is False
    assert [i.name for i in response.context["goals"][0].measurable] == ["Unge uden uddannelse og job"]
    assert (
        reverse("agreements:sub_agreement_update", kwargs={"plan": "amager", "pk": education.pk}) not in html
    )
    assert reverse("agreements:party_update", kwargs={"plan": "amager", "pk": world.party.pk}) not in html


def test_an_editor_limited_to_another_delaftale_only_reads_this_one(client, world):
    client.force_login(world.users["limited_editor"])

    response = client.get(sub_agreement_url(world))

    assert response.context["can_edit_goals"] is False
    assert response.context["goals"][0].measurable == []
    assert edit_links(response.content.decode()) == set()

    # ... and edits their own delaftale.
    response = client.get(sub_agreement_url(world, FocusArea.EMPLOYMENT))
    assert response.context["can_edit_goals"] is True


def test_the_delaftale_page_shows_texts_parties_goals_indicators_and_activities(client, world):
    client.force_login(world.users["reviewer"])

    html = client.get(sub_agreement_url(world)).content.decode()

    assert "Fagligt løft af børn og unge." in html  # purpose
    assert "Børne- og Ungdomsforvaltningen" in html and "Stiller medarbejdere til rådighed." in html
    assert "Flere unge i uddannelse" in html
    # Baseline 375, latest 340, target 300 personer — Danish numbers, and dates in the short form of a dense table.
    assert "375 personer" in html and "340 personer" in html and "300 personer" in html
    assert "31.12.2023" in html and "31. december 2023" not in html
    assert "Lektiecafé" in html


def test_the_delaftale_page_has_helpful_empty_states(client, world):
    client.force_login(world.users["editor"])

    response = client.get(sub_agreement_url(world, FocusArea.COHESION))

    assert response.context["goals"] == [] and response.context["activities"] == []
    assert response.context["parties"] == []
    assert response.status_code == 200


# --- Query counts ---------------------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    education = world.sub_agreements[FocusArea.EDUCATION]
    for _goal in range(n):
        goal = GoalFactory(sub_agreement=education)
        for i in range(n):
            indicator = IndicatorFactory(goal=goal)
            for m in range(n):
                MeasurementFactory(indicator=indicator, date=datetime.date(2022, 6 + m, 1 + i))
        ActivityFactory(sub_agreement=education, responsible_organisation=OrganisationFactory()).goals.add(
            goal
        )
        SubAgreementPartyFactory(sub_agreement=education, organisation=OrganisationFactory())
    for year in range(2022, 2022 + n):
        NarrativeFactory(sub_agreement=education, year=year)
    for strategic_goal in world.strategic_goals.values():
        for _figure in range(n):
            MeasurementFactory(indicator=IndicatorFactory(goal=None, strategic_goal=strategic_goal))


# Every page starts with the same four queries:
#  1 session, 2 user, 3 the user's membership with its plan and organisation, 4 the delaftaler it is limited to.
COMMON = 4


@pytest.mark.parametrize("n", [1, 4])
@pytest.mark.parametrize("visitor", ["editor", "coordinator"])
def test_delaftale_page_queries_do_not_grow(client, world, django_assert_num_queries, n, visitor):
    grow(world, n)
    client.force_login(world.users[visitor])

    # COMMON, then 5 the delaftale, 6 its goals, 7 their indicators, 8 their measurements,
    # 9 activities with responsible organisation, 10 the goals they serve, 11 parties with organisation,
    # 12 the yearly narratives. Permission checks per indicator use the membership already fetched: no queries.
    with django_assert_num_queries(COMMON + 8):
        response = client.get(sub_agreement_url(world))

    assert len(response.context["goals"]) == n + 1


@pytest.mark.parametrize("n", [1, 4])
def test_strategic_page_queries_do_not_grow(client, world, django_assert_num_queries, n):
    grow(world, n)
    client.force_login(world.users["coordinator"])

    # COMMON, then 5 the strategic agreement, 6 strategic goals, 7 key figures, 8 their measurements.
    with django_assert_num_queries(COMMON + 4):
        client.get(strategic_url())


@pytest.mark.parametrize("n", [1, 4])
def test_delaftale_list_queries_do_not_grow(client, world, django_assert_num_queries, n):
    grow(world, n)
    client.force_login(world.users["reviewer"])

    # COMMON, then 5 the delaftaler, 6 goals, 7 indicators, 8 measurements (for the rolled-up progress).
    with django_assert_num_queries(COMMON + 4):
        client.get(reverse("agreements:sub_agreements", kwargs={"plan": "amager"}))


# --- No lost updates ------------------------------------------------------------------------------------------


def test_two_edits_of_the_strategic_agreement_from_the_same_version(client, world):
    """Two coordinators open the form; the first saves; the second is refused with the change shown."""
    client.force_login(world.users["coordinator"])
    url = reverse("agreements:strategic_update", kwargs={"plan": "amager"})
    opened = client.get(url).context["form"]["lock_version"].value()
    fields = {
        "challenges": "",
        "steering_tools": "",
        "resident_involvement": "",
        "governance": "",
        "lock_version": opened,
    }

    first = client.post(url, {**fields, "vision": "Den første vision"})
    assert first.status_code == 302

    second = client.post(url, {**fields, "vision": "Den anden vision"})

    assert second.status_code == 200
    world.agreement.refresh_from_db()
    assert world.agreement.vision == "Den første vision"
    conflict = second.context["conflict"]
    assert [(c.old, c.new) for c in conflict.changes if c.new == "Den første vision"]
    html = second.content.decode()
    assert "Den første vision" in html  # what changed meanwhile
    assert "Den anden vision" in html  # the second person's text is kept in the form
    # A deliberate second save, now knowing the change, goes through.
    third = client.post(
        url,
        {**fields, "vision": "Den anden vision", "lock_version": second.context["form"].data["lock_version"]},
    )
    assert third.status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.vision == "Den anden vision"


def test_two_coordinators_writing_the_first_strategic_agreement_do_not_overwrite_each_other(client, world):
    StrategicAgreement.objects.all().delete()
    client.force_login(world.users["coordinator"])
    url = reverse("agreements:strategic_update", kwargs={"plan": "amager"})
    empty = {"challenges": "", "steering_tools": "", "resident_involvement": "", "governance": ""}
    # Both opened the empty form (no version: nothing existed yet); the first saves.
    assert client.post(url, {**empty, "vision": "Den første"}).status_code == 302

    second = client.post(url, {**empty, "vision": "Den anden"})

    assert second.status_code == 200
    assert second.context["conflict"] is not None
    assert StrategicAgreement.objects.get(plan=world.plan).vision == "Den første"


def test_an_edit_without_a_version_is_refused(client, world):
    client.force_login(world.users["coordinator"])
    education = world.sub_agreements[FocusArea.EDUCATION]

    response = client.post(
        reverse("agreements:sub_agreement_update", kwargs={"plan": "amager", "pk": education.pk}),
        {"purpose": "Overskrevet", "problem": "", "target_groups": "", "anchoring": ""},
    )

    assert response.status_code == 200
    education.refresh_from_db()
    assert education.purpose == "Fagligt løft af børn og unge."


# --- Bad input ------------------------------------------------------------------------------------------------


def test_an_empty_strategic_goal_is_refused_next_to_the_field(client, world):
    client.force_login(world.users["coordinator"])
    goal = world.strategic_goals[FocusArea.EDUCATION]

    response = client.post(
        reverse("agreements:strategic_goal_update", kwargs={"plan": "amager", "pk": goal.pk}),
        {"text": "   ", "lock_version": goal.lock_version},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert (
        'id="error_1_id_text"' in response.content.decode() or "invalid-feedback" in response.content.decode()
    )
    goal.refresh_from_db()
    assert goal.text == "Flere bliver skoleparate, og flere tager en uddannelse."


def test_a_party_needs_an_organisation_of_the_plan(client, world):
    client.force_login(world.users["coordinator"])
    url = reverse(
        "agreements:party_create",
        kwargs={"plan": "amager", "sub_agreement": world.sub_agreements["education"].pk},
    )
    outsider = OrganisationFactory(name="Ikke med i planen", short_name="IKKE")
    count = SubAgreementParty.objects.count()

    missing = client.post(url, {"organisation": "", "commitment": "x"})
    foreign = client.post(url, {"organisation": outsider.pk, "commitment": "x"})
    twice = client.post(url, {"organisation": world.party.organisation_id, "commitment": "x"})

    for response in (missing, foreign, twice):
        assert response.status_code == 200
        assert response.context["form"].errors["organisation"]
    assert SubAgreementParty.objects.count() == count


def test_the_party_form_offers_only_the_plans_organisations(client, world):
    client.force_login(world.users["coordinator"])
    OrganisationFactory(name="Ikke med i planen", short_name="IKKE")
    url = reverse(
        "agreements:party_create",
        kwargs={"plan": "amager", "sub_agreement": world.sub_agreements["education"].pk},
    )

    choices = list(client.get(url).context["form"].fields["organisation"].queryset)

    assert sorted(o.short_name for o in choices) == ["BIF", "BUF", "LBF"]
