"""What a frozen record is: a row that, once stored, never changes in the fields its model names, and is never
deleted — by ``save()``, the queryset's ``update()`` or ``delete()``, or ``Model.delete()``.

One machinery for every such record (a submitted report and its comments, a plan version and its sign-offs):

- ``Frozen``, mixed into the model (before ``models.Model``): ``FROZEN`` (the fields that never change),
  ``MOVES_BY_SAVE`` (fields that change only through the model's own ``save()``, which checks how they move — a
  version's status), ``FROZEN_MESSAGE`` and ``DELETE_MESSAGE``; ``stored_values()`` reads the stored row and
  ``frozen_changes()`` names the frozen fields a save would change; ``delete()`` is refused.
- ``FrozenQuerySet``: ``delete()`` refused; ``update()`` refused for a frozen field or one that moves only by
  ``save()``.

A value is compared as a value: a JSON field's (a dict or a list) as such — PostgreSQL's jsonb keeps its keys in
an order of its own, so the same value reads back in another order — and anything else as its text, so a
file field's name and the string it was set from compare equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

FROZEN_RECORD = _("A stored record never changes.")
FROZEN_RECORD_DELETE = _("A stored record cannot be deleted.")


def columns(names: Iterable[str]) -> set[str]:
    """Field names as ``update()`` may name them: a foreign key by its field or its column (``answered_by``,
    ``answered_by_id``)."""
    names = set(names)
    return names | {name.removesuffix("_id") for name in names}


def differs(stored: object, value: object) -> bool:
    """Whether a frozen field's value differs from the one stored (see the module's docstring)."""
    if isinstance(stored, dict | list) or isinstance(value, dict | list):
        return stored != value
    return str(stored or "") != str(value or "")


class Frozen:
    """Mixed into a frozen model (see the module's docstring)."""

    FROZEN: ClassVar[tuple[str, ...]] = ()
    MOVES_BY_SAVE: ClassVar[tuple[str, ...]] = ()
    FROZEN_MESSAGE: ClassVar[Any] = FROZEN_RECORD
    DELETE_MESSAGE: ClassVar[Any] = FROZEN_RECORD_DELETE

    def stored_values(self, *also: str) -> dict[str, Any] | None:
        """The stored row's frozen fields (and ``also``), or None when the row is not stored (yet)."""
        if self.pk is None:  # type: ignore[attr-defined]
            return None
        manager = type(self)._base_manager  # type: ignore[attr-defined]
        return manager.filter(pk=self.pk).values(*self.FROZEN, *also).first()  # type: ignore[attr-defined]

    def frozen_changes(self, stored: dict[str, Any], names: Iterable[str] | None = None) -> list[str]:
        """The fields of ``names`` (the frozen ones by default) whose value here differs from the stored row's."""
        return [
            name
            for name in (self.FROZEN if names is None else names)
            if differs(stored[name], getattr(self, name))
        ]

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(self.DELETE_MESSAGE)


class FrozenQuerySet(models.QuerySet):
    """The queryset of a frozen model: ``delete()`` refused; ``update()`` refused for a frozen field and for one
    that moves only through the model's ``save()``."""

    def delete(self) -> Any:
        raise ValidationError(self.model.DELETE_MESSAGE)

    def update(self, **kwargs: Any) -> int:
        model: Any = self.model
        if set(kwargs) & (columns(model.FROZEN) | columns(model.MOVES_BY_SAVE)):
            raise ValidationError(model.FROZEN_MESSAGE)
        return super().update(**kwargs)
