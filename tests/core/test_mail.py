"""core.mail: every mail is recorded, sent by a background task after the commit, at most once, retried a bounded
number of times; an address the server refuses is marked undeliverable."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction

from helhedsplan.core.mail import RenderedMail, outgoing_mail_queue, send_outgoing_mail
from helhedsplan.core.models import OutgoingMail

pytestmark = pytest.mark.django_db

MESSAGE = RenderedMail(subject="Hej", text="Tekst\n", html="<p>Tekst</p>")


class FailingBackend(LocmemBackend):
    """Fails the first ``failures`` sends (class-wide), with ``error``; then delivers to the outbox."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("the server went away")

    def send_messages(self, messages):
        if FailingBackend.failures > 0:
            FailingBackend.failures -= 1
            raise FailingBackend.error
        return super().send_messages(messages)


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    settings.MAIL_MAX_ATTEMPTS = 3
    yield FailingBackend
    FailingBackend.failures = 0
    FailingBackend.error = smtplib.SMTPServerDisconnected("the server went away")


def queue(key: str = "test:1") -> OutgoingMail | None:
    return outgoing_mail_queue(key=key, to="anna@example.org", mail=MESSAGE)


def test_a_mail_is_sent_once_after_the_commit_with_text_and_html(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = queue()
        assert mail.outbox == []  # nothing before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.body, message.alternatives[0][0]) == ("Hej", "Tekst\n", "<p>Tekst</p>")
    assert record is not None
    record.refresh_from_db()
    assert (record.status, record.attempts) == (OutgoingMail.Status.SENT, 1)


def test_a_rolled_back_transaction_leaves_no_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                queue()
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == [] and not OutgoingMail.objects.exists()


def test_the_same_key_is_never_sent_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        assert queue() is None
    assert first is not None
    send_outgoing_mail.enqueue(first.pk)  # a task run again (a worker restarted) sends nothing
    assert len(mail.outbox) == 1 and OutgoingMail.objects.count() == 1


def test_a_passing_failure_is_retried_and_the_mail_sent_once(failing, django_capture_on_commit_callbacks):
    failing.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        record = queue()
    assert record is not None
    record.refresh_from_db()
    assert (record.status, record.attempts, len(mail.outbox)) == (OutgoingMail.Status.SENT, 3, 1)


def test_a_lasting_failure_stops_after_the_bounded_attempts(failing, django_capture_on_commit_callbacks):
    failing.failures = 10
    with django_capture_on_commit_callbacks(execute=True):
        record = queue()
    assert record is not None
    record.refresh_from_db()
    assert (record.status, record.attempts) == (OutgoingMail.Status.FAILED, 3)
    assert "SMTPServerDisconnected" in record.last_error
    assert mail.outbox == []
    assert failing.failures == 7  # three attempts, no more


def test_a_refused_address_is_undeliverable_and_not_retried(failing, django_capture_on_commit_callbacks):
    failing.failures = 10
    failing.error = smtplib.SMTPRecipientsRefused({"anna@example.org": (550, b"no such user")})
    with django_capture_on_commit_callbacks(execute=True):
        record = queue()
    assert record is not None
    record.refresh_from_db()
    assert (record.status, record.attempts) == (OutgoingMail.Status.UNDELIVERABLE, 1)
