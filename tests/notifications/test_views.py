"""The account's mail settings, the unsubscribe link (without logging in; signed and expiring; a changed link is
refused in Danish and changes nothing), and the addresses that do not take mail, shown to coordinators."""

from __future__ import annotations

import time

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhedsplan.core.models import OutgoingMail
from helhedsplan.notifications.mail import UNSUBSCRIBE_MAX_AGE, unsubscribe_token
from helhedsplan.notifications.models import MailPreference
from tests.plans.factories import MembershipFactory
from tests.world import client_for, snapshot

pytestmark = pytest.mark.django_db

SETTINGS = reverse("notifications:settings")


def unsubscribe(token: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def test_the_settings_page_lists_the_users_plans_and_saves_the_choice(amager_plan, other_plan, personas):
    client = client_for(personas.reviewer)
    html = client.get(SETTINGS).content.decode()
    assert amager_plan.name in html and other_plan.name not in html
    assert f'id="notifications-{amager_plan.pk}" checked' in html  # both kinds until chosen otherwise
    response = client.post(SETTINGS, {f"digest-{amager_plan.pk}": "on"})
    assert response.status_code == 302
    preference = MailPreference.objects.get(user=personas.reviewer, plan=amager_plan)
    assert (preference.notifications, preference.digest) == (False, True)
    assert "Dine mailindstillinger er gemt." in client.get(SETTINGS).content.decode()


def test_the_settings_page_needs_a_login_and_its_queries_do_not_grow_with_the_plans(
    amager_plan, other_plan, personas
):
    assert Client().get(SETTINGS).status_code == 302
    client = client_for(personas.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SETTINGS).status_code == 200
        return len(queries)

    one = count()
    MembershipFactory(user=personas.coordinator, plan=other_plan, role="reviewer")
    assert other_plan.name in client.get(SETTINGS).content.decode()
    assert count() == one


def test_an_unsubscribe_link_works_without_logging_in(amager_plan, personas):
    token = unsubscribe_token(user_pk=personas.editor.pk, plan_pk=amager_plan.pk, kind="digest")
    anonymous = Client()
    html = anonymous.get(unsubscribe(token)).content.decode()
    assert "Stop den daglige oversigt" in html
    assert not MailPreference.objects.filter(
        user=personas.editor
    ).exists()  # opening the link changes nothing
    response = anonymous.post(unsubscribe(token))
    assert response.status_code == 200
    assert "Du får ikke længere den daglige oversigt" in response.content.decode()
    preference = MailPreference.objects.get(user=personas.editor, plan=amager_plan)
    assert (preference.notifications, preference.digest) == (True, False)


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # tampered signature
        lambda token: "ikke-et-link",  # malformed
        lambda token: signing.dumps({"u": 1, "p": 1, "k": "everything"}, salt="wrong"),  # another salt
    ],
)
def test_a_changed_or_malformed_link_is_refused_in_danish_and_changes_nothing(amager_plan, personas, change):
    token = change(unsubscribe_token(user_pk=personas.editor.pk, plan_pk=amager_plan.pk, kind="digest"))
    before = snapshot()
    response = Client().post(unsubscribe(token))
    assert response.status_code == 400
    assert "Linket er ugyldigt." in response.content.decode()
    assert snapshot() == before


def test_an_expired_link_is_refused(amager_plan, personas, monkeypatch):
    long_ago = time.time() - UNSUBSCRIBE_MAX_AGE - 60
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    token = unsubscribe_token(user_pk=personas.editor.pk, plan_pk=amager_plan.pk, kind="notifications")
    monkeypatch.undo()
    before = snapshot()
    response = Client().post(unsubscribe(token))
    assert response.status_code == 400
    assert "Linket er udløbet." in response.content.decode()
    assert snapshot() == before


def test_coordinators_see_the_addresses_that_do_not_take_mail(amager_plan, personas):
    url = reverse("plan_notifications:undeliverable", kwargs={"plan": amager_plan.slug})
    assert 'id="all-addresses-work"' in client_for(personas.coordinator).get(url).content.decode()
    OutgoingMail.objects.create(
        key="refused",
        to=personas.editor.email,
        subject="s",
        text="t",
        status=OutgoingMail.Status.UNDELIVERABLE,
    )
    html = client_for(personas.coordinator).get(url).content.decode()
    assert personas.editor.email in html
    for role in ("editor", "reviewer", "org_reviewer"):
        assert client_for(getattr(personas, role)).get(url).status_code == 403
    assert mail.outbox == []
