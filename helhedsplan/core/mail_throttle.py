"""How many mails the app sends to one address and for one sender: set-password mails and invitations.

Each mail asked for counts once per address (whoever asks) and once per sender (a signed-in user, else the
client's address), in fixed windows of ``MAIL_THROTTLE_WINDOW`` seconds, in Django's cache ``throttle`` (the
database cache: shared by every app server, nothing to run beside the app). Over either limit the mail is not
sent and the caller shows the Danish refusal. The count is kept whether or not an account has the address, so a
refusal reveals nothing about accounts.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

THROTTLED = _(
    "Too many e-mails have been asked for this address or by you within the hour. Nothing was sent; try again "
    "in an hour."
)


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    return f"mail-throttle:{kind}:{digest}"


def _take(key: str, limit: int, window: int) -> bool:
    """Count one more in ``key``'s window; False (counting nothing) when the window already holds ``limit``."""
    cache = caches["throttle"]
    cache.add(key, 0, timeout=window)
    count = cache.get(key, 0)
    if count >= limit:
        return False
    try:
        cache.incr(key)
    except ValueError:  # the window ended between the two calls: a new one starts
        cache.set(key, 1, timeout=window)
    return True


def check_mail_allowed(*, address: str, sender: str) -> None:
    """Count a mail to ``address`` asked for by ``sender`` (``user:<pk>`` or ``ip:<address>``); raise the
    Danish ValidationError instead when either has reached its limit in this window."""
    window = settings.MAIL_THROTTLE_WINDOW
    if not _take(_key("sender", sender), settings.MAIL_THROTTLE_PER_SENDER, window):
        raise ValidationError(THROTTLED, code="throttled")
    if not _take(_key("address", address), settings.MAIL_THROTTLE_PER_ADDRESS, window):
        raise ValidationError(THROTTLED, code="throttled")
