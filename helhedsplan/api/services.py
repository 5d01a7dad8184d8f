"""Writes of the API app: a user makes and revokes their own access tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from .models import SHOWN_LENGTH, TOKEN_PREFIX, AccessToken, digest_of


@transaction.atomic
def access_token_create(*, name: str, actor) -> tuple[AccessToken, str]:
    """A new token of ``actor`` named ``name``: the stored row and the token itself, which is never stored and
    so can be shown only now."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = AccessToken(user=actor, name=name, prefix=token[:SHOWN_LENGTH], digest=digest_of(token))
    row.full_clean()
    row.save()
    return row, token


@transaction.atomic
def access_token_revoke(*, token: AccessToken, actor) -> AccessToken:
    """Revoke ``token`` (``actor``'s own; the caller finds it among them): from now on it opens nothing."""
    if token.user_id != actor.pk:
        raise PermissionError("A user revokes only their own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
