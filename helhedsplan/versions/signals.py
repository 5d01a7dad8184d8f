"""Events of plan versions, sent by ``versions.services`` after the write commits (``notifications`` listens)."""

from django.dispatch import Signal

#: A coordinator submitted a version (``version``, ``actor``) for its parties' sign-off.
version_submitted = Signal()
#: A party decided on a version (``signoff``, ``actor``).
signature_given = Signal()
