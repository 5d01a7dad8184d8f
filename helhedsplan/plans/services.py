"""Writes of a plan's estates and memberships: each validates through the model, in one transaction, records
who acted, and (for an update) refuses an edit made from an older version (``core.services``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from helhedsplan.core.services import Data, object_create, object_delete, object_update

from .models import Estate, Membership, Plan


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
