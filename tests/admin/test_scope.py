"""The admin shows a staff user only the plans they coordinate; superusers see everything.

A staff user's rights in the admin come from their plan role, not from Django's model permissions: a coordinator
administers their plans' content, and another plan's rows, objects and choices do not exist for them.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.plans.models import Membership, Plan
from helhedsplan.preparedness.models import Contact
from tests.admin.page_fixtures import admin_url
from tests.plans.factories import MembershipFactory, UserFactory
from tests.world import client_for

User = get_user_model()

#: Every registered model that lives in a plan (the plan itself included).
PLAN_MODELS = [model for model in admin.site._registry if hasattr(model, "plan_lookup")]


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def other_staff(personas):
    """The other plan's coordinator, made staff: Amager does not exist for them, in the admin either."""
    return client_for(staff(personas.other_plan_coordinator))


@pytest.fixture
def amager_staff(personas):
    return client_for(staff(personas.coordinator))


def amager_rows(model, queryset, amager):
    return queryset.filter(**{model.plan_lookup: amager.pk})


def test_a_staff_coordinator_of_another_plan_sees_none_of_amagers_rows(other_staff, amager_plan, other_plan):
    seen_own = []
    for model in PLAN_MODELS:
        response = other_staff.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        queryset = response.context["cl"].queryset
        assert not amager_rows(model, queryset, amager_plan).exists(), model
        seen_own.append(queryset.filter(**{model.plan_lookup: other_plan.pk}).exists())
    # Their own plan's rows are there (the other plan has goals, indicators, contacts …).
    assert any(seen_own)
    contacts = other_staff.get(admin_url(Contact, "changelist"))
    assert Contact.objects.in_plan(amager_plan).exists()
    assert contacts.context["cl"].result_count == Contact.objects.in_plan(other_plan).count()


def test_the_plan_filter_names_no_other_plan(other_staff, amager_plan, other_plan):
    html = other_staff.get(admin_url(Indicator, "changelist")).content.decode()

    assert other_plan.name in html
    assert amager_plan.name not in html


