"""Every e-mail the app sends goes through here: recorded, then sent by a background task after the commit.

``outgoing_mail_queue(key=…, to=…, subject=…, text=…, html=…, user=…, plan=…)`` records the mail
(``core.models.OutgoingMail``) and, once the surrounding transaction commits, enqueues ``send_outgoing_mail``
(django-tasks: at once in development and tests, by ``manage.py db_worker`` in production). A transaction that
rolls back leaves neither the record nor the task.

- **At most once.** The key is unique: queueing a key again does nothing. The task claims the mail with one
  conditional update (queued → being sent) before sending, so two workers, or a task run twice, never send it
  twice; a worker that dies while sending leaves it "being sent", never sent again.
- **Retried, bounded.** A failure that may pass (the SMTP server away) puts the mail back and enqueues the task
  again (a minute later per attempt where the backend can wait); after ``MAIL_MAX_ATTEMPTS`` the mail is
  ``failed`` and the task raises, so it shows as failed in the admin (Tasks → database task results) too.
- **Undeliverable.** An address the server refuses (5xx) is not retried: the mail is ``undeliverable``, which
  the plan's coordinators see next to the member (``notifications``).
- **Secrets.** A mail queued with ``carries_secret`` (an invitation's or a set-password link) has its text
  blanked once it is sent, refused or given up: the record keeps whom, what subject and what happened, never a
  link that still works.
- **Withdrawn.** A mail about a plan is sent only while its recipient may still read that plan: a member removed
  (or a grant revoked) between queueing and sending gets nothing.
"""

from __future__ import annotations

import datetime
import smtplib
from dataclasses import dataclass
from typing import Any

import rules
from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import default_task_backend, task

