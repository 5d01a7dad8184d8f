"""Plan versions' background work (django-tasks, as ``reports.tasks``): keeping each plan's agreement fingerprint
(``models.AgreementFingerprint``) up to date after a change to the agreement, so "Kræver opmærksomhed" never
builds a snapshot while a page or the daily digest waits.

Every row of the agreement is a model of ``snapshot.SECTIONS`` with a change log; each change writes a
historical record that already carries its plan (``plans.models.PlanHistory.history_plan``). Such a record
schedules the plan's refresh for after the commit, once per plan and transaction however many rows changed (a
plan-file import writes thousands), and a rolled-back change schedules nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task
from simple_history.signals import post_create_historical_record


@task()
def refresh_agreement_fingerprint(plan_id: int) -> str:
    """Recompute one plan's fingerprint (``services.agreement_fingerprint_refresh``); a plan deleted meanwhile has
    none to keep."""
    from helhedsplan.plans.models import Plan

    from .services import agreement_fingerprint_refresh

    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return "gone"
    agreement_fingerprint_refresh(plan=plan)
    return "refreshed"


class _Refresh:
    """The after-commit callback of one transaction: the plans whose agreement changed in it."""

    def __init__(self) -> None:
        self.plan_ids: set[int] = set()

    def __call__(self) -> None:
        for plan_id in sorted(self.plan_ids):
            refresh_agreement_fingerprint.enqueue(plan_id)


def agreement_changed(plan_id: int) -> None:
    """Refresh the plan's fingerprint once the surrounding transaction commits (at once outside one)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        refresh_agreement_fingerprint.enqueue(plan_id)
        return
    # One callback per transaction: found among those waiting (a rolled-back savepoint drops its own, and a
    # later change then adds a new one).
    pending = next((f for _ids, f, _robust in connection.run_on_commit if isinstance(f, _Refresh)), None)
    if pending is None:
        pending = _Refresh()
        transaction.on_commit(pending)
    pending.plan_ids.add(plan_id)


def _on_history_record(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    from .snapshot import AGREEMENT_MODELS

    if type(instance) in AGREEMENT_MODELS:
        plan_id = getattr(history_instance, "history_plan_id", None)
        if plan_id is not None:
            agreement_changed(plan_id)


def connect() -> None:
    post_create_historical_record.connect(_on_history_record, dispatch_uid="versions.agreement_changed")
