"""What a submission stores of the report besides its files: the report's data as of submitting, as JSON.

``report_snapshot(data)`` serialises the selector's output (``reports.report.StatusReport``) — every dataclass
as an object of its fields, every row of the plan as its model, key and fields (the personal ones left out,
``core.personal``), numbers as text so no digit is lost — together with the report's page as it read then
(``html``: the same body the PDF is printed from). The page of a submitted report shows that stored page, not
the plan's data of today; what changed since is listed apart (``reports.changes``).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from decimal import Decimal
from typing import Any

from django.db import models
from django.template.loader import render_to_string
from django.utils.functional import Promise

from helhedsplan.core.personal import personal_fields

from .report import StatusReport

#: The version of the stored data's shape.
SNAPSHOT_VERSION = 1


def to_json(value: Any, *, depth: int = 0) -> Any:
    """``value`` as plain JSON data (see the module's docstring)."""
    if depth > 12:
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_json(value.value, depth=depth + 1)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, models.Model):
        return _row(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_json(getattr(value, f.name), depth=depth + 1)
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, dict):
        return [[to_json(k, depth=depth + 1), to_json(v, depth=depth + 1)] for k, v in value.items()]
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(item, depth=depth + 1) for item in value]
    return str(value)


def _row(obj: models.Model) -> dict[str, Any]:
    """A row of the plan: its model, key, text and own fields (relations as keys; no personal field)."""
    hidden = personal_fields(obj)
    fields = {
        f.attname: to_json(getattr(obj, f.attname), depth=1)
        for f in obj._meta.concrete_fields
        if f.name not in hidden and f.name not in ("lock_version", "submitted_by", "answered_by")
    }
    return {"model": obj._meta.label_lower, "pk": obj.pk, "text": str(obj), "fields": fields}


def report_page_html(data: StatusReport) -> str:
    """The report's body as the web page shows it (the PDF's text, with the page's charts)."""
    return render_to_string("reports/includes/report_body.html", {"data": data, "for_pdf": False})


def report_snapshot(data: StatusReport) -> dict[str, Any]:
    """What a submission stores: the selector's output and the page it made (see the module's docstring)."""
    return {
        "version": SNAPSHOT_VERSION,
        "data": to_json(dataclasses.replace(data, submission=None)),
        "html": report_page_html(data),
    }