def test_amagers_objects_are_not_found_by_another_plans_coordinator(other_staff, amager_plan):
    contact = Contact.objects.in_plan(amager_plan).first()
    measurement = Measurement.objects.in_plan(amager_plan).first()
    for obj in (contact, measurement, amager_plan):
        assert other_staff.get(admin_url(type(obj), "change", obj.pk)).status_code == 404
        assert other_staff.get(admin_url(type(obj), "delete", obj.pk)).status_code == 404
        assert other_staff.get(admin_url(type(obj), "history", obj.pk)).status_code in (403, 404)
    # Nor an old version of it (the history's "revert" page).
    version = contact.history.first()
    revert = reverse("admin:preparedness_contact_simple_history", args=[contact.pk, version.history_id])
    assert other_staff.get(revert).status_code == 403
    # Nor can they write it.
    response = other_staff.post(admin_url(Contact, "change", contact.pk), {"name": "Overtaget"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.name != "Overtaget"


def test_amagers_objects_are_not_offered_as_choices(other_staff, amager_plan, other_plan):
    form = other_staff.get(admin_url(Indicator, "add")).context["adminform"].form

    assert list(form.fields["plan"].queryset) == [other_plan]
    assert not form.fields["goal"].queryset.filter(sub_agreement__plan=amager_plan).exists()
    assert form.fields["goal"].queryset.exists()
    # The autocomplete behind the plan field answers with their plan only.
    response = other_staff.get(
        reverse("admin:autocomplete"),
        {"app_label": "goals", "model_name": "indicator", "field_name": "plan", "term": ""},
    )
    assert [r["text"] for r in response.json()["results"]] == [other_plan.name]


def test_an_amager_object_posted_as_a_choice_is_refused(other_staff, amager_plan, other_plan):
    amager_indicator = Indicator.objects.in_plan(amager_plan).first()

    response = other_staff.post(
        admin_url(Measurement, "add"), {"indicator": amager_indicator.pk, "date": "2024-01-01", "value": "1"}
    )

    assert response.status_code == 200
    assert "indicator" in response.context["adminform"].form.errors
    assert not amager_indicator.measurements.filter(date="2024-01-01").exists()


def test_a_staff_coordinator_administers_their_own_plan(amager_staff, amager_plan):
    contact = Contact.objects.in_plan(amager_plan).first()

    response = amager_staff.get(admin_url(Contact, "changelist"))
    assert response.context["cl"].result_count == Contact.objects.in_plan(amager_plan).count()
    assert amager_staff.get(admin_url(Contact, "change", contact.pk)).status_code == 200
    assert amager_staff.get(admin_url(Plan, "change", amager_plan.pk)).status_code == 200
    # A new plan, or deleting one, is a superuser's work.
    assert amager_staff.get(admin_url(Plan, "add")).status_code == 403
    assert amager_staff.get(admin_url(Plan, "delete", amager_plan.pk)).status_code == 403


@pytest.mark.parametrize("role", ["editor", "reviewer", "outsider"])
def test_staff_who_coordinate_no_plan_see_no_plan_content(personas, amager_plan, role):
    client = client_for(staff(personas[role]))

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert client.get(admin_url(Contact, "changelist")).status_code == 403
    contact = Contact.objects.in_plan(amager_plan).first()
    assert client.get(admin_url(Contact, "change", contact.pk)).status_code in (403, 404)


def test_django_model_permissions_open_no_plan_content(personas, amager_plan):
    # Even given every model permission, a staff user who coordinates no plan sees none of its rows.
    from django.contrib.auth.models import Permission

    reviewer = staff(personas.reviewer)
    reviewer.user_permissions.set(Permission.objects.filter(content_type__app_label="preparedness"))
    client = client_for(reviewer)

    assert client.get(admin_url(Contact, "changelist")).status_code == 403


def test_a_coordinator_sees_the_users_of_their_plans_and_never_a_superuser(
    amager_staff, personas, amager_plan
):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, password=None)
    stranger = MembershipFactory(plan=personas.other_plan_coordinator.memberships.get().plan).user

    users = amager_staff.get(admin_url(User, "changelist")).context["cl"].queryset

    assert personas.reviewer in users
    assert root not in users and stranger not in users
    assert amager_staff.get(admin_url(User, "change", root.pk)).status_code == 404
    assert amager_staff.get(admin_url(User, "change", stranger.pk)).status_code == 404
    assert amager_staff.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code == 404


def test_a_coordinator_cannot_make_anyone_staff_or_give_django_permissions(amager_staff, personas):
    response = amager_staff.get(admin_url(User, "change", personas.reviewer.pk))

    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(fields)
    # The roles inline shows only the memberships of plans they coordinate.
    [inline] = response.context["inline_admin_formsets"]
    assert {form.instance.plan for form in inline.formset.initial_forms} == {
        personas.reviewer.memberships.get().plan
    }


def test_a_member_of_two_plans_is_changed_only_by_someone_who_runs_both(amager_staff, personas, other_plan):
    MembershipFactory(user=personas.reviewer, plan=other_plan, role=Membership.Role.REVIEWER)

    response = amager_staff.get(admin_url(User, "change", personas.reviewer.pk))

    # They may look (the reviewer is in their plan), not change the password or name of someone in another plan.
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_a_staff_coordinator_gives_no_role_in_the_admin_only_invites(amager_staff, amager_plan, personas):
    """A role starts when the holder of an address accepts an invitation: the admin offers a staff coordinator no
    way to attach one — not the membership's add page, not the roles box on a user's or the plan's page."""
    from helhedsplan.plans.admin import MembershipInline, UserMembershipInline
    from tests.world import snapshot

    stranger = UserFactory(username="fremmed", password=None)
    client = amager_staff
    before = snapshot()

    assert client.get(admin_url(Membership, "add")).status_code == 403
    response = client.post(
        admin_url(Membership, "add"),
        {
            "user": stranger.pk,
            "plan": amager_plan.pk,
            "organisation": amager_plan.organisations.first().pk,
            "role": "editor",
        },
    )
    assert response.status_code == 403
    request = type("Request", (), {"user": personas.coordinator})()
    for inline in (MembershipInline, UserMembershipInline):
        assert not inline(Membership, admin.site).has_add_permission(request, None)
    assert snapshot() == before
    assert not Membership.objects.filter(user=stranger).exists()
