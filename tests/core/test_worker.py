"""The background worker (django-tasks-db's ``db_worker``) on a real database, as production runs it: a mail
queued in a transaction that rolls back never runs; one committed runs once. Runs on SQLite in the usual run and
on PostgreSQL in the PostgreSQL run (``DATABASE_URL=postgres://…``)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from helhedsplan.core.mail import RenderedMail, outgoing_mail_queue
from helhedsplan.core.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = RenderedMail(subject="Påmindelse", text="Tekst\n", html="<p>Tekst</p>")


@pytest.fixture(autouse=True)
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def test_a_mail_queued_in_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        outgoing_mail_queue(key="rollback", to="anna@example.org", mail=MESSAGE)
        raise RuntimeError("the write failed")
    run_worker()
    assert not DBTaskResult.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []


def test_a_committed_mail_is_sent_by_the_worker_once():
    with transaction.atomic():
        outgoing_mail_queue(key="commit", to="anna@example.org", mail=MESSAGE)
        assert not DBTaskResult.objects.exists()  # enqueued only once committed
    assert mail.outbox == []  # waits for the worker
    result = DBTaskResult.objects.get()
    assert result.status == "READY"
    run_worker()
    run_worker()  # a second worker run finds nothing to do
    assert [message.subject for message in mail.outbox] == ["Påmindelse"]
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_a_mail_that_fails_for_good_shows_as_a_failed_task_in_the_admin(settings, client):
    settings.EMAIL_BACKEND = "tests.core.test_mail.FailingBackend"
    settings.MAIL_MAX_ATTEMPTS = 1
    from tests.core.test_mail import FailingBackend
    from tests.plans.factories import UserFactory

    FailingBackend.failures = 1
    try:
        with transaction.atomic():
            record = outgoing_mail_queue(key="fails", to="anna@example.org", mail=MESSAGE)
        assert record is not None
        run_worker()
    finally:
        FailingBackend.failures = 0
    record.refresh_from_db()
    assert (record.status, record.attempts) == (OutgoingMail.Status.FAILED, 1)
    assert mail.outbox == []
    # Administrators see the failed task, with the address, in the admin's task results.
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    assert "anna@example.org" in result.exception_class_path + str(result.traceback)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, password=None))
    response = client.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code == 200
    assert "send_outgoing_mails" in response.content.decode()
