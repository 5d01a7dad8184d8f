"""Writes of a plan's estates and memberships: each validates through the model, in one transaction, records
who acted, and (for an update) refuses an edit made from an older version (``core.services``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.core.mail import outgoing_mail_queue, render_mail
from helhedsplan.core.mail_throttle import check_mail_allowed
from helhedsplan.core.services import (
    Data,
    object_create,
    object_delete,
    object_save,
    object_update,
    record_actor,
)

from .models import (
    ALREADY_A_MEMBER,
    Affiliation,
    EmailDomain,
    Estate,
    Invitation,
    Membership,
    Organisation,
    OrganisationGrant,
    PartyConfirmation,
    Plan,
    VerifiedEmail,
    administers,
    email_is_verified,
    email_key,
    is_affiliated,
)


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
    user.verified_email = verified
    # A verified address in one of an organisation's e-mail domains affiliates its holder (organisations vouch).
    affiliations_from_verified_email(user=user, actor=actor)
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
    and nothing is saved. The mail goes after the commit, in the background; one that fails shows on the
    members page (``Invitation.mail_failed``), to be sent again from there."""
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
    """Queue the mail of the invitation's link (``core.mail``: sent by a background task after the commit, retried
    when the mail server is away) and keep it on the invitation, whose members-page row shows whether it went.
    The link is a secret: the mail's record forgets its text once sent."""
    inviter = (actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else ""
    protocol = "https" if site.use_https else "http"
    context = {
        "invitation": invitation,
        "plan": invitation.plan,
        "inviter": inviter,
        "link": f"{protocol}://{site.domain}{reverse('invitation_accept', kwargs={'token': token})}",
        "valid_days": Invitation.VALID_DAYS,
    }
    with transaction.atomic():
        invitation.mail = outgoing_mail_queue(
            # A new link (a resend) is a new mail; the key names the link by its hash, never the link itself.
            key=f"invitation:{invitation.pk}:{invitation.token_hash[:32]}",
            to=invitation.email,
            mail=render_mail("registration/invitation", context),
            plan=invitation.plan,
            carries_secret=True,
        )
        # Saved (not updated in bulk) so the plan's pages see the change (``plans.changes``).
        invitation.last_sent_at = timezone.now()
        record_actor(invitation, actor)
        invitation.save(update_fields=["last_sent_at", "mail", "lock_version"])
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: Any) -> Invitation:
    """Withdraw a pending invitation (or one accepted that still waits for its organisation): its link is
    refused from now on, and no role starts from it."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state not in (Invitation.State.PENDING, Invitation.State.AWAITING_ORGANISATION):
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    locked.state = Invitation.State.WITHDRAWN
    record_actor(locked, actor)
    locked.save()
    return locked


def _refusal_of(invitation: Invitation) -> str | None:
    """Why the invitation's link may not be accepted now, in the words shown; None when it may."""
    state = invitation.current_state
    if state == Invitation.State.AWAITING_ORGANISATION:
        return _(
            "This invitation has been accepted. The role starts when %(organisation)s has confirmed you as one "
            "of its people."
        ) % {"organisation": invitation.organisation.short_name}
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
def invitation_accept(*, invitation: Invitation, user: Any, actor: Any) -> Membership | None:
    """``user`` — who followed the link, signed in and chose this account — accepts the invited role. The link
    proves the mailbox: when the account's address is the invited one, it is verified from now on (which
    affiliates it with an organisation whose e-mail domain it is in). The role is held for the invitation's
    organisation, so it starts only with the person's confirmed affiliation with it: without one, the
    invitation waits for the organisation (``AWAITING_ORGANISATION``, the person's request to it made), and
    ``affiliation_confirm`` starts the role; then None is returned. A refused invitation (used, withdrawn,
    expired) or a user already a member raises, and nothing changes."""
    locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    refusal = _refusal_of(locked)
    if refusal is not None:
        raise ValidationError(refusal)
    if Membership.objects.filter(plan=locked.plan_id, user=user).exists():
        raise ValidationError(ALREADY_A_MEMBER)
    if user.email and email_key(user.email) == email_key(locked.email):
        verified_email_record(user=user, actor=actor)
    locked.accepted_by = user
    locked.accepted_at = timezone.now()
    if not is_affiliated(user, locked.organisation_id):
        if not Affiliation.objects.filter(user=user, organisation=locked.organisation_id).exists():
            object_create(Affiliation(user=user, organisation=locked.organisation), actor=actor)
        locked.state = Invitation.State.AWAITING_ORGANISATION
        record_actor(locked, actor)
        locked.save()
        return None
    membership = _membership_of_invitation(locked, actor=actor)
    locked.state = Invitation.State.ACCEPTED
    record_actor(locked, actor)
    locked.save()
    return membership


