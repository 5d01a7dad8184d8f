"""The "Ny helhedsplan" page (/ny-plan/, outside any plan): who may open it, the plan it makes, and bad input
shown in Danish with nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helhedsplan.agreements.models import SubAgreement
from helhedsplan.goals.models import Goal
from helhedsplan.periods.standard import ensure_standard_periods
from helhedsplan.plans.models import Organisation, Plan
from tests.plans.factories import UserFactory
from tests.world import snapshot

pytestmark = pytest.mark.django_db

URL = "/ny-plan/"


def form_data(**changes) -> dict[str, str]:
    return {
        "name": "Boligsocial helhedsplan Amager 2026-2029",
        "slug": "amager-2026-2029",
        "area": "Amager",
        "start_date": "2026-01-01",
        "end_date": "2029-12-31",
        "funding_period": "2019-2026",
        "organisation": str(Organisation.objects.get(short_name="TMF").pk),
        "predecessor": "",
        **changes,
    }


def test_the_url():
    assert reverse("plantemplate:new_plan") == URL


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"
    assert client.post(URL, {}).status_code == 302


def test_a_user_who_coordinates_nothing_is_refused(amager_plan, personas, client_for):
    before = snapshot()
    for user in (personas.outsider, personas.editor, personas.reviewer):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, form_data()).status_code == 403
    assert snapshot() == before


def test_staff_and_coordinators_open_it_and_the_home_page_links_it(amager_plan, personas, client_for):
    ensure_standard_periods()
    staff = UserFactory(password=None, is_staff=True)
    html = client_for(staff).get(reverse("home")).content.decode()
    assert 'href="/ny-plan/"' in html
    html = client_for(personas.coordinator).get(URL).content.decode()
    assert "Ny helhedsplan" in html
    assert "Landsbyggefondens boligsociale pulje 2019-2026" in html
    assert "Landsbyggefondens boligsociale pulje 2015-2018" in html
    # The coordinator's dashboard offers a successor, with this plan chosen to copy from.
    dashboard = client_for(personas.coordinator).get(amager_plan.get_absolute_url()).content.decode()
    assert f"/ny-plan/?forgaenger={amager_plan.slug}" in dashboard
    form = client_for(personas.coordinator).get(f"{URL}?forgaenger={amager_plan.slug}").content.decode()
    assert f'<option value="{amager_plan.slug}" selected>' in form
    # A reader is not offered it.
    reader = client_for(personas.reviewer).get(amager_plan.get_absolute_url()).content.decode()
    assert "/ny-plan/" not in reader


def test_a_coordinator_makes_a_successor_and_lands_on_its_dashboard(amager_plan, personas, client_for):
    ensure_standard_periods()
    response = client_for(personas.coordinator).post(URL, form_data(predecessor=amager_plan.slug))
    plan = Plan.objects.get(slug="amager-2026-2029")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert SubAgreement.objects.filter(plan=plan).count() == 4
    assert (
        Goal.objects.filter(sub_agreement__plan=plan).count()
        == Goal.objects.filter(sub_agreement__plan=amager_plan).count()
    )
    html = client_for(personas.coordinator).get(plan.get_absolute_url()).content.decode()
    assert "Kladde: " in html
    # The new plan reads as new: what it lacks is listed, and the old "an administrator adds" text is gone.
    assert "Ingen delaftaler" not in html
    assert "En administrator opretter de fire delaftaler" not in html


def test_an_empty_new_plan_reads_as_such(amager_plan, personas, client_for):
    ensure_standard_periods()
    client_for(personas.coordinator).post(URL, form_data())
    plan = Plan.objects.get(slug="amager-2026-2029")
    html = client_for(personas.coordinator).get(plan.get_absolute_url()).content.decode()
    assert "Ingen mål" in html
    assert "Ingen delaftaler" not in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "amager-2022-2025"}, "Der findes allerede en plan med denne korte adresse."),
        ({"end_date": "2025-06-30"}, "Planen skal slutte, efter den er startet."),
        ({"funding_period": "1999-2002"}, "Der findes ingen bevillingsperiode 1999-2002."),
    ],
)
def test_bad_input_is_shown_in_danish_and_nothing_is_saved(
    amager_plan, personas, client_for, changes, message
):
    ensure_standard_periods()
    before = snapshot()
    response = client_for(personas.coordinator).post(URL, form_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_copying_from_a_plan_the_user_may_not_read_is_a_404(amager_plan, personas, client_for):
    ensure_standard_periods()
    before = snapshot()
    own = personas.other_plan_coordinator.memberships.get().organisation  # one that has confirmed them
    response = client_for(personas.other_plan_coordinator).post(
        URL, form_data(predecessor=amager_plan.slug, organisation=str(own.pk))
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_the_page_reads_in_a_fixed_number_of_queries(
    amager_plan, personas, client_for, django_assert_num_queries
):
    ensure_standard_periods()
    client = client_for(personas.coordinator)
    # 1 the session, 2 the user, 3 may the user start a plan (a coordinator membership), 4 the plans the user
    # reads (to copy from), 5 the funding periods, 6 the user's organisation as a coordinator, 7 the
    # organisations to choose from.
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200
    for _plan in range(3):
        client_for(personas.coordinator).post(
            URL, form_data(slug=f"ny-{_plan}", predecessor=amager_plan.slug if _plan else "")
        )
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200
