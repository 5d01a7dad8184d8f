"""The spreadsheet import's writes: store a dry run as a preview, and apply a preview.

Applying runs in one transaction through the goals' and the budget's own services (``measurement_create``,
``measurement_update``, ``actual_spend_update``): each value is validated by its model again, the lock counters
are compared, and the history records name the import and its file (``core.history.change_reason``). Before
anything is written, every row the preview would write is compared with what it saw: a row someone changed
since, a measurement someone made meanwhile on the same date, or rights that changed make the preview stale, and
nothing is saved. So is an expired preview, and one already saved.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhedsplan.budget.models import BudgetLine
from helhedsplan.budget.services import actual_spend_update
from helhedsplan.core.history import change_reason
from helhedsplan.core.services import EditConflict
from helhedsplan.goals.models import Indicator, Measurement
from helhedsplan.goals.services import measurement_create, measurement_update
from helhedsplan.plans.models import Estate, Plan

from . import selectors
from .columns import ACTUAL_SPEND, EXTRACT, MEASUREMENTS
from .dryrun import CHANGED, NEW, UNCHANGED, dry_run
from .models import ImportPreview
from .reading import read_file


class PreviewNotApplicable(Exception):
    """The preview cannot be saved (expired, stale, already saved); the message says why, in Danish."""


@dataclass(frozen=True)
class Applied:
    created: int
    changed: int


def import_preview_create(*, plan: Plan, file_name: str, content: bytes, actor: Any) -> ImportPreview:
    """Read the file (``reading.UnreadableFile`` for one refused whole), dry-run it and store the outcome."""
    sheets = read_file(file_name, content)
    rows = dry_run(plan=plan, user=actor, sheets=sheets)
    return ImportPreview.objects.create(
        plan=plan,
        created_by=actor,
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=rows,
    )


def _writes(preview: ImportPreview, *kinds: str) -> list[dict]:
    return [
        row for row in preview.rows if row["kind"] in kinds and row["outcome"] in (NEW, CHANGED, UNCHANGED)
    ]


def _stale() -> PreviewNotApplicable:
    return PreviewNotApplicable(
        _(
            "Nothing was saved: someone changed some of these rows after the file was checked. Upload the file "
            "again to see the plan as it is now."
        )
    )


@transaction.atomic
def import_preview_apply(*, preview: ImportPreview, actor: Any) -> Applied:
    """Save what ``preview`` would save, all or nothing (see the module docstring)."""
    preview = ImportPreview.objects.select_for_update().select_related("plan").get(pk=preview.pk)
    if preview.applied_at is not None:
        raise PreviewNotApplicable(_("This file was saved already; nothing more was saved."))
    if preview.has_expired():
        raise PreviewNotApplicable(
            _("The check of this file has expired; nothing was saved. Upload the file again.")
        )
    plan = preview.plan
    # The template's figures and an extract's are both measurements (an extract's of estates, mostly).
    measurements = _writes(preview, MEASUREMENTS, EXTRACT)
    spend = _writes(preview, ACTUAL_SPEND)
    created = changed = 0
    reason = _("Spreadsheet import: %(file)s") % {"file": preview.file_name}
    with change_reason(reason):
        if measurements:
            created, changed = _apply_measurements(plan, measurements, actor)
        if spend:
            changed += _apply_spend(plan, spend, actor)
    preview.applied_at = timezone.now()
    preview.save(update_fields=["applied_at"])
    return Applied(created=created, changed=changed)


def _apply_measurements(plan: Plan, rows: list[dict], actor: Any) -> tuple[int, int]:
    ids = {row["target"] for row in rows}
    measurable = {
        indicator.pk: indicator
        for indicator in Indicator.objects.for_user(actor, selectors.EDIT_GOALS)
        .in_plan(plan)
        .filter(pk__in=ids)
        .select_related("plan")
    }
    existing = {
        (m.indicator_id, m.date.isoformat(), m.estate_id): m
        for m in Measurement.objects.filter(
            indicator_id__in=ids,
            date__in={row["date"] for row in rows},
            level__in=[Measurement.Level.PLAN, Measurement.Level.ESTATE],
        ).select_related("indicator__plan")
    }
    # The estates the rows name, still the plan's (1 query).
    estates = {
        estate.pk: estate
        for estate in Estate.objects.filter(plan=plan, pk__in={row.get("estate") for row in rows} - {None})
    }
    for row in rows:
        current = existing.get((row["target"], row["date"], row.get("estate")))
        if row.get("estate") is not None and row["estate"] not in estates:
            raise _stale()
        seen = None if current is None else current.lock_version
        if row["target"] not in measurable or seen != row["seen"]:
            raise _stale()
    created = changed = 0
    try:
        for row in rows:
            if row["outcome"] == UNCHANGED:
                continue
            value = None if row["value"] is None else Decimal(row["value"])
            estate = estates.get(row.get("estate"))
            data = {
                "date": row["date"],
                "level": Measurement.Level.PLAN if estate is None else Measurement.Level.ESTATE,
                "estate": estate,
                "value": value,
                "suppressed": row.get("suppressed", False),
                "note": row["note"],
            }
            if row["outcome"] == NEW:
                measurement_create(indicator=measurable[row["target"]], data=data, actor=actor)
                created += 1
            else:
                measurement = existing[(row["target"], row["date"], row.get("estate"))]
                measurement_update(
                    measurement=measurement, data=data, expected_lock_version=row["seen"], actor=actor
                )
                changed += 1
    except (EditConflict, ValidationError) as error:
        raise _stale() from error
    return created, changed


def _apply_spend(plan: Plan, rows: list[dict], actor: Any) -> int:
    if not selectors.may_enter_actual_spend(plan, actor):
        raise _stale()
    lines = {
        line.pk: line
        for line in BudgetLine.objects.in_plan(plan)
        .filter(pk__in={row["target"] for row in rows})
        .select_related("plan")
    }
    by_line: dict[int, dict[int, Decimal]] = defaultdict(dict)
    seen: dict[int, int] = {}
    for row in rows:
        line = lines.get(row["target"])
        if line is None or line.lock_version != row["seen"]:
            raise _stale()
        seen[line.pk] = row["seen"]
        if row["outcome"] != UNCHANGED:
            by_line[line.pk][row["year"]] = Decimal(row["value"])
    changed = 0
    try:
        for pk, amounts in by_line.items():
            actual_spend_update(line=lines[pk], amounts=amounts, expected_lock_version=seen[pk], actor=actor)
            changed += len(amounts)
    except (EditConflict, ValidationError) as error:
        raise _stale() from error
    return changed
