"""Abstract model pieces that know nothing of plans: the example flag.

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
