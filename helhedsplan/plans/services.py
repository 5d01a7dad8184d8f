"""Writes of a plan's estates and memberships: each validates through the model, in one transaction, records
who acted, and (for an update) refuses an edit made from an older version (``core.services``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from helhedsplan.core.services import (
    Data,
    object_create,
    object_delete,
    object_save,
    object_update,
    record_actor,
)

from .models import (
    Affiliation,
    EmailDomain,
    Estate,
    Membership,
    Organisation,
    OrganisationGrant,
    PartyConfirmation,
    Plan,
    administers,
    email_is_verified,
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
def member_add(*, plan: Plan, email: str, data: Data, site: SiteAddress, actor: Any) -> Membership:
    """Give the person with ``email`` a role in ``plan`` (``data``: organisation, role, sub_agreements).

    An existing user is found by e-mail (ignoring case); for a new address a user is made (username from the
    address, no usable password) and, once the transaction is committed, sent Django's set-password mail.
    Adding someone twice, an invalid address or a limit the model refuses raises its ValidationError and
    nothing is saved, not even the new user.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    user_model = get_user_model()
    user = user_model._default_manager.filter(email__iexact=email).order_by("pk").first()
    new_user = user is None
    if user is None:
        user = user_model(username=_free_username(user_model, email), email=email)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    membership = membership_create(plan=plan, data={**data, "user": user}, actor=actor)
    if new_user:
        transaction.on_commit(lambda: send_welcome_mail(user=user, plan=plan, site=site, actor=actor))
    return membership


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


def send_welcome_mail(*, user: Any, plan: Plan, site: SiteAddress, actor: Any) -> None:
    """Django's set-password mail (the password-reset link), worded for someone just added to ``plan``."""
    inviter = (
        (actor.get_full_name() or actor.get_username()) if getattr(actor, "is_authenticated", False) else ""
    )
    context = {
        "email": user.email,
        "domain": site.domain,
        "site_name": "Helhedsplan",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if site.use_https else "http",
        "plan": plan,
        "inviter": inviter,
    }
    PasswordResetForm().send_mail(
        "registration/member_welcome_subject.txt",
        "registration/member_welcome_email.txt",
        context,
        None,
        user.email,
    )


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
    return object_save(
        _set(affiliation, state=Affiliation.State.CONFIRMED, confirmed_by=actor, at=timezone.now()),
        actor=actor,
    )


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
    return object_save(affiliation, actor=actor)
