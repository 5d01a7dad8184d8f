"""Login safety: who a login attempt comes from, and when attempts lock (on top of django-axes).

- The client's address is ``REMOTE_ADDR`` unless ``settings.TRUSTED_PROXY_COUNT`` says how many reverse proxies
  stand in front of the app; then it is the address the outermost trusted proxy saw, read from the right of
  ``X-Forwarded-For`` (what a client writes there itself, to the left, is never believed).
- Failed logins lock a user name *from one address* (``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME``): an
  attacker elsewhere cannot lock the real owner out, and every lock ends by itself after the cool-off.
- Password spraying — a few guesses at many user names — is throttled per address: after
  ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address, across all user names, the address is locked.

An administrator unlocks with ``manage.py axes_reset_username <name>`` or ``axes_reset_ip <address>`` (README).
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_noop


def _valid_address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request) -> str | None:
    """The client's address as far as it can be trusted (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # the request did not come through every proxy: nothing in the header is trusted
    return _valid_address(forwarded[-proxies]) or remote


def address_failures(ip_address: str | None, request) -> int:
    """Failed logins from ``ip_address`` within the cool-off, over all user names (one query)."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if axes_settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-address limit against password spraying: an address past
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` counts as locked for every user name."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        limit = getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", None)
        if limit and address_failures(getattr(request, "axes_ip_address", None), request) >= limit:
            return max(failures, get_failure_limit(request, credentials))
        return failures


#: django-axes ships no Danish: its texts in the admin (models, fields, filters, actions) and its messages are
#: listed here so that ``make messages`` keeps their Danish in the project's catalogue, which Django prefers.
AXES_TEXTS = (
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)
