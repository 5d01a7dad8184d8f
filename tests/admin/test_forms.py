"""What an administrator reads and fills in: a user with their plan roles on one page, no lock counter in
sight, Danish sentences for broken rules, and django-axes in Danish."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from helhedsplan.core.constraints import CheckConstraint, UniqueConstraint
from helhedsplan.plans.models import EmailDomain, Membership, Organisation, Plan
from tests.admin.page_fixtures import admin_url, change_page_data
from tests.documents.factories import document_with_version
from tests.plans.factories import AffiliationFactory, UserFactory
from tests.test_admin import READ_ONLY_RECORDS

User = get_user_model()

#: Every project model with an edit form (the mail records are read-only: ``tests/test_admin.py``).
PROJECT_MODELS = [
    model
    for model in admin.site._registry
    if model.__module__.startswith("helhedsplan.") and model not in READ_ONLY_RECORDS
]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="superadmin", is_staff=True, is_superuser=True, password=None))
    return client


# --- A user and their roles in one place ----------------------------------------------------------------------


def test_a_user_is_given_roles_in_plans_on_their_own_page(superuser_client, amager_plan):
    response = superuser_client.post(
        admin_url(User, "add"),
        {"username": "ny-koordinator", "password1": "Hemmeligt-2024!", "password2": "Hemmeligt-2024!"},
    )
    user = User.objects.get(username="ny-koordinator")
    assert response.status_code == 302
    url = admin_url(User, "change", user.pk)
    data = change_page_data(superuser_client.get(url))
    # The dates are split into a date and a time field on the page.
    joined = timezone.localtime(data.pop("date_joined"))
    data.pop("last_login")
    data.update({"date_joined_0": joined.date().isoformat(), "date_joined_1": joined.strftime("%H:%M:%S")})
    organisation = amager_plan.organisations.order_by("pk").first()
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-plan": str(amager_plan.pk),
            "memberships-0-organisation": str(organisation.pk),
            "memberships-0-role": Membership.Role.COORDINATOR,
        }
    )
    # A role is held for the organisation, which has not confirmed the new user: refused, nothing saved.
    refused = superuser_client.post(url, data)
    assert refused.status_code == 200 and not Membership.objects.filter(user=user).exists()
    assert "ingen bekræftet tilknytning" in refused.content.decode()
    AffiliationFactory(user=user, organisation=organisation)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-plan": str(amager_plan.pk),
            "memberships-0-organisation": str(organisation.pk),
            "memberships-0-role": Membership.Role.COORDINATOR,
        }
    )

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = Membership.objects.get(user=user)
    assert (membership.plan, membership.organisation, membership.role) == (
        amager_plan,
        organisation,
        "coordinator",
    )
    assert membership.history.first().history_user.username == "superadmin"


def test_the_user_page_shows_the_roles_and_no_django_permissions_for_ordinary_staff(
    personas, client_for, superuser_client
):
    coordinator = personas.coordinator
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])

    response = client_for(coordinator).get(admin_url(User, "change", personas.editor.pk))

    html = response.content.decode()
    assert "Roller i planer" in html
    assert 'name="user_permissions"' not in html and 'name="groups"' not in html
    # A superuser still sees and sets them.
    superuser_page = superuser_client.get(admin_url(User, "change", personas.editor.pk)).content.decode()
    assert 'name="user_permissions"' in superuser_page and 'name="is_superuser"' in superuser_page


# --- The lock counter ---------------------------------------------------------------------------------------


def test_the_lock_counter_is_never_a_visible_field_of_any_admin_form(superuser_client, amager_plan):
    problems = []
    # The Amager data names no person of an organisation and no e-mail domain: one of each.
    lbf = amager_plan.organisations.get(short_name="LBF")
    AffiliationFactory(organisation=lbf)
    EmailDomain.objects.create(organisation=lbf, domain="lbf.dk")
    # Documents are uploaded, never in a plan file: one, with its file.
    document_with_version(amager_plan, title="Kommissorium (test)")
    for model in PROJECT_MODELS:
        obj = model.objects.order_by("pk").first()
        for url in (admin_url(model, "add"), admin_url(model, "change", obj.pk)):
            response = superuser_client.get(url)
            forms = [response.context["adminform"].form]
            for inline in response.context["inline_admin_formsets"]:
                forms += [*inline.formset.forms, inline.formset.empty_form]
            for form in forms:
                if "lock_version" in form.fields and not form["lock_version"].is_hidden:
                    problems.append(f"{url}: {type(form).__name__}")
            html = response.content.decode()
            # Danish for "edit number": never a label, a column heading or a read-only value.
            if "redigeringsnummer" in html.lower():
                problems.append(f"{url}: shows the lock counter")
    assert problems == []


# --- Danish sentences for broken rules ------------------------------------------------------------------------


def test_every_constraint_of_every_model_says_a_danish_sentence():
    constraints = [
        (model._meta.label, constraint)
        for model in apps.get_models()
        if model.__module__.startswith("helhedsplan.")
        for constraint in model._meta.constraints
    ]
    assert constraints
    for label, constraint in constraints:
        assert isinstance(constraint, CheckConstraint | UniqueConstraint), (label, constraint.name)
        with translation.override("da"):
            danish = str(constraint.get_violation_error_message())
        with translation.override("en"):
            english = str(constraint.get_violation_error_message())
        assert constraint.name not in danish, (label, constraint.name)
        assert danish != english, f"{label}.{constraint.name} is not translated: {english}"


def test_the_plan_form_with_its_end_before_its_start_says_so_in_danish(superuser_client, amager_plan):
    url = admin_url(Plan, "change", amager_plan.pk)
    data = change_page_data(superuser_client.get(url))

    response = superuser_client.post(url, {**data, "start_date": "2025-01-01", "end_date": "2024-12-31"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Planen skal slutte, efter den er startet." in html
    assert "plan_ends_after_it_starts" not in html
    assert response.context["adminform"].form.errors["end_date"] == [
        "Planen skal slutte, efter den er startet."
    ]


# --- django-axes in Danish ----------------------------------------------------------------------------------


def test_the_lockout_admin_reads_danish(superuser_client):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="sagsbehandler",
        ip_address="203.0.113.9",
        user_agent="test",
        http_accept="*/*",
        path_info="/login/",
        failures_since_start=5,
        get_data="",
        post_data="",
    )

    index = superuser_client.get(reverse("admin:index")).content.decode()
    attempts = superuser_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()

    assert "Login-spærringer" in index and "Adgangsforsøg" in index
    assert "IP-adresse" in attempts and "Mislykkede logins" in attempts


def test_an_organisation_is_still_only_changed_with_djangos_permission(personas, client_for):
    coordinator = personas.coordinator
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    organisation = Organisation.objects.order_by("pk").first()
    client = client_for(coordinator)

    response = client.get(admin_url(Organisation, "change", organisation.pk))

    assert response.status_code == 200  # they may look it up and pick it
    assert response.context["has_change_permission"] is False
