"""Plan versions in "Kræver opmærksomhed" (the dashboard, the portfolio's count, the daily digest): changes to the
agreement awaiting submission, for coordinators, read from the plan's agreement fingerprint (kept by a background
task after each change); and a version awaiting the reader's signature, for whoever signs for a party."""

from __future__ import annotations

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from helhedsplan.agreements.models import StrategicGoal
from helhedsplan.agreements.services import strategic_goal_update
from helhedsplan.goals.models import Indicator
from helhedsplan.goals.services import measurement_create
from helhedsplan.versions.models import AgreementFingerprint, Signoff
from helhedsplan.versions.selectors import versions_attention
from tests.versions.factories import make_signer, submit_version
from tests.versions.test_signoff import sign
from tests.world import commit_pending

pytestmark = pytest.mark.django_db

CHANGES = "version-changes"
SIGNATURE = "your-signature"


def attention(client, plan):
    response = client.get(reverse("overview:dashboard", kwargs={"plan": plan.slug}))
    assert response.status_code == 200
    return response.context["attention"]


def refresh_all() -> None:
    call_command("refresh_agreement_fingerprints", stdout=StringIO())


def change_a_goal(plan, coordinator, capture=None) -> StrategicGoal:
    """A coordinator sharpens a strategic goal's text (through the service), and the transaction commits (what
    waits for the commit runs: the fingerprint's refresh)."""
    goal = StrategicGoal.objects.in_plan(plan).order_by("pk").first()
    strategic_goal_update(
        strategic_goal=goal,
        data={"text": goal.text + " (skærpet)"},
        expected_lock_version=goal.lock_version,
        actor=coordinator,
    )
    commit_pending()
    return goal


