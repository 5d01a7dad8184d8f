"""A notification or digest to one person: rendered in Danish from ``templates/notifications/mail/``, with the
link to unsubscribe from that kind of mail of that plan and the account page, and queued through
``core.mail`` (sent by the background worker, once)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import translation

from helhedsplan.core.mail import absolute_url, outgoing_mail_queue, render_mail

from .selectors import Person

#: The kinds of mail a person chooses per plan (``MailPreference``'s fields).
KINDS = ("notifications", "digest")
UNSUBSCRIBE_SALT = "helhedsplan.notifications.unsubscribe"
#: How long an unsubscribe link works: long enough for an old mail, not for ever.
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 90


def unsubscribe_token(*, user_pk: int, plan_pk: int, kind: str) -> str:
    return signing.dumps({"u": user_pk, "p": plan_pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, int, str]:
    """(user pk, plan pk, kind) of a link made by ``unsubscribe_token``; ``signing.BadSignature`` (or its
    ``SignatureExpired``) for one that was changed, is malformed or too old."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise signing.BadSignature("unknown kind")
    user_pk, plan_pk = data.get("u"), data.get("p")
    if not isinstance(user_pk, int) or not isinstance(plan_pk, int):
        raise signing.BadSignature("malformed")
    return user_pk, plan_pk, data["k"]


def unsubscribe_url(*, user_pk: int, plan_pk: int, kind: str) -> str:
    token = unsubscribe_token(user_pk=user_pk, plan_pk=plan_pk, kind=kind)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def mail_person(*, person: Person, kind: str, key: str, template: str, context: dict[str, Any]) -> None:
    """Queue ``template`` to ``person`` about their plan (sent once per ``key``)."""
    context = {
        **context,
        "person": person,
        "plan": person.plan,
        "plan_url": absolute_url(person.plan.get_absolute_url()),
        "settings_url": absolute_url(reverse("notifications:settings")),
        "unsubscribe_url": unsubscribe_url(user_pk=person.user.pk, plan_pk=person.plan.pk, kind=kind),
    }
    with translation.override("da"):
        rendered = render_mail(template, context)
    outgoing_mail_queue(key=key, to=person.user.email, mail=rendered, user=person.user, plan=person.plan)
