"""Organisation-wide roles are kept by superusers in the admin: one grant opens many plans at once, so a staff
coordinator (who administers their own plans) neither sees nor makes one."""

import pytest

from helhedsplan.plans.models import Organisation, OrganisationGrant
from tests.admin.page_fixtures import admin_url
from tests.plans.factories import AffiliationFactory, UserFactory
from tests.world import client_for

pytestmark = pytest.mark.django_db


def test_a_superuser_grants_lbfs_reviewers_every_plan_of_lbf(amager_plan):
    # The walk's organisation-wide reviewer has LBF's grant when the module's personas are built: start without.
    OrganisationGrant.objects.filter(organisation__short_name="LBF").delete()
    root = UserFactory(username="root", is_staff=True, is_superuser=True, password=None)
    reader = UserFactory(username="ny-lbf", password=None)
    lbf = Organisation.objects.get(short_name="LBF")
    AffiliationFactory(
        user=reader, organisation=lbf
    )  # LBF has confirmed her: only then can she hold its role
    client = client_for(root)
    assert client.get(admin_url(OrganisationGrant, "add")).status_code == 200
    response = client.post(
        admin_url(OrganisationGrant, "add"),
        {"organisation": lbf.pk, "role": "reviewer", "users": [reader.pk]},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = OrganisationGrant.objects.get(organisation=lbf)
    assert list(grant.users.all()) == [reader]
    assert {h.history_user for h in OrganisationGrant.history.model.objects.filter(id=grant.pk)} == {root}
    assert reader.has_perm("plan.view", amager_plan)
    assert not reader.has_perm("plan.view_contact_details", amager_plan)
    assert client_for(reader).get(amager_plan.get_absolute_url()).status_code == 200

    again = client.post(admin_url(OrganisationGrant, "add"), {"organisation": lbf.pk, "role": "reviewer"})
    assert again.status_code == 200
    assert "Organisationen har allerede denne rolle i sine planer" in again.content.decode()


def test_a_staff_coordinator_neither_sees_nor_makes_a_grant(personas):
    coordinator = personas.coordinator
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client = client_for(coordinator)
    assert client.get(admin_url(OrganisationGrant, "changelist")).status_code == 403
    assert client.get(admin_url(OrganisationGrant, "add")).status_code == 403
    lbf = Organisation.objects.get(short_name="LBF")
    response = client.post(admin_url(OrganisationGrant, "add"), {"organisation": lbf.pk, "role": "reviewer"})
    assert response.status_code == 403
    assert "organisationgrant" not in client.get("/admin/").content.decode()


def test_a_staff_coordinator_cannot_change_a_user_holding_an_organisation_wide_role(personas):
    """Such a user reads every plan of their organisation: a coordinator of one plan must not set their password
    or name, even though the user is a member of no plan (whom coordinators may otherwise change)."""
    coordinator = personas.coordinator
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    reader = personas.org_reviewer
    client = client_for(coordinator)
    url = f"/admin/auth/user/{reader.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200  # seen (a user of no plan), read-only
    assert not page.context["has_change_permission"]
    response = client.post(
        url, {"username": "kapret", "first_name": "X", "last_name": "Y", "email": "x@example.org"}
    )
    assert response.status_code == 403
    reader.refresh_from_db()
    assert reader.username != "kapret"
    password = client.get(f"/admin/auth/user/{reader.pk}/password/")
    assert password.status_code in (403, 404)
