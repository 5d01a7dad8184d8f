"""Writes of the approvals pages: a decision and its minutes file are saved, replaced and deleted together."""

from __future__ import annotations

from django.core.files.storage import Storage
from django.db import transaction

from helhedsplan.core.services import check_lock

from .models import EstateDecision


def _delete_file_after_commit(storage: Storage, name: str) -> None:
    # Only once the row no longer points at it: a rolled-back save must still find its old minutes.
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def save_decision(form, *, expected_lock_version: int | None = None) -> EstateDecision:
    """Create or update a decision from a valid EstateDecisionForm.

    An update is refused with ``EditConflict`` when someone saved the decision after ``expected_lock_version``.
    Minutes that are replaced or removed are deleted from storage once the new state is committed.
    """
    decision: EstateDecision = form.instance
    creating = decision.pk is None
    old_name = (
        "" if creating else EstateDecision.objects.values_list("minutes", flat=True).get(pk=decision.pk)
    )
    if form.cleaned_data.get("remove_minutes") and "minutes" not in form.files:
        decision.minutes = ""
    if not creating:
        check_lock(decision, expected_lock_version)
    decision = form.save()
    if old_name and old_name != decision.minutes.name:
        _delete_file_after_commit(decision.minutes.storage, old_name)
    return decision


@transaction.atomic
def delete_decision(decision: EstateDecision) -> None:
    """Delete the decision and, once that is committed, its minutes file."""
    name, storage = decision.minutes.name, decision.minutes.storage
    decision.delete()
    _delete_file_after_commit(storage, name)
