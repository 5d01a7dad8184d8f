"""Personal access tokens, made and revoked by each user on /konto/tokens/: shown once in full, stored only
as a SHA-256 with a recognisable start; a user sees and revokes only their own; a revoked token opens nothing.

The token pages lie outside /plan/, so the every-URL walk does not reach them: they are walked here."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.db import connection
from django.urls import reverse

from helhedsplan.api.models import AccessToken
from tests.api.factories import bearer, token_for
from tests.plans.factories import UserFactory
from tests.world import client_for

pytestmark = pytest.mark.django_db

TOKENS = reverse("api_tokens")


def _revoke_url(row: AccessToken) -> str:
    return reverse("api_token_revoke", kwargs={"pk": row.pk})


def test_anonymous_visitors_are_sent_to_log_in():
    anonymous = client_for(None)
    for url, method in [(TOKENS, "get"), (TOKENS, "post"), ("/konto/tokens/1/tilbagekald/", "post")]:
        response = getattr(anonymous, method)(url, {"name": "Regneark"} if method == "post" else None)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not AccessToken.objects.exists()


def test_a_user_makes_a_token_shown_once_and_stored_hashed(django_assert_num_queries):
    user = UserFactory(password=None)
    client = client_for(user)
    response = client.post(TOKENS, {"name": "Regneark"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")  # no cache keeps the page with the token
    page = response.content.decode()
    assert "Kopiér den nu: den vises ikke igen." in page
    token = re.search(r"hp_[A-Za-z0-9_-]{43}", page).group(0)

    row = AccessToken.objects.get()
    assert (row.user, row.name, row.prefix) == (user, "Regneark", token[:11])
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    # The token itself is nowhere in the database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_accesstoken")
        assert token not in str(cursor.fetchall())

    # Shown once: the list shows its start only.
    again = client.get(TOKENS).content.decode()
    assert token not in again and f"{token[:11]}…" in again
    # And it opens the API.
    assert client_for(None).get("/api/plans", headers=bearer(token)).status_code == 200


def test_a_token_needs_a_name_and_nothing_is_made_without_one():
    client = client_for(UserFactory(password=None))
    for name in ["", "   ", "a\x00b"]:
        response = client.post(TOKENS, {"name": name})
        assert response.status_code == 400
        assert not AccessToken.objects.exists()
    assert "Dette felt er påkrævet." in client.post(TOKENS, {"name": ""}).content.decode()


def test_a_user_sees_and_revokes_only_their_own_tokens():
    owner, other = UserFactory(password=None), UserFactory(password=None)
    token_for(owner, name="Mit regneark")
    token_for(other, name="Andens nøgle")
    own = AccessToken.objects.get(user=owner)
    theirs = AccessToken.objects.get(user=other)

    page = client_for(owner).get(TOKENS).content.decode()
    assert "Mit regneark" in page and "Andens nøgle" not in page

    # Another user's token is not found, and stays active.
    assert client_for(owner).post(_revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active

    response = client_for(owner).post(_revoke_url(own), follow=True)
    assert response.redirect_chain == [(TOKENS, 302)]
    assert "Nøglen “Mit regneark” er tilbagekaldt" in response.content.decode()
    own.refresh_from_db()
    assert own.revoked_at is not None


def test_revoking_takes_a_post():
    user = UserFactory(password=None)
    token_for(user)
    assert client_for(user).get(_revoke_url(AccessToken.objects.get())).status_code == 405
    assert AccessToken.objects.get().is_active


def test_a_revoked_token_opens_nothing():
    user = UserFactory(password=None)
    token = token_for(user)
    client = client_for(None)
    assert client.get("/api/plans", headers=bearer(token)).status_code == 200
    client_for(user).post(_revoke_url(AccessToken.objects.get()))
    response = client.get("/api/plans", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_the_docs_page_works_under_the_strict_csp():
    """Swagger UI from our own static files: the site's CSP, unrelaxed, and no script from elsewhere."""
    response = client_for(None).get("/api/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # The directives come in no fixed order: read them as a mapping.
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', response.content.decode())
    assert scripts and all(src.startswith("/static/") for src in scripts)
    # The page declares its language (English, as Swagger UI and the API's descriptions are).
    assert '<html lang="en">' in response.content.decode()


def test_the_favicon_is_served_from_our_static_files():
    """Browsers ask for /favicon.ico on their own (showing a JSON answer or a PDF): never a 404."""
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    response = client_for(None).get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