def _membership_of_invitation(invitation: Invitation, *, actor: Any) -> Membership:
    assert invitation.accepted_by is not None
    return membership_create(
        plan=invitation.plan,
        data={
            "user": invitation.accepted_by,
            "organisation": invitation.organisation,
            "role": invitation.role,
            "sub_agreements": list(invitation.sub_agreements.all()),
        },
        actor=actor,
    )


def _start_awaiting_roles(affiliation: Affiliation, *, actor: Any) -> list[Membership]:
    """Once an organisation has confirmed a person, the invitations they accepted for it start their roles (one
    already a member of that plan meanwhile keeps the membership they have)."""
    if affiliation.state != Affiliation.State.CONFIRMED:
        return []
    started = []
    awaiting = Invitation.objects.select_for_update().filter(
        state=Invitation.State.AWAITING_ORGANISATION,
        accepted_by=affiliation.user_id,
        organisation=affiliation.organisation_id,
    )
    for invitation in awaiting.select_related("plan", "organisation", "accepted_by"):
        if not Membership.objects.filter(plan=invitation.plan_id, user=invitation.accepted_by_id).exists():
            started.append(_membership_of_invitation(invitation, actor=actor))
        invitation.state = Invitation.State.ACCEPTED
        record_actor(invitation, actor)
        invitation.save()
    return started


@transaction.atomic
def invitation_accept_new_user(
    *, invitation: Invitation, password: str, actor: Any = None
) -> tuple[Any, Membership | None]:
    """Whoever followed the link, signed in as no one, makes an account for the invited address (verified, as
    they hold the mailbox) with ``password`` and takes the role. Never looks at other accounts with the
    address: their existence is neither used nor revealed."""
    user_model = get_user_model()
    user = user_model(username=_free_username(user_model, invitation.email), email=invitation.email)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user, invitation_accept(invitation=invitation, user=user, actor=user)


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


# --- Organisations vouch for their people: affiliations, administrators, e-mail domains, confirmed parties -----
#
# Each write of an organisation's administrator checks ``organisation.administer`` itself (PermissionDenied):
# these are reached from pages outside any plan, and the check is the point of them.


def _administrator_of(organisation: Organisation, actor: Any) -> None:
    if not administers(actor, organisation):
        raise PermissionDenied(_("Only the organisation's administrators can do this."))


@transaction.atomic
def affiliation_request(*, organisation: Organisation, actor: Any) -> Affiliation:
    """The actor asks to be confirmed as one of ``organisation``'s people (again, after a revocation); the
    organisation's administrators confirm or refuse it."""
    affiliation = (
        Affiliation.objects.select_for_update().filter(user=actor, organisation=organisation).first()
    )
    if affiliation is None:
        return object_create(Affiliation(user=actor, organisation=organisation), actor=actor)
    if affiliation.state == Affiliation.State.CONFIRMED:
        raise ValidationError(
            _("You are already confirmed as one of %(organisation)s's people.")
            % {"organisation": organisation.short_name}
        )
    if affiliation.state == Affiliation.State.REQUESTED:
        raise ValidationError(_("You have already asked; the organisation's administrators will answer."))
    return object_save(
        _set(affiliation, state=Affiliation.State.REQUESTED, confirmed_by=None, at=timezone.now()),
        actor=actor,
    )


