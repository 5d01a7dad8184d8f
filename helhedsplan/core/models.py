"""Abstract bases every domain model shares.

``PlanContent`` gives each model the same three things: a path to the plan it belongs to (so every lookup can
be scoped to the plans a user is a member of), a version number for optimistic locking (no lost updates), and
the ``is_example`` flag that marks demo data the seed document does not state.
"""

from __future__ import annotations

from typing import ClassVar, Self

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanScopedQuerySet(models.QuerySet):
    def in_plan(self, plan) -> Self:
        """Only the rows that belong to ``plan`` (a Plan or its pk)."""
        return self.filter(**{self.model.plan_lookup: plan})


class PlanContent(models.Model):
    """Something that lives inside one plan."""

    #: The ORM path from this model to its Plan, e.g. ``"goal__sub_agreement__plan"``.
    plan_lookup: ClassVar[str] = "plan"

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by one on every save; an edit based on an older version is refused."),
    )

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    @property
    def owning_plan(self):
        """The Plan this object belongs to, following ``plan_lookup``."""
        obj = self
        for part in self.plan_lookup.split("__"):
            obj = getattr(obj, part)
            if obj is None:
                return None
        return obj


class ExampleFlag(models.Model):
    """Marks data that the seed document does not state: shown as 'eksempel' wherever it appears."""

    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Made-up demo data that is not stated in the plan's documents."),
    )

    class Meta:
        abstract = True
