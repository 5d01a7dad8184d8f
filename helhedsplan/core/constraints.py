"""Database constraints that speak Danish at the field they are about.

A rule that the database can hold is written once, as a constraint on the model, with its message. Django
validates constraints in ``Model.full_clean()`` — so forms, the admin, services and the plan-file importer all
get the same refusal — but it shows a UniqueConstraint over fields with a generic English text and never puts a
constraint's message next to a field. These two add ``error_field`` and always use ``violation_error_message``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


class _SpeaksAtField:
    """Mixin for a constraint: its own message, placed at ``error_field`` (or at the top of a form)."""

    error_field: str | None

    def __init__(self, *args: Any, error_field: str | None = None, **kwargs: Any) -> None:
        self.error_field = error_field
        super().__init__(*args, **kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)  # type: ignore[misc]
        except ValidationError as error:
            message = ValidationError(
                self.get_violation_error_message(),  # type: ignore[attr-defined]
                code=self.violation_error_code or getattr(error, "code", None),  # type: ignore[attr-defined]
            )
            if self.error_field and not (exclude and self.error_field in exclude):
                raise ValidationError({self.error_field: message}) from error
            raise message from error

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        if self.error_field:
            kwargs["error_field"] = self.error_field
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.error_field == getattr(other, "error_field", None)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))  # type: ignore[attr-defined]


class CheckConstraint(_SpeaksAtField, models.CheckConstraint):
    """``models.CheckConstraint`` whose ``violation_error_message`` lands at ``error_field``."""


class UniqueConstraint(_SpeaksAtField, models.UniqueConstraint):
    """``models.UniqueConstraint`` that says its own ``violation_error_message`` (at ``error_field``)."""
