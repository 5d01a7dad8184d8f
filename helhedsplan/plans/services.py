"""Writes of a plan's estates and memberships: each validates through the model, in one transaction, records
who acted, and (for an update) refuses an edit made from an older version (``core.services``)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.core.mail_throttle import check_mail_allowed
from helhedsplan.core.services import Data, object_create, object_delete, object_update, record_actor

from .models import Estate, Invitation, Membership, Plan, VerifiedEmail, email_key

logger = logging.getLogger(__name__)


def plan_create(*, data: Data, actor: Any) -> Plan:
    """A new plan (``data``: name, slug, area, start and end date, funding_period, organisations, …). Who may make
    one, and what it starts with, is the caller's (``plantemplate.services.plan_create_from_template``)."""
    return object_create(Plan(), data=data, actor=actor)


def estate_create(*, plan: Plan, data: Data, actor: Any) -> Estate:
    """A new estate (boligafdeling) in ``plan``."""
    return object_create(Estate(plan=plan), data=data, actor=actor)


def estate_update(*, estate: Estate, data: Data, expected_lock_version: int | None, actor: Any) -> Estate:
    return object_update(estate, data=data, expected_lock_version=expected_lock_version, actor=actor)


def estate_delete(*, estate: Estate, actor: Any) -> None:
    """Delete an estate; its decisions go with it, an estate named in an incident is protected."""
    object_delete(estate, actor=actor)


def membership_create(*, plan: Plan, data: Data, actor: Any) -> Membership:
    """Give a user a role in ``plan`` (``data``: user, organisation, role, and optionally sub_agreements)."""
    return object_create(Membership(plan=plan), data=data, actor=actor)


@dataclass(frozen=True)
class SiteAddress:
    """Where the site answers, for the links in a mail: ``helhedsplan.example.dk`` over https."""

    domain: str
    use_https: bool = True


@transaction.atomic
def membership_update(
    *, membership: Membership, data: Data, expected_lock_version: int | None, actor: Any
) -> Membership:
    """Change a member's organisation, role or delaftale limit; the plan's last coordinator stays one."""
    _lock_coordinators(membership.plan_id)
    return object_update(membership, data=data, expected_lock_version=expected_lock_version, actor=actor)


@transaction.atomic
def membership_delete(*, membership: Membership, actor: Any) -> None:
    """Remove a member from the plan; the plan's last coordinator cannot be removed."""
    _lock_coordinators(membership.plan_id)
    membership.validate_delete()
    object_delete(membership, actor=actor)


def _lock_coordinators(plan_id: int) -> None:
    """Lock the plan's coordinator rows, so two coordinators demoting or removing each other at once cannot
    leave the plan without one (the second waits, then sees the first's change)."""
    list(
        Membership.objects.select_for_update()
        .filter(plan_id=plan_id, role=Membership.Role.COORDINATOR)
        .values_list("pk", flat=True)
    )


# --- Proved addresses and invitations -------------------------------------------------------------------------


def verified_email_record(*, user: Any, actor: Any) -> VerifiedEmail:
    """Record that ``user`` holds their current e-mail address: they followed a link sent to it (or a superuser
    vouched for it in the admin)."""
    verified, _created = VerifiedEmail.objects.update_or_create(
        user=user, defaults={"email": user.email, "verified_at": timezone.now()}
    )
    return verified


