"""Who is calling: a personal access token (``Authorization: Bearer <token>``) or a signed-in browser session.

A request that names a token is judged by that token alone: an unknown or revoked token is a 401, even from a
browser that is signed in. Without the header the session decides (so the docs page can try the API). The API
only reads (GET), so a session needs no CSRF token.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import AccessToken, digest_of

#: Where a request keeps the user its token named (or None), once found.
_TOKEN_USER = "_api_token_user"


class TokenOrSession(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return super().__call__(request)  # the token, or None (401)
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The token's user (one query, once per request: the conditional GET asks before the endpoint does), or
        None for an unknown or revoked token or an inactive user."""
        if _TOKEN_USER in request.__dict__:
            return request.__dict__[_TOKEN_USER]
        request.__dict__[_TOKEN_USER] = user = self._token_user(request, token)
        return user

    def _token_user(self, request: HttpRequest, token: str) -> Any:
        found = (
            AccessToken.objects.active()
            .filter(digest=digest_of(token), user__is_active=True)
            .select_related("user")
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user


def caller(request: HttpRequest) -> Any:
    """The user an authenticated API request is made by."""
    return request.auth  # type: ignore[attr-defined]
