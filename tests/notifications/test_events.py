"""Notifications: who is mailed when a report is submitted, answered or commented on, and when an acute incident
is opened — every kind to every persona; Danish subjects with a link to the page; nothing for those who opted out,
were removed, or read another plan."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from helhedsplan.core.models import OutgoingMail
from helhedsplan.notifications import services as notification_services
from helhedsplan.plans.models import Membership, OrganisationGrant
from helhedsplan.preparedness import services as preparedness_services
from helhedsplan.preparedness.models import EscalationLevel
from helhedsplan.reports import services
from helhedsplan.reports.models import Submission

pytestmark = pytest.mark.django_db

AFTER_THE_PERIOD = datetime.date(2026, 12, 1)
SITE = "https://helhedsplan.example.dk"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def recipients(personas) -> set[str]:
    """The persona roles the outbox went to (one mail each)."""
    by_address = {getattr(personas, role).email: role for role in personas.pks()}
    sent = [(address, message.subject) for message in mail.outbox for address in message.to]
    assert len(sent) == len(set(sent)), "nobody gets the same mail twice"
    return {by_address[address] for address, _subject in sent}


def submit(plan, personas, capture):
    with capture(execute=True):
        return services.report_submit(
            plan=plan,
            kind="yearly",
            year=2024,
            actor=personas.coordinator,
            today=AFTER_THE_PERIOD,
            gaps_confirmed=True,
        )


def answer(submission, personas, capture, outcome):
    comment = "Beretningen mangler." if outcome == Submission.Outcome.RETURNED else ""
    with capture(execute=True):
        services.submission_answer(
            submission=submission, outcome=outcome, comment=comment, actor=personas.reviewer
        )


def report_url(plan) -> str:
    return f"{SITE}/plan/{plan.slug}/rapporter/2024/"


def assert_links(message, url: str) -> None:
    html = message.alternatives[0][0]
    assert url in message.body and f'href="{url}"' in html
    assert f"{SITE}/konto/e-mail/afmeld/" in message.body and f"{SITE}/konto/e-mail/afmeld/" in html


def test_a_submitted_report_is_mailed_to_the_plans_reviewers_only(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    submit(amager_plan, personas, django_capture_on_commit_callbacks)
    assert recipients(personas) == {"reviewer", "org_reviewer"}
    message = mail.outbox[0]
    assert message.subject == f"Årsrapport 2024 for {amager_plan.name} er indsendt"
    assert "afventer dit svar" in message.body
    assert_links(message, report_url(amager_plan))


@pytest.mark.parametrize(
    ("outcome", "subject"),
    [
        (Submission.Outcome.RETURNED, "Årsrapport 2024 for {plan} er sendt retur af Landsbyggefonden"),
        (Submission.Outcome.APPROVED, "Årsrapport 2024 for {plan} er godkendt af Landsbyggefonden"),
    ],
)
def test_an_answer_is_mailed_to_the_coordinators_only(
    amager_plan, personas, django_capture_on_commit_callbacks, outcome, subject
):
    submission = submit(amager_plan, personas, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    answer(submission, personas, django_capture_on_commit_callbacks, outcome)
    assert recipients(personas) == {"coordinator"}
    message = mail.outbox[0]
    assert message.subject == subject.format(plan=amager_plan.name)
    assert_links(message, report_url(amager_plan))


def test_a_comment_is_mailed_to_the_other_side(amager_plan, personas, django_capture_on_commit_callbacks):
    submission = submit(amager_plan, personas, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(submission=submission, text="Hvor er tallene fra 2023?", actor=personas.reviewer)
    assert recipients(personas) == {"coordinator"}
    assert mail.outbox[0].subject == f"Ny kommentar til Årsrapport 2024 for {amager_plan.name}"
    assert "Hvor er tallene fra 2023?" in mail.outbox[0].body
    assert_links(mail.outbox[0], report_url(amager_plan))

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(submission=submission, text="De er i bilaget.", actor=personas.coordinator)
    assert recipients(personas) == {"reviewer", "org_reviewer"}


def open_incident(plan, personas, capture, level_name: str):
    level = EscalationLevel.objects.get(preparedness_plan__plan=plan, name=level_name)
    with capture(execute=True):
        return preparedness_services.incident_open(
            plan=plan,
            data={
                "occurred_at": timezone.now() - datetime.timedelta(minutes=30),
                "level": level,
                "summary": "Brand i en kælder.",
            },
            actor=personas.editor,
        )


def test_an_acute_incident_is_mailed_to_the_coordinators_at_once(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    incident = open_incident(amager_plan, personas, django_capture_on_commit_callbacks, "Akut")
    assert recipients(personas) == {"coordinator"}
    message = mail.outbox[0]
    assert message.subject == f"Hændelse på niveau Akut i {amager_plan.name}"
    assert_links(message, f"{SITE}{incident.get_absolute_url()}")
    # No contact's name or number: the mail links to the contact list instead.
    assert "Eksempel:" not in message.body and "+45" not in message.body


def test_an_incident_below_acute_is_not_mailed(amager_plan, personas, django_capture_on_commit_callbacks):
    open_incident(amager_plan, personas, django_capture_on_commit_callbacks, "Skærpet")
    assert mail.outbox == []


def test_no_mail_tells_of_another_plan_or_reaches_its_people(
    amager_plan, other_plan, personas, django_capture_on_commit_callbacks
):
    submission = submit(amager_plan, personas, django_capture_on_commit_callbacks)
    answer(submission, personas, django_capture_on_commit_callbacks, Submission.Outcome.RETURNED)
    open_incident(amager_plan, personas, django_capture_on_commit_callbacks, "Bydækkende")
    assert mail.outbox
    assert not {"outsider", "other_plan_coordinator", "editor", "limited_editor"} & recipients(personas)
    for message in mail.outbox:
        assert other_plan.name not in message.body + message.alternatives[0][0]


def test_nothing_for_who_opted_out_removed_members_and_revoked_grants(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    notification_services.mail_preference_set(
        user=personas.reviewer, plan=amager_plan, notifications=False, digest=True, actor=personas.reviewer
    )
    submission = submit(amager_plan, personas, django_capture_on_commit_callbacks)
    assert recipients(personas) == {"org_reviewer"}

    OrganisationGrant.objects.get(users=personas.org_reviewer).users.remove(personas.org_reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(submission=submission, text="De er i bilaget.", actor=personas.coordinator)
    assert mail.outbox == []  # the reviewer opted out, the organisation's reviewer lost the grant


def test_a_member_removed_after_the_mail_was_queued_gets_nothing(
    amager_plan, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as submitted:
        services.report_submit(
            plan=amager_plan,
            kind="yearly",
            year=2024,
            actor=personas.coordinator,
            today=AFTER_THE_PERIOD,
            gaps_confirmed=True,
        )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for callback in submitted:
            callback()  # the notification is built and its mails recorded
    Membership.objects.filter(user=personas.reviewer, plan=amager_plan).delete()
    for callback in queued:
        callback()  # the worker sends
    assert recipients(personas) == {"org_reviewer"}
    withdrawn = OutgoingMail.objects.get(user=personas.reviewer)
    assert withdrawn.status == OutgoingMail.Status.WITHDRAWN
