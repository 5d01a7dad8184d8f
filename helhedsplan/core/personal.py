"""Which fields are personal data: declared once, on the models, and read by everything that lets data leave.

A model names its personal fields in ``PERSONAL_FIELDS`` (a tuple of field names): the emergency plan's contacts
(name, phone, e-mail), the parties' contact persons, who entered a measurement or a log line, and an incident's
free texts (which can name people, often young ones). Every file and answer that can reach someone outside the
plan's own staff — a reviewer, an editor limited to delaftaler, an API client, a stored submission — leaves these
fields out; the pages show them only with ``plan.view_contact_details``. The plan-file exporter
(``planfiles.exporter.without_personal_data``) and the API read this declaration, so a new personal field is
added here, on its model, once.
"""

from __future__ import annotations

from django.db import models

#: The permission that shows personal data on the pages and in the plan's own downloads.
PERSONAL_DATA_PERMISSION = "plan.view_contact_details"


def personal_fields(model: type[models.Model] | models.Model) -> frozenset[str]:
    """The model's personal fields (its ``PERSONAL_FIELDS``); none if it declares none."""
    return frozenset(getattr(model, "PERSONAL_FIELDS", ()))


def is_personal(model: type[models.Model] | models.Model, field: str) -> bool:
    return field in personal_fields(model)
