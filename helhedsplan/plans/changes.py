"""The plan's change stamp: ``Plan.changed_at`` is raised after every committed write to the plan or its content.

Pages of a plan are cached under it (``plans.views`` and ``core.page_cache``), so it must move whenever anything a
page of the plan shows has changed. It does so from Django's model signals, not from each service, so that every
way of writing counts: the services, the admin, the plan-file importer, a restore from history.

- A model in a plan (one with ``plan_lookup``: ``PlanContent``, the plan itself, a report's submissions and
  comments) raises its own plan's stamp on save, delete and a change of its many-to-many fields.
- A shared row a plan's pages also show (an organisation's name, a funding period and its focus areas, a user's
  name or rights, an organisation-wide grant) raises every plan's stamp. Such writes are rare; a user's login,
  which only records ``last_login``, is not one of them.

The stamp is raised after the transaction commits (once per plan and transaction), by one ``UPDATE`` of its own:
a page read meanwhile sees either the old stamp with data at least as new (harmless: that key is not read again
once the stamp moves) or the new stamp with every row of the write. Raising it inside the transaction would hold
the plan's row lock until commit and serialise every write in the plan behind it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from helhedsplan.plans.models import Organisation, OrganisationGrant, Plan, PlanHistory, plan_id_of

#: Marks the after-commit callback that raises a plan's stamp (``None``: every plan's).
_MARK = "_raises_change_stamp_of"


def plan_changed(plan_id: int | None) -> None:
    """Raise the change stamp of plan ``plan_id`` (``None``: of every plan) once the current transaction commits.

    Within one transaction each plan is raised once: a callback already waiting for it at this savepoint level or
    an outer one (so one a rollback would not discard without discarding this write too) is enough.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for savepoint_ids, callback, *_robust in connection.run_on_commit:
            if getattr(callback, _MARK, False) in (plan_id, None) and set(savepoint_ids) <= current:
                return

    def raise_stamp() -> None:
        plans = Plan.objects.all() if plan_id is None else Plan.objects.filter(pk=plan_id)
        plans.update(changed_at=timezone.now())

    setattr(raise_stamp, _MARK, plan_id)
    transaction.on_commit(raise_stamp)


def _is_plan_model(sender: type[models.Model]) -> bool:
    # A history record carries its plan too, but the write it records already raised the stamp.
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
            return  # a login: no page shows it
        plan_changed(None)


def _relation_changed(sender: type[models.Model], instance: models.Model, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _changed(type(instance), instance)


def connect() -> None:
    """Called once from ``PlansConfig.ready``."""
    post_save.connect(_changed, dispatch_uid="plans.changes.save")
    post_delete.connect(_changed, dispatch_uid="plans.changes.delete")
    m2m_changed.connect(_relation_changed, dispatch_uid="plans.changes.relation")
