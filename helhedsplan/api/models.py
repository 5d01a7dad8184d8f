"""Personal access tokens: a user's key to the API, made and revoked by that user in the app.

Only the SHA-256 of a token is stored (a token is a long random string, so a plain hash is enough: nothing to
guess), with its first characters so that its owner can tell their tokens apart. The full token is shown once,
when it is made.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.constraints import dates_in_bounds
from helhedsplan.core.models import CleanInput

#: Every token starts so, so that a secret scanner (or a person) recognises one in a leaked text.
TOKEN_PREFIX = "hp_"
#: How many characters of a token are kept in clear, to recognise it by: the prefix and eight more.
SHOWN_LENGTH = len(TOKEN_PREFIX) + 8


def digest_of(token: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet):
    def active(self) -> AccessTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class AccessToken(CleanInput, models.Model):
    """One personal access token of one user. Revoked, it stays (with when) but opens nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. 'Spreadsheet'.")
    )
    prefix = models.CharField(_("starts with"), max_length=SHOWN_LENGTH, editable=False)
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="access_token_has_a_name"),
            *dates_in_bounds(times=("created_at", "revoked_at")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
