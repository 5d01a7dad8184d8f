"""The change log in people's words: which field changed, from what, to what, by whom and when.

Built on django-simple-history's records. Values are shown as the pages show them: choices by their label,
related objects by name (fetched in bulk, one query per related model), dates and numbers in Danish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.formatting import format_date, format_datetime, format_number

#: Bookkeeping fields no person needs to read about.
HIDDEN_FIELDS = {"lock_version", "id", "entered_at"}

EMPTY = "—"

#: The change reason (simple_history's ``history_change_reason``) of the record a restore writes.
RESTORED = "restored"

#: The reason every history record written meanwhile gives, set by ``change_reason`` (None: none).
_REASON: ContextVar[str | None] = ContextVar("history_change_reason", default=None)


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Every history record written inside this block names ``reason`` (e.g. "Import af regneark: fil.xlsx"),
    however deep in a service the write is: the records of a spreadsheet import name the import and its file.
    A record that names its own reason (a restore) keeps it."""
    token = _REASON.set(reason)
    try:
        yield
    finally:
        _REASON.reset(token)


def name_the_reason(sender, history_instance, **kwargs) -> None:
    """simple_history's ``pre_create_historical_record``: put the block's reason on the record (``CoreConfig``)."""
    reason = _REASON.get()
    if reason and not getattr(history_instance, "history_change_reason", None):
        history_instance.history_change_reason = reason


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    user: object
    kind: str  # "+", "~", "-"
    changes: list[FieldChange] = field(default_factory=list)
    #: A "+" that brought back a deleted object (``core.services.object_restore``).
    restored: bool = False
    #: What the change was part of, when it says (a spreadsheet import and its file); "" otherwise.
    reason: str = ""

    @property
    def kind_label(self) -> str:
        if self.restored:
            return str(_("restored"))
        return str({"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.kind])


def _tracked_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.attname not in HIDDEN_FIELDS
    ]


def _related_model(model_field: models.Field) -> type[models.Model]:
    """The model a relation points to (a class once the app registry is ready, never 'self' or a name)."""
    related = model_field.related_model
    assert isinstance(related, type)
    return related


def _label(model_field: models.Field) -> str:
    text = str(model_field.verbose_name)
    return text[:1].upper() + text[1:]


class _Display:
    """Turns stored values into words; related objects are looked up in bulk before use."""

    def __init__(self, model, records, known: Iterable[models.Model] = ()):
        self.model = model
        self.related: dict[type[models.Model], dict] = defaultdict(dict)
        for obj in known:
            self.related[type(obj)][obj.pk] = obj
        self.load(
            (f, getattr(record, f.attname, None))
            for record in records
            for f in _tracked_fields(model)
            if f.is_relation and f.many_to_one
        )

    def load(self, values: Iterable[tuple[models.Field, object]]) -> None:
        """Look up the related objects these (relation, stored id) pairs name, one query per related model."""
        wanted: dict[type[models.Model], set] = defaultdict(set)
        for f, value in values:
            if value is not None and value not in self.related.get(_related_model(f), {}):
                wanted[_related_model(f)].add(value)
        for rel, ids in wanted.items():
            self.related[rel].update(rel._default_manager.in_bulk(ids))

    def __call__(self, model_field: models.Field, value) -> str:
        if value is None or value == "":
            return EMPTY
        if model_field.is_relation and model_field.many_to_one:
            obj = self.related.get(_related_model(model_field), {}).get(value)
            return str(obj) if obj is not None else str(_("(deleted)"))
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes")) if value else str(_("no"))
        if isinstance(value, datetime):
            return format_datetime(value)  # in the plan's time zone, as pages show a moment
        if isinstance(value, date):
            return format_date(value)
        if isinstance(value, Decimal | int | float):
            return format_number(value)
        if isinstance(model_field, models.FileField):
            return str(_("a file")) if value else EMPTY
        return str(value)


def _diff(model, display: _Display, old, new, hidden: frozenset[str] = frozenset()) -> list[FieldChange]:
    changes = []
    for f in _tracked_fields(model):
        if f.name in hidden:
            continue
        before = getattr(old, f.attname, None) if old is not None else None
        after = getattr(new, f.attname, None) if new is not None else None
        if before != after and not (before in (None, "") and after in (None, "")):
            changes.append(FieldChange(_label(f), display(f, before), display(f, after)))
    return changes


def changes_of(
    model, pairs: list[tuple[object | None, object]], *, hidden: frozenset[str] = frozenset()
) -> list[list[FieldChange]]:
    """What changed in each (previous record or None, record) pair of ``model``'s history, but the ``hidden``
    fields (e.g. the personal ones), which are neither shown nor looked up.

    Only the related objects of relations that changed are looked up (in bulk, one query per related model), so
    the usual change — a value, a text, a date — costs no query at all.
    """
    display = _Display(model, [])
    relations = [
        f for f in _tracked_fields(model) if f.is_relation and f.many_to_one and f.name not in hidden
    ]
    display.load(
        (f, getattr(record, f.attname, None))
        for old, new in pairs
        if old is not None
        for f in relations
        if getattr(old, f.attname, None) != getattr(new, f.attname, None)
        for record in (old, new)
    )
    return [_diff(model, display, old, new, hidden) if old is not None else [] for old, new in pairs]


def entries_for(obj) -> list[Entry]:
    """The object's change log, newest first (one query for records and users, plus one per related model)."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    return entries_from_records(type(obj), records)


def entries_from_records(model, records: list, *, known: Iterable[models.Model] = ()) -> list[Entry]:
    """The change log, newest first, of one object from its history ``records`` (oldest first, users joined).

    Related objects named by the records are looked up in bulk, one query per related model, except those in
    ``known`` (e.g. the parent every record names), which cost nothing.
    """
    display = _Display(model, records, known)
    entries, previous = [], None
    for record in records:
        kind = record.history_type
        changes = _diff(model, display, previous, record) if kind != "-" else []
        reason = getattr(record, "history_change_reason", None) or ""
        restored = reason == RESTORED
        entries.append(
            Entry(
                when=record.history_date,
                user=record.history_user,
                kind=kind,
                changes=changes,
                restored=restored,
                reason="" if restored else reason,
            )
        )
        previous = record
    entries.reverse()
    return entries


@dataclass(frozen=True)
class Conflict:
    """What others changed after the version a user started editing."""

    changes: list[FieldChange]
    users: list
    last_changed: datetime | None


def changes_since(obj, version: int) -> Conflict:
    """The fields that differ between the stored object and the version the user saw, and who changed them."""
    model = type(obj)
    seen = obj.history.filter(lock_version=version).order_by("-history_date").first()
    later = list(
        obj.history.filter(lock_version__gt=version).select_related("history_user").order_by("history_date")
    )
    current = obj.history.order_by("-history_date", "-history_id").first()
    display = _Display(model, [r for r in (seen, current) if r is not None])
    changes = _diff(model, display, seen, current) if seen is not None and current is not None else []
    users = []
    for record in later:
        if record.history_user and record.history_user not in users:
            users.append(record.history_user)
    return Conflict(changes=changes, users=users, last_changed=later[-1].history_date if later else None)


def keep_history_manager_classes() -> None:
    """Make each model's ``history`` manager class once, not on every access.

    simple_history (3.13) answers ``Model.history`` by building a new manager class
    (``HistoryManager.from_queryset(HistoricalQuerySet)``, which walks the queryset's members with ``inspect``)
    each time: about a millisecond, and the change log, the dashboard's recent changes and a yearly report's
    changes in the year ask it of some twenty models per page. The class depends only on the descriptor, so it is
    kept on it; each access still gets its own manager, bound to the model or instance asked of."""
    from simple_history.manager import HistoryDescriptor

    if getattr(HistoryDescriptor, "_keeps_manager_class", False):
        return

    def get(self: Any, instance: Any, owner: Any) -> Any:
        manager_class = self.__dict__.get("_manager_class")
        if manager_class is None:
            manager_class = self._manager_class = self.manager_class.from_queryset(self.queryset_class)
        return manager_class(self.model, instance)

    HistoryDescriptor.__get__ = get
    HistoryDescriptor._keeps_manager_class = True
