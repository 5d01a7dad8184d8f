"""Abstract model pieces that know nothing of plans: the example flag, and which rows a delete takes along.

The base of everything that lives inside a plan (``PlanContent``) is in ``helhedsplan.plans.models``, next to
the plan and the memberships it is scoped by.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExampleFlag(models.Model):
    """Marks data that the seed document does not state: shown as 'eksempel' wherever it appears."""

    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Made-up demo data that is not stated in the plan's documents."),
    )

    class Meta:
        abstract = True


def cascading_relations(model: type[models.Model]) -> list:
    """The relations whose rows are deleted with an object of ``model``: foreign keys to it with on_delete
    CASCADE (a goal's indicators, an indicator's measurements). The hidden tables of many-to-many fields (an
    activity's goals) are left out: a link is not a row anyone reads as "deleted with it"."""
    return [
        relation
        for relation in model._meta.related_objects
        if (relation.one_to_many or relation.one_to_one)
        and relation.on_delete is models.CASCADE
        # A relation's model is a class once the app registry is ready, never "self".
        and not relation.related_model._meta.auto_created  # type: ignore[union-attr]
    ]
