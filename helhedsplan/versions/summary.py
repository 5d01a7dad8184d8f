"""Pure reckonings over snapshots and changes: which sections changed, which need Landsbyggefonden."""

from __future__ import annotations

from collections.abc import Iterable

from helhedsplan.plans.models import Plan

from .diff import Change
from .snapshot import SECTIONS


def label_fields() -> dict[str, str]:
    """Each part's naming field, as ``diff`` takes it."""
    return {part.key: part.label_field for section in SECTIONS for part in section.parts}


def changed_sections(changes: Iterable[Change]) -> set[str]:
    return {change.section for change in changes}


def sections_needing_lbf(plan: Plan) -> frozenset[str]:
    """The sections whose changes Landsbyggefonden approves, from the plan's funding period's template (none
    for a plan without a period)."""
    period = plan.funding_period
    return period.changes_needing_lbf if period is not None else frozenset()