def _set(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


@transaction.atomic
def affiliation_confirm(*, affiliation: Affiliation, actor: Any) -> Affiliation:
    """An administrator confirms a person as one of the organisation's people (asked for, or revoked before)."""
    _administrator_of(affiliation.organisation, actor)
    if affiliation.state == Affiliation.State.CONFIRMED:
        raise ValidationError(_("This person is already confirmed."))
    confirmed = object_save(
        _set(affiliation, state=Affiliation.State.CONFIRMED, confirmed_by=actor, at=timezone.now()),
        actor=actor,
    )
    _start_awaiting_roles(confirmed, actor=actor)
    return confirmed


@transaction.atomic
def affiliation_revoke(*, affiliation: Affiliation, actor: Any) -> Affiliation:
    """An administrator ends a person's affiliation (or refuses a request): their roles that speak for the
    organisation, and its organisation-wide roles, stop at once. The last administrator stays."""
    _administrator_of(affiliation.organisation, actor)
    if affiliation.state == Affiliation.State.REVOKED:
        raise ValidationError(_("This affiliation is already revoked."))
    _keep_an_administrator(affiliation)
    return object_save(
        _set(
            affiliation,
            state=Affiliation.State.REVOKED,
            is_administrator=False,
            confirmed_by=actor,
            at=timezone.now(),
        ),
        actor=actor,
    )


@transaction.atomic
def affiliation_set_administrator(
    *, affiliation: Affiliation, is_administrator: bool, actor: Any
) -> Affiliation:
    """An administrator names another (a confirmed member) or steps one down; the last administrator stays."""
    _administrator_of(affiliation.organisation, actor)
    if not is_administrator:
        _keep_an_administrator(affiliation)
    return object_save(_set(affiliation, is_administrator=is_administrator), actor=actor)


def _keep_an_administrator(affiliation: Affiliation) -> None:
    administrators = list(
        Affiliation.objects.select_for_update()
        .filter(organisation_id=affiliation.organisation_id, is_administrator=True)
        .values_list("pk", flat=True)
    )
    if administrators == [affiliation.pk]:
        raise ValidationError(
            _("The organisation must keep an administrator: name another administrator first.")
        )


@transaction.atomic
def email_domain_add(*, organisation: Organisation, domain: str, actor: Any) -> EmailDomain:
    """An administrator declares one of the organisation's e-mail domains; the people whose verified address
    lies in it are affiliated at once (unless their affiliation was revoked)."""
    _administrator_of(organisation, actor)
    email_domain = object_create(
        EmailDomain(organisation=organisation), data={"domain": (domain or "").strip().lower()}, actor=actor
    )
    user_model = get_user_model()
    for user in user_model._default_manager.filter(email__iendswith=f"@{email_domain.domain}"):
        affiliations_from_verified_email(user=user, actor=actor)
    return email_domain


@transaction.atomic
def affiliations_from_verified_email(*, user: Any, actor: Any) -> list[Affiliation]:
    """Affiliate ``user`` with each organisation one of whose e-mail domains their *verified* address lies in
    (``email_is_verified``); an affiliation revoked by the organisation stays revoked. To be called when an
    address is verified. Returns the affiliations confirmed."""
    email = (user.email or "").strip().lower()
    if "@" not in email or not email_is_verified(user):
        return []
    domain = email.rsplit("@", 1)[1]
    confirmed = []
    for email_domain in EmailDomain.objects.filter(domain=domain).select_related("organisation"):
        affiliation = Affiliation.objects.filter(user=user, organisation=email_domain.organisation).first()
        if affiliation is None:
            affiliation = Affiliation(user=user, organisation=email_domain.organisation)
        elif affiliation.state != Affiliation.State.REQUESTED:
            continue
        _set(affiliation, state=Affiliation.State.CONFIRMED, confirmed_by=None, at=timezone.now())
        confirmed.append(object_save(affiliation, actor=actor))
        _start_awaiting_roles(affiliation, actor=actor)
    return confirmed


@transaction.atomic
def party_confirm(*, plan: Plan, organisation: Organisation, actor: Any) -> PartyConfirmation:
    """An administrator of ``organisation`` confirms its part in ``plan``: from now on its organisation-wide
    roles cover the plan."""
    _administrator_of(organisation, actor)
    return object_create(
        PartyConfirmation(plan=plan, organisation=organisation, confirmed_by=actor), actor=actor
    )


def party_confirm_unchecked(*, plan: Plan, organisation: Organisation, actor: Any) -> PartyConfirmation:
    """A party confirmed without its administrator's word: by the coordinator who starts the plan for their own
    organisation (``plantemplate``), or by a plan file imported (its parties count as confirmed)."""
    return object_create(
        PartyConfirmation(plan=plan, organisation=organisation, confirmed_by=actor if actor else None),
        actor=actor,
    )


@transaction.atomic
def organisation_grant_set(*, affiliation: Affiliation, holds: bool, actor: Any) -> OrganisationGrant:
    """An administrator gives a confirmed member the organisation's reviewer role in every plan it is a
    confirmed party to (or takes it back)."""
    _administrator_of(affiliation.organisation, actor)
    grant = OrganisationGrant.objects.filter(
        organisation=affiliation.organisation, role=OrganisationGrant.Role.REVIEWER
    ).first() or object_create(OrganisationGrant(organisation=affiliation.organisation), actor=actor)
    users = list(grant.users.exclude(pk=affiliation.user_id))
    if holds:
        users.append(affiliation.user)
    grant.clean_many_to_many({"users": users})
    record_actor(grant, actor)
    grant.users.set(users)
    return grant


@transaction.atomic
def affiliation_set_up(
    *, user: Any, organisation: Organisation, is_administrator: bool = False, actor: Any
) -> Affiliation:
    """A confirmed affiliation (and administrator's place) given by whoever sets the site up: the demo's logins
    and a superuser's first administrator of an organisation. Not for a page: there the organisation's
    administrators confirm (``affiliation_confirm``). An existing affiliation is confirmed as it is."""
    affiliation = Affiliation.objects.select_for_update().filter(user=user, organisation=organisation).first()
    affiliation = affiliation or Affiliation(user=user, organisation=organisation)
    _set(
        affiliation,
        state=Affiliation.State.CONFIRMED,
        is_administrator=is_administrator or affiliation.is_administrator,
        at=timezone.now(),
    )
    affiliation = object_save(affiliation, actor=actor)
    _start_awaiting_roles(affiliation, actor=actor)
    return affiliation