def token_hash(token: str) -> str:
    """How an invitation's token is stored and looked up: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link holds ``token`` (with its plan), or None for a link that names none."""
    return (
        Invitation.objects.select_related("plan", "organisation", "invited_by")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.expires_at = timezone.now() + datetime.timedelta(days=Invitation.VALID_DAYS)
    return token


def _sender(actor: Any) -> str:
    return f"user:{actor.pk}" if getattr(actor, "pk", None) else "user:anonymous"


def invitation_create(*, plan: Plan, data: Data, site: SiteAddress, actor: Any) -> Invitation:
    """Invite ``data["email"]`` to a role in ``plan`` (``data``: email, organisation, role, sub_agreements) and
    mail the link. No account is given the role now, whatever its address: only whoever follows the link and
    accepts (``invitation_accept``). Too many mails to the address or by the actor raise the throttle's refusal
    and nothing is saved. A mail that fails leaves the invitation saved with the failure (``send_failure``), to
    be sent again from the members page."""
    email = (data.get("email") or "").strip()
    check_mail_allowed(address=email, sender=_sender(actor))
    with transaction.atomic():
        invitation = Invitation(plan=plan, invited_by=actor if getattr(actor, "pk", None) else None)
        token = _new_token(invitation)
        invitation = object_create(invitation, data={**data, "email": email}, actor=actor)
    return _send(invitation, token, site=site, actor=actor)


def invitation_resend(*, invitation: Invitation, site: SiteAddress, actor: Any) -> Invitation:
    """Mail a pending invitation again with a new link (the older one stops working) and a new expiry."""
    if invitation.state != Invitation.State.PENDING:
        raise ValidationError(_("Only a pending invitation can be sent again."))
    check_mail_allowed(address=invitation.email, sender=_sender(actor))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.state != Invitation.State.PENDING:
            raise ValidationError(_("Only a pending invitation can be sent again."))
        token = _new_token(locked)
        record_actor(locked, actor)
        locked.save()
    return _send(locked, token, site=site, actor=actor)


def _send(invitation: Invitation, token: str, *, site: SiteAddress, actor: Any) -> Invitation:
    """Mail the invitation's link and record the attempt: when, and why it failed (empty when the mail server
    took it)."""
    inviter = (actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else ""
    protocol = "https" if site.use_https else "http"
    context = {
        "invitation": invitation,
        "plan": invitation.plan,
        "inviter": inviter,
        "link": f"{protocol}://{site.domain}{reverse('invitation_accept', kwargs={'token': token})}",
        "valid_days": Invitation.VALID_DAYS,
    }
    subject = "".join(render_to_string("registration/invitation_subject.txt", context).splitlines())
    body = render_to_string("registration/invitation_email.txt", context)
    failure = ""
    try:
        send_mail(subject, body, None, [invitation.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("The invitation %s could not be mailed: %r", invitation.pk, error)
        failure = (f"{type(error).__name__}: {error}")[:500]
    with transaction.atomic():
        # Saved (not updated in bulk) so the plan's pages see the change (``plans.changes``).
        invitation.last_sent_at, invitation.send_failure = timezone.now(), failure
        record_actor(invitation, actor)
        invitation.save(update_fields=["last_sent_at", "send_failure", "lock_version"])
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: Any) -> Invitation:
    """Withdraw a pending invitation: its link is refused from now on."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state != Invitation.State.PENDING:
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    locked.state = Invitation.State.WITHDRAWN
    record_actor(locked, actor)
    locked.save()
    return locked


def _refusal_of(invitation: Invitation) -> str | None:
    """Why the invitation's link may not be accepted now, in the words shown; None when it may."""
    state = invitation.current_state
    if state == Invitation.State.ACCEPTED:
        return _("This invitation has already been accepted. Log in to reach the plan.")
    if state == Invitation.State.WITHDRAWN:
        return _("This invitation has been withdrawn. Ask the plan's coordinator for a new one.")
    if state == Invitation.State.EXPIRED:
        return _("This invitation has expired. Ask the plan's coordinator to send it again.")
    return None


def invitation_refusal(invitation: Invitation | None) -> str | None:
    """The Danish message a link is refused with (one that names no invitation too), or None."""
    if invitation is None:
        return _("This invitation link is not valid. Check that the whole link from the e-mail was used.")
    return _refusal_of(invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any, actor: Any) -> Membership:
    """``user`` — who followed the link, signed in and chose this account — takes the invited role. The link
    proves the mailbox: when the account's address is the invited one, it is verified from now on. A refused
    invitation (used, withdrawn, expired) or a user already a member raises, and nothing changes."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    refusal = _refusal_of(locked)
    if refusal is not None:
        raise ValidationError(refusal)
    membership = membership_create(
        plan=locked.plan,
        data={
            "user": user,
            "organisation": locked.organisation,
            "role": locked.role,
            "sub_agreements": list(locked.sub_agreements.all()),
        },
        actor=actor,
    )
    if user.email and email_key(user.email) == email_key(locked.email):
        verified_email_record(user=user, actor=actor)
    locked.state = Invitation.State.ACCEPTED
    locked.accepted_by = user
    locked.accepted_at = timezone.now()
    record_actor(locked, actor)
    locked.save()
    return membership


@transaction.atomic
def invitation_accept_new_user(*, invitation: Invitation, password: str, actor: Any = None) -> Membership:
    """Whoever followed the link, signed in as no one, makes an account for the invited address (verified, as
    they hold the mailbox) with ``password`` and takes the role. Never looks at other accounts with the
    address: their existence is neither used nor revealed."""
    user_model = get_user_model()
    user = user_model(username=_free_username(user_model, invitation.email), email=invitation.email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return invitation_accept(invitation=invitation, user=user, actor=user)


def _free_username(user_model: Any, email: str) -> str:
    """The e-mail address (lower case) as username, with a number added if someone has it already."""
    field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    base = email.lower()[: field.max_length]
    candidate, number = base, 1
    while user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": candidate}).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: field.max_length - len(suffix)] + suffix
    return candidate