def test_a_change_to_the_agreement_refreshes_the_fingerprint_after_the_commit(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    refresh_all()
    assert versions_attention([amager_plan])[amager_plan.pk].changed_sections == ()
    change_a_goal(amager_plan, personas.coordinator, django_capture_on_commit_callbacks)
    assert versions_attention([amager_plan])[amager_plan.pk].changed_sections == ("strategic_agreement",)


def test_follow_up_data_refreshes_nothing_and_changes_nothing(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    refresh_all()
    before = AgreementFingerprint.objects.get(plan=amager_plan).sections
    indicator = Indicator.objects.in_plan(amager_plan).filter(goal__isnull=False).order_by("pk").first()
    commit_pending()
    with mock.patch("helhedsplan.versions.tasks.refresh_agreement_fingerprint") as task:
        measurement_create(
            indicator=indicator,
            data={"date": datetime.date(2025, 6, 1), "value": "42"},
            actor=personas.coordinator,
        )
        commit_pending()
    task.enqueue.assert_not_called()  # a measurement is not the agreement
    assert AgreementFingerprint.objects.get(plan=amager_plan).sections == before


def test_many_changes_in_one_transaction_refresh_once_and_a_rollback_none(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    goals = list(StrategicGoal.objects.in_plan(amager_plan).order_by("pk")[:2])
    commit_pending()
    with mock.patch("helhedsplan.versions.tasks.refresh_agreement_fingerprint") as task:
        with transaction.atomic():
            for goal in goals:
                goal.text += " (skærpet)"
                goal.save()
        commit_pending()
        task.enqueue.assert_called_once_with(amager_plan.pk)
        task.reset_mock()
        with transaction.atomic():
            goals[0].text += " igen"
            goals[0].save()
            transaction.set_rollback(True)
        commit_pending()
        task.enqueue.assert_not_called()


def test_a_coordinator_is_told_of_changes_awaiting_submission_until_a_version_is_submitted(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    refresh_all()
    coordinator = personas.coordinator
    assert not attention(client_for(coordinator), amager_plan).of(CHANGES)  # nothing changed yet
    change_a_goal(amager_plan, coordinator, django_capture_on_commit_callbacks)

    (item,) = attention(client_for(coordinator), amager_plan).of(CHANGES)
    assert item.title == "Ændringer siden godkendt version 1"
    assert item.url == reverse("versions:changes", kwargs={"plan": amager_plan.slug})
    assert "strategisk samarbejdsaftale" in item.detail
    # Editors and reviewers submit no version: not theirs.
    for role in ("editor", "reviewer"):
        assert not attention(client_for(getattr(personas, role)), amager_plan).of(CHANGES), role

    submit_version(amager_plan, coordinator, change=False)
    assert not attention(client_for(coordinator), amager_plan).of(CHANGES)  # awaiting its sign-offs now


def test_without_a_fingerprint_nothing_is_claimed(amager_plan, personas):
    """No fingerprint computed yet (a plan from before it existed, until the command runs): unknown, not listed."""
    AgreementFingerprint.objects.filter(plan=amager_plan).delete()
    StrategicGoal.objects.in_plan(amager_plan).update(text="Ændret uden om alt")
    assert versions_attention([amager_plan])[amager_plan.pk].changed_sections is None
    assert not attention(client_for(personas.coordinator), amager_plan).of(CHANGES)


def test_a_version_awaits_each_signers_signature_and_landsbyggefondens_last(amager_plan, personas):
    version = submit_version(amager_plan, personas.coordinator)
    kk = make_signer(amager_plan, "KK")
    lbf = make_signer(amager_plan, "LBF")

    (item,) = attention(client_for(kk), amager_plan).of(SIGNATURE)
    assert item.title == "Version 2" and item.url == version.get_absolute_url()
    assert "underskriv for KK" in item.detail
    page = (
        client_for(kk).get(reverse("overview:dashboard", kwargs={"plan": amager_plan.slug})).content.decode()
    )
    assert 'id="attention-your-signature">Afventer din underskrift<' in page
    assert f'href="{version.get_absolute_url()}"' in page
    # LBF signs last: nothing for its signer while a local party awaits; nothing for those who sign for no one.
    assert not attention(client_for(lbf), amager_plan).of(SIGNATURE)
    for role in ("coordinator", "editor", "reviewer"):
        assert not attention(client_for(getattr(personas, role)), amager_plan).of(SIGNATURE), role

    for signoff in version.signoffs.exclude(party=Signoff.Party.LBF).order_by("pk"):
        if signoff.party == Signoff.Party.BOARD:
            from tests.versions.factories import evidence

            sign(signoff, personas.coordinator, outside_app=True, evidence=evidence())
        else:
            sign(signoff, make_signer(amager_plan, signoff.organisation.short_name))
    assert not attention(client_for(kk), amager_plan).of(SIGNATURE)  # KK has signed
    (item,) = attention(client_for(lbf), amager_plan).of(SIGNATURE)
    assert "underskriv for LBF" in item.detail


def test_a_signer_whose_affiliation_is_revoked_is_not_asked(amager_plan, personas):
    submit_version(amager_plan, personas.coordinator)
    kk = make_signer(amager_plan, "KK")
    kk.affiliations.filter(organisation__short_name="KK").update(state="revoked")
    assert not attention(client_for(kk), amager_plan).of(SIGNATURE)


def test_the_daily_digest_carries_both(amager_plan, personas, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://helhedsplan.example.dk"
    refresh_all()
    change_a_goal(amager_plan, personas.coordinator, django_capture_on_commit_callbacks)
    today = datetime.date(2025, 11, 3)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", f"--date={today.isoformat()}", stdout=StringIO())
    texts = {message.to[0]: message.body for message in mail.outbox}
    assert "Ændringer, der afventer indsendelse:" in texts[personas.coordinator.email]
    assert "Ændringer, der afventer indsendelse" not in texts.get(personas.editor.email, "")

    mail.outbox.clear()
    submit_version(amager_plan, personas.coordinator, change=False)
    kk = make_signer(amager_plan, "KK")
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "send_reminders", f"--date={(today + datetime.timedelta(days=1)).isoformat()}", stdout=StringIO()
        )
    texts = {message.to[0]: message.body for message in mail.outbox}
    assert "Afventer din underskrift:" in texts[kk.email] and "Version 2" in texts[kk.email]
    assert "Afventer din underskrift" not in texts.get(personas.coordinator.email, "")


def client_for(user):
    from tests.world import client_for as signed_in

    return signed_in(user)
