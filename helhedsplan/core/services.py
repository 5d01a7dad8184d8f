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


def object_get_or_create(obj: M, *, lookup: Data, actor: Any) -> tuple[M, bool]:
    """The row of ``obj``'s model matching ``lookup`` (its unique fields), or ``obj`` validated and saved; and
    whether it was made. When two requests make the same row at once, the database refuses the loser's save
    (after waiting for the winner's commit, on PostgreSQL): the loser gets the winner's row, as if it had been
    there when asked. A refusal no such row explains speaks as ``object_create``'s does."""
    model = type(obj)
    found = model._default_manager.filter(**lookup).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return _validate_and_save(obj, {}, actor), True
    except IntegrityError:
        found = model._default_manager.filter(**lookup).first()
        if found is not None:
            return found, False
        with constraints_speak(obj):
            raise


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


#: How far from an object's deletion the rows deleted with it may have been recorded (before or after it, as
#: Django's delete orders them): a delete and its cascade run in one transaction, within moments.
CASCADE_WINDOW_SECONDS = 5


@transaction.atomic
def object_restore(*, record: Any, actor: Any) -> models.Model:
    """Bring back the object a deletion ``record`` (django-simple-history's "-" record) tells of, as it was just
    before it was deleted, and with it the rows its delete took along (a goal's indicators and their
    measurements: deleted under it, by the same person, within moments of it), parents before their children.

    Each row is validated through its model (``full_clean()``: a measurement on a date taken meanwhile is refused
    with the model's message) and nothing is written unless all are valid. Each gets a history record naming
    ``actor`` and saying it was restored; the many-to-many links its last version held (an activity's goals)
    come back as far as their other ends still exist.
    """
    if record.history_type != "-":
        raise ValueError("Only a deletion record can be restored.")
    restored = _restore_row(record, actor)
    _restore_cascade(record, actor)
    return restored


def _pk_of(record: Any) -> Any:
    return getattr(record, record.instance_type._meta.pk.attname)


def _restore_row(record: Any, actor: Any) -> models.Model:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from helhedsplan.core.history import RESTORED

    model = record.instance_type
    if model._default_manager.filter(pk=_pk_of(record)).exists():
        raise ValidationError(_("%(name)s has already been restored.") % {"name": model._meta.verbose_name})
    before = record.prev_record or record
    obj = before.instance
    for field in model._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if (
            field.many_to_one
            and value is not None
            and field.remote_field.on_delete is models.CASCADE
            and not field.related_model._default_manager.filter(pk=value).exists()
        ):
            raise ValidationError(
                _("What it belonged to (%(parent)s) is deleted too: restore that first.")
                % {"parent": field.related_model._meta.verbose_name}
            )
    obj.full_clean()
    record_actor(obj, actor)
    obj._change_reason = RESTORED
    obj.save(force_insert=True)
    # A restored row keeps when it was first entered: the insert set "auto_now_add" fields to now.
    entered = {
        f.attname: getattr(before, f.attname)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now_add", False)
    }
    if entered:
        model._base_manager.filter(pk=obj.pk).update(**entered)
    _restore_links(obj, before)
    return obj


def _restore_links(obj: models.Model, before: Any) -> None:
    """The many-to-many links ``before`` recorded, set again (to those still there) without another record; the
    restore's record is given them, as a save's record holds the links it saved with."""
    from simple_history import utils

    fields = getattr(before, "_history_m2m_fields", ())
    if not fields:
        return
    restore_record = obj.history.order_by("-history_date", "-history_id").first()  # type: ignore[attr-defined]
    for m2m_field in fields:
        source, target = utils.get_m2m_field_name(m2m_field), utils.get_m2m_reverse_field_name(m2m_field)
        ids = [getattr(row, f"{target}_id") for row in getattr(before, m2m_field.name).all()]
        others = list(m2m_field.related_model._default_manager.filter(pk__in=ids))
        obj.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            getattr(obj, m2m_field.name).set(others)
        finally:
            del obj.skip_history_when_saving  # type: ignore[attr-defined]
        through = getattr(obj, m2m_field.name).through
        history_model = getattr(restore_record, m2m_field.name).model
        history_model.objects.bulk_create(
            [
                history_model(
                    history=restore_record, **{f.name: getattr(row, f.name) for f in through._meta.fields}
                )
                for row in through.objects.filter(**{source: obj})
            ]
        )


def _restore_cascade(record: Any, actor: Any) -> None:
    """Restore the rows deleted together with ``record``'s object, each before its own children."""
    for child_record in deleted_with(record):
        _restore_row(child_record, actor)
        _restore_cascade(child_record, actor)


def deleted_with(record: Any) -> list[Any]:
    """The deletion records of the rows deleted in the same delete as ``record``'s object and directly under it
    (its cascade): pointing to it, deleted by the same person within moments of it, and not back since."""
    import datetime

    from django.db.models import Q

    from helhedsplan.core.models import cascading_relations

    window = datetime.timedelta(seconds=CASCADE_WINDOW_SECONDS)
    found = []
    for relation in cascading_relations(record.instance_type):
        history = getattr(relation.related_model, "history", None)
        if history is None:
            continue
        # Rows a delete takes along are recorded with the person of the request (simple_history's middleware),
        # or with nobody when the delete ran outside a request.
        same_person = Q(history_user_id=record.history_user_id) | Q(history_user__isnull=True)
        candidates = history.filter(
            same_person,
            **{relation.field.name: _pk_of(record)},
            history_type="-",
            history_date__gte=record.history_date - window,
            history_date__lte=record.history_date + window,
        ).order_by("history_date", "history_id")
        latest = {_pk_of(child): child for child in candidates}
        existing = set(
            relation.related_model._default_manager.filter(pk__in=latest).values_list("pk", flat=True)
        )
        found += [child for pk, child in latest.items() if pk not in existing]
    return found


def file_delete_after_commit(storage: Any, name: str) -> None:
    """Delete the stored file ``name`` once the current transaction commits — only once the row no longer points
    at it: a rolled-back save or delete must still find its file. An empty name (no file) does nothing."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))
