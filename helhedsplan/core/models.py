"""Abstract model pieces that know nothing of plans: the example flag, and the bounds of every input.

The base of everything that lives inside a plan (``PlanContent``) is in ``helhedsplan.plans.models``, next to
the plan and the memberships it is scoped by.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.validators import validate_date_in_bounds, validate_no_control_characters


class ExampleFlag(models.Model):
    """Marks data that the seed document does not state: shown as 'eksempel' wherever it appears."""

    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Made-up demo data that is not stated in the plan's documents."),
    )

    class Meta:
        abstract = True


class CleanInput:
    """Mixed into a model (before ``models.Model``): every CharField and TextField refuses control characters
    (tabs and line breaks aside), every DateField and DateTimeField a year before 1900 or after 2100, each with
    a Danish message at the field, in ``full_clean()`` — so forms, the admin, services and the plan-file
    importer all refuse them. One rule for every such field, without restating it on each.

    The dates' bounds are also the database's (``core.constraints.dates_in_bounds`` in each model's
    constraints). They are checked here, with the fields, so that the model's ``clean()`` — comparing a date
    with the plan's period, say — and its constraints never see a date that no database can store.
    """

    def clean_fields(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)  # type: ignore[misc]
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:  # type: ignore[attr-defined]
            if isinstance(field, models.CharField | models.TextField):
                validate = validate_no_control_characters
            elif isinstance(field, models.DateField):  # a DateTimeField too
                validate = validate_date_in_bounds
            else:
                continue
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            try:
                validate(getattr(self, field.attname))
            except ValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
