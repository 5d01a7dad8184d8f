"""The generic writes every app's services are built from: create, update with an optimistic lock, delete.

Each app's ``services.py`` names its writes for what they do (``goal_create(*, sub_agreement, data, actor)``,
``measurement_update(*, measurement, data, expected_lock_version, actor)``, …) and builds them on these. Every
write runs in one transaction, validates through the model (``full_clean()``: fields, ``clean()`` and the
constraints with their messages), and records ``actor`` in the object's history. An update compares the lock
counter the user started from with the stored one while the row is locked, so of two edits made from the same
version exactly one wins; the other raises ``EditConflict`` with what changed meanwhile, and nothing is written.

When two people create the same unique row at once (a measurement on the same date), both pass validation and
the database refuses the second save. That refusal (IntegrityError) is turned into the ValidationError of the
constraint it broke, asked again after the failed write is rolled back: the loser sees the form's own message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from helhedsplan.core.history import Conflict, changes_since

M = TypeVar("M", bound=models.Model)

#: Field name → value, as a form's ``cleaned_data`` or a plan file gives them.
Data = Mapping[str, Any]


class EditConflict(Exception):
    """Someone saved the object after the version this edit started from."""

    def __init__(self, conflict: Conflict, current_lock_version: int):
        super().__init__("edit conflict")
        self.conflict = conflict
        self.current_lock_version = current_lock_version


def record_actor(obj: models.Model, actor: Any) -> None:
    """Name ``actor`` (a user, or None for a command) as the author of the next history record of ``obj``."""
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def assign(obj: M, data: Data) -> dict[str, Any]:
    """Set the concrete fields in ``data`` on ``obj``; return the many-to-many values, set after saving."""
    many_to_many: dict[str, Any] = {}
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            many_to_many[name] = value
        elif isinstance(field, models.Field) and field.is_relation and not isinstance(value, models.Model):
            setattr(obj, field.attname, value)  # a foreign key given by its pk: set its column
        else:
            setattr(obj, name, value)
    return many_to_many


def check_lock(obj: models.Model, expected_lock_version: int | None) -> int:
    """Lock ``obj``'s row and refuse with EditConflict unless it is still at ``expected_lock_version``."""
    model = type(obj)
    stored = model._default_manager.select_for_update().values_list("lock_version", flat=True).get(pk=obj.pk)
    if expected_lock_version is None or stored != expected_lock_version:
        current = model._default_manager.get(pk=obj.pk)
        raise EditConflict(changes_since(current, expected_lock_version or 0), stored)
    return stored


def _validate_and_save(obj: M, data: Data, actor: Any) -> M:
    many_to_many = assign(obj, data)
    obj.full_clean()
    # A rule about a many-to-many (an activity's goals) is the model's too, asked before anything is written.
    clean_many_to_many = getattr(obj, "clean_many_to_many", None)
    if clean_many_to_many is not None and many_to_many:
        clean_many_to_many(many_to_many)
    record_actor(obj, actor)
    obj.save()
    for name, value in many_to_many.items():
        getattr(obj, name).set(value)
    return obj


@contextmanager
def constraints_speak(obj: models.Model) -> Iterator[None]:
    """Around a write of ``obj`` in its own transaction (or savepoint): if the database refuses it with an
    IntegrityError — someone saved a row that breaks a unique rule meanwhile — ask ``obj``'s unique rules and
    constraints again, now that the other row is there, and raise their ValidationError (with its Danish message,
    at its field) instead. A refusal no rule of the model explains is raised as it was."""
    try:
        yield
    except IntegrityError as error:
        try:
            obj.validate_unique()
            obj.validate_constraints()
        except ValidationError as refusal:
            raise refusal from error
        raise


def object_create(obj: M, *, data: Data | None = None, actor: Any) -> M:
    """Validate and save a new ``obj`` (its parent already set) with ``data``."""
    with constraints_speak(obj), transaction.atomic():
        return _validate_and_save(obj, data or {}, actor)


def object_save(obj: M, *, actor: Any) -> M:
    """Validate and save ``obj`` as it is, without a lock check: for a model without a lock counter."""
    with constraints_speak(obj), transaction.atomic():
        return _validate_and_save(obj, {}, actor)


def object_update(obj: M, *, data: Data, expected_lock_version: int | None, actor: Any) -> M:
    """Change ``obj`` by ``data`` unless someone saved it after ``expected_lock_version`` (EditConflict)."""
    with constraints_speak(obj), transaction.atomic():
        obj.lock_version = check_lock(obj, expected_lock_version)  # type: ignore[attr-defined]
        return _validate_and_save(obj, data, actor)


@transaction.atomic
def object_delete(obj: models.Model, *, actor: Any) -> None:
    """Delete ``obj``; the deletion is recorded in its history with ``actor``. Protected rows raise as usual."""
    record_actor(obj, actor)
    obj.delete()
