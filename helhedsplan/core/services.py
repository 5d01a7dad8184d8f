"""Writes shared by every app: saving with an optimistic lock, deleting with a change reason."""

from __future__ import annotations

from django.db import transaction

from helhedsplan.core.history import Conflict, changes_since


class EditConflict(Exception):
    """Someone saved the object after the version this edit started from."""

    def __init__(self, conflict: Conflict, current_lock_version: int):
        super().__init__("edit conflict")
        self.conflict = conflict
        self.current_lock_version = current_lock_version


@transaction.atomic
def save_versioned(form, expected_lock_version: int | None):
    """Save a bound, valid ModelForm for an existing object, unless it changed since ``expected_lock_version``.

    The row is locked while comparing versions, so of two concurrent saves from the same version exactly one
    wins; the other raises EditConflict with what changed meanwhile and nothing is written.
    """
    instance = form.instance
    model = type(instance)
    stored_version = (
        model._default_manager.select_for_update().values_list("lock_version", flat=True).get(pk=instance.pk)
    )
    if expected_lock_version is None or stored_version != expected_lock_version:
        stored = model._default_manager.get(pk=instance.pk)
        raise EditConflict(changes_since(stored, expected_lock_version or 0), stored_version)
    instance.lock_version = stored_version
    return form.save()
