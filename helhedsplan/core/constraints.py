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
from django.db.models import Q

from helhedsplan.core.validators import (
    DATE_OUT_OF_BOUNDS,
    EARLIEST_DATE,
    EARLIEST_TIME,
    END_OF_TIME,
    LATEST_DATE,
    date_in_bounds,
)


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
        equal = super().__eq__(other)
        # NotImplemented (another kind of constraint) is truthy: left alone it made a unique constraint "equal"
        # to a check on the same field, and makemigrations missed its removal.
        if equal is NotImplemented:
            return False
        return equal and self.error_field == getattr(other, "error_field", None)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))  # type: ignore[attr-defined]


class CheckConstraint(_SpeaksAtField, models.CheckConstraint):
    """``models.CheckConstraint`` whose ``violation_error_message`` lands at ``error_field``."""


class UniqueConstraint(_SpeaksAtField, models.UniqueConstraint):
    """``models.UniqueConstraint`` that says its own ``violation_error_message`` (at ``error_field``)."""


class DateInBounds(CheckConstraint):
    """A date or time field lies between the years 1900 and 2100 (``core.validators``): ``dates_in_bounds``.

    The database holds the rule; validating it asks no query (the bounds are known here), so a form or an
    import refuses an impossible year with its message before any database sees it — and before SQLite's time
    zone conversion could fail on it.
    """

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS) -> None:
        field = self.error_field
        if field is None or (exclude and field in exclude):
            return
        if not date_in_bounds(getattr(instance, model._meta.get_field(field).attname)):
            raise ValidationError(
                {field: ValidationError(self.get_violation_error_message(), code="date_out_of_bounds")}
            )


def dates_in_bounds(*fields: str, times: tuple[str, ...] = ()) -> list[CheckConstraint]:
    """One constraint per date field in ``fields`` and per time (DateTimeField) in ``times``: it lies between
    the years 1900 and 2100. For a model's ``Meta.constraints``: ``[*dates_in_bounds("date", times=("at",))]``.
    Empty (NULL) is left to the field's own ``null``."""
    constraints: list[CheckConstraint] = []
    for field, low, high in [
        *(
            (field, Q(**{f"{field}__gte": EARLIEST_DATE}), Q(**{f"{field}__lte": LATEST_DATE}))
            for field in fields
        ),
        *(
            (field, Q(**{f"{field}__gte": EARLIEST_TIME}), Q(**{f"{field}__lt": END_OF_TIME}))
            for field in times
        ),
    ]:
        constraints.append(
            DateInBounds(
                condition=Q(**{f"{field}__isnull": True}) | (low & high),
                name=f"%(app_label)s_%(class)s_{field}_in_bounds",
                violation_error_message=DATE_OUT_OF_BOUNDS,
                error_field=field,
            )
        )
    return constraints
