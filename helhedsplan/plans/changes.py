"""The plan's change counter: ``Plan.change_count`` is raised in the same transaction as every write to the plan
or its content.

What is kept of a plan (its read models, the API's ETags, the portfolio's key) is kept under it, so it must move
whenever anything shown of the plan has changed, and move with the write: a reader sees either the old counter with
the old rows or the new counter with every row of the write, on any server. It moves from Django's model signals,
not from each service, so that every way of writing counts: the services, the admin, the plan-file importer, the
spreadsheet import, a restore from history, deletes (the cascade too) and many-to-many changes.

- A model in a plan (one with ``plan_lookup``: ``PlanContent``, the plan itself, a report's submissions and
  comments) raises its own plan's counter on save, delete and a change of its many-to-many fields.
- A shared row a plan's pages also show (an organisation's name, a funding period and its focus areas, a user's
  name or rights, an organisation-wide grant) raises every plan's counter. Such writes are rare; a user's login,
  which only records ``last_login``, is not one of them.
- A write that sends no signal (``QuerySet.update``, ``bulk_create``, ``bulk_update``, raw SQL) raises nothing by
  itself: ``tests/test_no_silent_writes.py`` refuses one in the code unless it calls ``plan_changed`` itself.

The counter is raised by ``UPDATE … SET change_count = change_count + 1`` (``F()``, as NetBox's counters are), at
the first write to the plan in a transaction and not again in it: the raise is remembered by an after-commit
marker, which Django drops with a savepoint rolled back — and with it the raise, so the next write raises anew.
The ``UPDATE`` holds the plan's row lock until commit, so writes to one plan take turns; a raise of every plan
locks them in pk order (PostgreSQL), so two such raises cannot deadlock each other. Raising at the first write
rather than just before commit costs the same one ``UPDATE`` per plan and transaction (Django has no pre-commit
hook), and a failed raise fails the write itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from helhedsplan.plans.models import Organisation, OrganisationGrant, Plan, PlanHistory, plan_id_of

#: Marks the after-commit no-op that remembers a raise in this transaction (its value: the plan's pk, or
#: ``None`` for every plan's).
_MARK = "_raises_change_count_of"


def written_in_this_transaction(plan_id: int | None) -> bool:
    """Whether this transaction has raised ``plan_id``'s counter (or every plan's) in a part of it that still
    stands. A marker of a rolled-back savepoint is gone from ``run_on_commit``; every savepoint a remaining
    marker is still inside encloses the current write too, so a rollback discarding that raise discards the
    write with it."""
    connection = transaction.get_connection()
    for _savepoint_ids, callback, *_robust in connection.run_on_commit:
        if getattr(callback, _MARK, False) in (plan_id, None):
            return True
    return False


def plan_changed(plan_id: int | None) -> None:
    """Raise the change counter of plan ``plan_id`` (``None``: of every plan) in the current transaction, once.

    For code that writes to a plan without model signals (an allowed ``QuerySet.update``): call it in the same
    transaction as the write."""
    connection = transaction.get_connection()
    in_transaction = connection.in_atomic_block
    if in_transaction and written_in_this_transaction(plan_id):
        return
    with transaction.atomic(savepoint=False):
        if plan_id is None:
            # Lock every plan in pk order first: an UPDATE alone locks rows in the order it finds them.
            locked = list(Plan.objects.order_by("pk").select_for_update().values_list("pk", flat=True))
            Plan.objects.filter(pk__in=locked).update(change_count=F("change_count") + 1)
        else:
            Plan.objects.filter(pk=plan_id).update(change_count=F("change_count") + 1)
    if in_transaction:

        def remembered() -> None:
            """Nothing to do at commit: the marker only says the raise is done."""

        setattr(remembered, _MARK, plan_id)
        transaction.on_commit(remembered)


def plan_change_count(plan_id: int) -> int:
    """The change counter of plan ``plan_id`` as this transaction sees it (one query; 0 for no such plan)."""
    return Plan.objects.filter(pk=plan_id).values_list("change_count", flat=True).first() or 0


def plan_change_counts(plan_ids: Iterable[int]) -> dict[int, int]:
    """The change counters of the plans ``plan_ids`` (one query), by pk; a plan that does not exist is left out."""
    return dict(Plan.objects.filter(pk__in=list(plan_ids)).values_list("pk", "change_count"))


def _is_plan_model(sender: type[models.Model]) -> bool:
    # A history record carries its plan too, but the write it records already raised the counter.
    return hasattr(sender, "plan_lookup") and not issubclass(sender, PlanHistory)


def _shared_models() -> tuple[type[models.Model], ...]:
    from helhedsplan.periods.models import CatalogueIndicator, FocusAreaDefinition, FundingPeriod

    # An indicator's page names its catalogue entry: a superuser's change to the catalogue shows at once.
    return (
        Organisation,
        OrganisationGrant,
        FundingPeriod,
        FocusAreaDefinition,
        CatalogueIndicator,
        get_user_model(),
    )


def _changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if isinstance(instance, Plan):
        plan_changed(instance.pk)
    elif _is_plan_model(sender):
        plan_id = plan_id_of(instance)
        if plan_id is not None:  # None: the way to the plan went with a delete that raised it already
            plan_changed(plan_id)
    elif isinstance(instance, _shared_models()):
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return  # a login: nothing shown of a plan changed
        plan_changed(None)


def _relation_changed(sender: type[models.Model], instance: models.Model, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _changed(type(instance), instance)


def connect() -> None:
    """Called once from ``PlansConfig.ready``."""
    post_save.connect(_changed, dispatch_uid="plans.changes.save")
    post_delete.connect(_changed, dispatch_uid="plans.changes.delete")
    m2m_changed.connect(_relation_changed, dispatch_uid="plans.changes.relation")
