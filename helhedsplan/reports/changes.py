"""What changed in the plan in a time: since a report was submitted (its page), or in the year a yearly report
covers (the report itself). Each object the report reads that was created, changed or deleted in that time, with its fields as they were then and are now (``core.history.changes_of``, as
the history pages show them). A reader without ``plan.view_contact_details`` gets no personal field
(``core.personal``) and no change of a model that is personal through and through (the contacts).

Reads each model's history by plan and date (the ``history_plan``/``history_date`` index): one query per model,
whatever the history's length — and, where a link to another object changed, one for the objects it names, per
related model (``core.history.changes_of``); a hidden personal link is not looked up.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model, Subquery
from django.utils.translation import gettext as _

from helhedsplan.agreements.models import Narrative, StrategicAgreement, StrategicGoal, SubAgreement
from helhedsplan.approvals.models import ApprovalStep, EstateDecision
from helhedsplan.budget.models import ActualSpend, BudgetAmount, BudgetLine, Funding, FundingSource
from helhedsplan.core.history import FieldChange, changes_of
from helhedsplan.core.personal import personal_fields
from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement, Milestone
from helhedsplan.plans.models import Estate, Plan
from helhedsplan.preparedness.models import Incident

#: The models a report reads (what it shows of the emergency plan is counted from its incidents).
REPORTED = (
    StrategicAgreement,
    StrategicGoal,
    SubAgreement,
    Goal,
    Indicator,
    Measurement,
    Activity,
    Milestone,
    Narrative,
    BudgetLine,
    BudgetAmount,
    ActualSpend,
    FundingSource,
    Funding,
    Estate,
    EstateDecision,
    ApprovalStep,
    Incident,
)

#: Fields of a record that name the object in the list, the first one it has.
NAMING_FIELDS = ("name", "title", "scenario", "description", "text", "focus_area", "year", "date")


@dataclass(frozen=True)
class ChangeSince:
    model_label: str
    label: str
    kind: str  # "+" created, "~" changed, "-" deleted since the submission
    when: datetime.datetime
    #: Who made the change; None for a reader who may not see personal data.
    user: object
    changes: tuple[FieldChange, ...]

    @property
    def kind_label(self) -> str:
        return {"+": _("created"), "~": _("changed"), "-": _("deleted")}[self.kind]


def _label(model, record, hidden: frozenset[str]) -> str:
    for name in NAMING_FIELDS:
        if name in hidden or not hasattr(record, name):
            continue
        value = getattr(record, name)
        if name == "focus_area" and hasattr(record, "get_focus_area_display"):
            return str(record.get_focus_area_display())
        if value not in (None, ""):
            return str(value)[:80]
    return f"{model._meta.verbose_name} {record.id}"


#: A moment after every change: the end of a time asked without one.
_END_OF_TIME = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def models_changed(
    plan: Plan, since: datetime.datetime, until: datetime.datetime | None = None
) -> frozenset[type[Model]]:
    """Those of ``REPORTED`` with a change to the plan after ``since`` (and before ``until``): one query, an EXISTS
    per historical table through its (plan, date) index, so that ``changes_since`` reads the history only of the
    models that changed — most of the 18 do not in a year (the strategic agreement, the estates, the funding)."""
    adapt = connection.ops.adapt_datetimefield_value
    parameters = [plan.pk, adapt(since), adapt(until or _END_OF_TIME)] * len(REPORTED)
    with connection.cursor() as cursor:
        cursor.execute(_models_changed_sql(), parameters)
        return frozenset(REPORTED[index] for (index,) in cursor.fetchall())


@functools.cache
def _models_changed_sql() -> str:
    """The SQL of ``models_changed``, made once per process (simple_history builds a manager class on every
    ``history`` access, and the ORM took longer to compile a union of 18 tables than the database to answer it)."""
    quote = connection.ops.quote_name
    return " UNION ALL ".join(
        # Each reported model declares its own ``history`` (simple_history's manager); PlanContent does not.
        f"SELECT {index} WHERE EXISTS (SELECT 1 FROM "  # noqa: S608 (names from the models)
        f"{quote(model.history.model._meta.db_table)} "  # type: ignore[attr-defined]
        "WHERE history_plan_id = %s AND history_date > %s AND history_date < %s)"
        for index, model in enumerate(REPORTED)
    )


def changes_since(
    plan: Plan, since: datetime.datetime, *, personal: bool, until: datetime.datetime | None = None
) -> list[ChangeSince]:
    """Every object of ``REPORTED`` changed after ``since`` (and before ``until``, if given), newest change first,
    each with its fields as they were at ``since`` and at its last change in the time (see the module's
    docstring)."""
    found: list[ChangeSince] = []
    changed_models = models_changed(plan, since, until)
    for model in REPORTED:
        if model not in changed_models:
            continue
        history = model.history
        in_time = history.filter(history_plan=plan)
        if until is not None:
            in_time = in_time.filter(history_date__lt=until)
        changed = in_time.filter(history_date__gt=since).values("id")
        records = list(
            in_time.filter(id__in=Subquery(changed))
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        hidden = frozenset() if personal else personal_fields(model)
        by_object: dict[int, list] = {}
        for record in records:
            by_object.setdefault(record.id, []).append(record)
        pairs = []
        for object_records in by_object.values():
            before = [r for r in object_records if r.history_date <= since and r.history_type != "-"]
            then = before[-1] if before else None
            now = object_records[-1]
            pairs.append((then, now))
        for (then, now), field_changes in zip(pairs, changes_of(model, pairs, hidden=hidden), strict=True):
            kind = "-" if now.history_type == "-" else ("+" if then is None else "~")
            kept = tuple(field_changes)
            if kind == "~" and not kept:
                continue
            found.append(
                ChangeSince(
                    model_label=str(model._meta.verbose_name),
                    label=_label(model, now if now.history_type != "-" else (then or now), hidden),
                    kind=kind,
                    when=now.history_date,
                    user=now.history_user if personal else None,
                    changes=kept if kind == "~" else (),
                )
            )
    found.sort(key=lambda change: change.when, reverse=True)
    return found
