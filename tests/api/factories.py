"""Tokens for the API tests: made by the app's own service, so they are stored exactly as a user's are."""

from __future__ import annotations

from helhedsplan.api.services import access_token_create, access_token_revoke


def token_for(user, *, name: str = "Test", revoked: bool = False) -> str:
    """A new token of ``user`` (revoked at once with ``revoked``), in full."""
    row, token = access_token_create(name=name, actor=user)
    if revoked:
        access_token_revoke(token=row, actor=user)
    return token


def bearer(token: str) -> dict[str, str]:
    """The request header that presents ``token`` (for ``Client.get(..., headers=...)``)."""
    return {"Authorization": f"Bearer {token}"}
