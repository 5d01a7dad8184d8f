"""The membership history names people and their roles: personal details, which reviewers do not see (the same
rule as the emergency plan's contacts)."""

import pytest
from django.urls import reverse

from helhedsplan.plans.models import Membership
from helhedsplan.preparedness.models import Contact

pytestmark = pytest.mark.django_db


def history_url(obj) -> str:
    return reverse(
        "history",
        kwargs={
            "plan": obj.owning_plan.slug,
            "app_label": obj._meta.app_label,
            "model_name": obj._meta.model_name,
            "pk": obj.pk,
        },
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("editor", 200),
        ("limited_editor", 200),
        ("reviewer", 403),
        ("other_plan_coordinator", 404),
    ],
)
def test_membership_and_contact_history_is_for_coordinators_and_editors(
    personas, client_for, amager_plan, role, status
):
    client = client_for(personas[role])
    membership = Membership.objects.get(user=personas.editor, plan=amager_plan)
    contact = Contact.objects.in_plan(amager_plan).first()

    assert client.get(history_url(membership)).status_code == status
    assert client.get(history_url(contact)).status_code == status


def test_the_reviewer_does_not_read_who_has_which_role(personas, client_for, amager_plan):
    membership = Membership.objects.get(user=personas.coordinator, plan=amager_plan)

    response = client_for(personas.reviewer).get(history_url(membership))

    assert response.status_code == 403
    # The 403 page names the plan's coordinators to ask (issue 9), but nothing of the membership asked for:
    # not the other members, not their roles' history.
    html = response.content.decode()
    membership = Membership.objects.get(user=personas.editor, plan=amager_plan)
    assert client_for(personas.reviewer).get(history_url(membership)).status_code == 403
    for member in (personas.editor, personas.limited_editor):
        assert member.username not in html
        assert (member.get_full_name() or member.username) not in html