from helhedsplan.core.models import OutgoingMail


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) on the site's address, ``settings.SITE_URL`` (env ``DJANGO_SITE_URL``)."""
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(template: str, context: dict[str, Any]) -> RenderedMail:
    """A mail from three templates: ``<template>_subject.txt`` (one line), ``<template>.txt`` and
    ``<template>.html``."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return RenderedMail(
        subject=subject,
        text=render_to_string(f"{template}.txt", context).strip() + "\n",
        html=render_to_string(f"{template}.html", context),
    )


@dataclass(frozen=True)
class MailToSend:
    """One mail for ``outgoing_mails_queue``."""

    key: str
    to: str
    mail: RenderedMail
    user: Any = None
    plan: Any = None
    carries_secret: bool = False
    #: A mail about several plans (a digest): ``plan`` is None and these are its plans.
    plans: tuple[Any, ...] = ()


def outgoing_mail_queue(
    *,
    key: str,
    to: str,
    mail: RenderedMail,
    user: Any = None,
    plan: Any = None,
    carries_secret: bool = False,
) -> OutgoingMail | None:
    """Record the mail and send it in the background once the current transaction commits. Returns the record,
    or None when a mail with this key was queued before (it is neither recorded nor sent again)."""
    queued = outgoing_mails_queue(
        mails=[MailToSend(key=key, to=to, mail=mail, user=user, plan=plan, carries_secret=carries_secret)]
    )
    return queued[0] if queued else None


def outgoing_mails_queue(*, mails: list[MailToSend]) -> list[OutgoingMail]:
    """Record many mails at once (two queries, however many) and send them by one background task once the
    current transaction commits. Keys queued before are left out. Returns the new records."""
    keys = [mail.key for mail in mails]
    with transaction.atomic():
        known = set(OutgoingMail.objects.filter(key__in=keys).values_list("key", flat=True))
        fresh: dict[str, MailToSend] = {}
        for mail in mails:
            if mail.key not in known:
                fresh.setdefault(mail.key, mail)
        records = OutgoingMail.objects.bulk_create(
            [
                OutgoingMail(
                    key=mail.key,
                    to=mail.to,
                    subject=mail.mail.subject[:300],
                    text=mail.mail.text,
                    html=mail.mail.html,
                    user=mail.user,
                    plan=mail.plan,
                    carries_secret=mail.carries_secret,
                    also_about_plans=sorted(plan.pk for plan in mail.plans),
                )
                for mail in fresh.values()
            ],
            # A mail of the same key queued at the same moment by someone else: theirs is sent, not this.
            ignore_conflicts=True,
        )
    if records:
        ids_by_key = dict(OutgoingMail.objects.filter(key__in=list(fresh)).values_list("key", "pk"))
        ids = [ids_by_key[record.key] for record in records if record.key in ids_by_key]
        for record in records:
            record.pk = ids_by_key.get(record.key)
        transaction.on_commit(lambda: send_outgoing_mails.enqueue(ids))
    return records


def _enqueue(mail_id: int, *, attempt: int) -> None:
    """The retry of one mail, a minute later per attempt made where the backend can wait."""
    if default_task_backend.supports_defer:
        later = timezone.now() + datetime.timedelta(minutes=attempt)
        send_outgoing_mail.using(run_after=later).enqueue(mail_id)
    else:
        send_outgoing_mail.enqueue(mail_id)


class MailNotSent(Exception):
    """A mail that failed on every attempt (the task's error, shown in the admin)."""


def _still_allowed(mail: OutgoingMail) -> bool:
    """Whether the recipient may still read every plan the mail tells about: asked of the permission's rule
    itself (so core needs to know nothing of memberships, and a superuser is asked like anyone). A digest is
    withheld whole when one of its plans is no longer theirs (tomorrow's is built from what they read then)."""
    plan_ids = {*([mail.plan_id] if mail.plan_id else []), *mail.also_about_plans}
    if not plan_ids or mail.user_id is None:
        return True
    user = mail.user
    if user is None or not user.is_active:
        return False
    plans = apps.get_model("plans", "Plan")._default_manager.filter(pk__in=plan_ids)
    found = list(plans)
    return len(found) == len(plan_ids) and all(rules.has_perm("plan.view", user, plan) for plan in found)


def _permanent(error: Exception) -> bool:
    """The server refused the address itself: sending again will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


@task()
def send_outgoing_mails(mail_ids: list[int]) -> dict[str, int]:
    """Send recorded mails, each once (a batch: the day's digests are one task). Returns how many of each
    outcome. A mail that may still go is retried on its own (``send_outgoing_mail``); when one fails for good,
    the others are still sent and then the task raises, so it shows as failed in the admin."""
    outcomes: dict[str, int] = {}
    failed: list[str] = []
    for mail_id in mail_ids:
        try:
            outcome = _send(mail_id)
        except MailNotSent as error:
            outcome = "failed"
            failed.append(str(error))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if failed:
        raise MailNotSent("; ".join(failed))
    return outcomes


@task()
def send_outgoing_mail(mail_id: int) -> str:
    """Send one recorded mail, once (a retry). Raises ``MailNotSent`` when it fails for good, so the task shows
    as failed in the admin."""
    return _send(mail_id)


def _send(mail_id: int) -> str:
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING
    )
    if not claimed:
        return "not queued"
    mail = OutgoingMail.objects.select_related("user").get(pk=mail_id)
    attempts = mail.attempts + 1
    # Once the mail is done with (sent, refused, given up, withdrawn), a secret link in it is blanked.
    done_with = {"text": "", "html": ""} if mail.carries_secret else {}
    if not _still_allowed(mail):
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=OutgoingMail.Status.WITHDRAWN, attempts=attempts, **done_with
        )
        return "withdrawn"
    message = EmailMultiAlternatives(subject=mail.subject, body=mail.text, to=[mail.to])
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    try:
        message.send()
    except Exception as error:
        if _permanent(error):
            status = OutgoingMail.Status.UNDELIVERABLE
        elif attempts >= settings.MAIL_MAX_ATTEMPTS:
            status = OutgoingMail.Status.FAILED
        else:
            status = OutgoingMail.Status.QUEUED
        OutgoingMail.objects.filter(pk=mail_id).update(
            status=status,
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            **(done_with if status != OutgoingMail.Status.QUEUED else {}),
        )
        if status == OutgoingMail.Status.QUEUED:
            transaction.on_commit(lambda: _enqueue(mail_id, attempt=attempts))
            return "retry"
        if status == OutgoingMail.Status.UNDELIVERABLE:
            return "undeliverable"
        raise MailNotSent(f"{mail.to}: {error}") from error
    OutgoingMail.objects.filter(pk=mail_id).update(
        status=OutgoingMail.Status.SENT, attempts=attempts, sent_at=timezone.now(), **done_with
    )
    return "sent"


def undeliverable_addresses(addresses: list[str]) -> set[str]:
    """Which of ``addresses`` (compared in lower case) the mail server refused the last time a mail was sent
    to them (one query)."""
    if not addresses:
        return set()
    latest: dict[str, str] = {}
    rows = (
        OutgoingMail.objects.filter(
            to__in=addresses,
            status__in=[OutgoingMail.Status.SENT, OutgoingMail.Status.UNDELIVERABLE],
        )
        .order_by("created_at", "pk")
        .values_list("to", "status")
    )
    for to, status in rows:
        latest[to.lower()] = status
    return {to for to, status in latest.items() if status == OutgoingMail.Status.UNDELIVERABLE}
