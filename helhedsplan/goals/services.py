"""Writes to the goal tree: goals, indicators (and the key figures of strategic goals), measurements, activities
and their milestones.

Each function is keyword-only, takes its parent or object, the model fields as ``data`` and the ``actor``
(a user, or None for a command), and runs in one transaction through ``core.services``: validated by the model
(its constraints say what is wrong, next to the field), the lock counter checked on updates, the actor recorded
in the history. The views write through these; the admin and the plan-file importer through the same
``core.services`` functions these are built on.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from helhedsplan.core.services import Data, object_create, object_delete, object_update

from .models import Activity, Goal, Indicator, Measurement, Milestone

# --- Goals ----------------------------------------------------------------------------------------------------


def goal_create(*, sub_agreement: models.Model, data: Data, actor: Any) -> Goal:
    """A new goal in ``sub_agreement`` (a delaftale)."""
    # The goals app lies below agreements and cannot name SubAgreement, the type the foreign key asks for.
    goal = Goal(sub_agreement=sub_agreement)  # type: ignore[misc]
    return object_create(goal, data=data, actor=actor)


def goal_update(*, goal: Goal, data: Data, expected_lock_version: int | None, actor: Any) -> Goal:
    return object_update(goal, data=data, expected_lock_version=expected_lock_version, actor=actor)


def goal_delete(*, goal: Goal, actor: Any) -> None:
    """Delete the goal with its indicators and their measurements."""
    object_delete(goal, actor=actor)


# --- Indicators and key figures -------------------------------------------------------------------------------


def indicator_create(*, goal: Goal, data: Data, actor: Any) -> Indicator:
    """A new indicator of ``goal``, in the goal's plan."""
    indicator = Indicator(goal=goal, plan_id=goal.sub_agreement.plan_id)
    return object_create(indicator, data=data, actor=actor)


def key_figure_create(*, strategic_goal: models.Model, data: Data, actor: Any) -> Indicator:
    """A new key figure of the area (an indicator) under ``strategic_goal``, in its plan."""
    # As above, StrategicGoal cannot be named here: ``models.Model`` has neither its type nor its ``plan_id``.
    indicator = Indicator(strategic_goal=strategic_goal, plan_id=strategic_goal.plan_id)  # type: ignore[attr-defined, misc]
    return object_create(indicator, data=data, actor=actor)


def indicator_update(
    *, indicator: Indicator, data: Data, expected_lock_version: int | None, actor: Any
) -> Indicator:
    return object_update(indicator, data=data, expected_lock_version=expected_lock_version, actor=actor)


def indicator_delete(*, indicator: Indicator, actor: Any) -> None:
    """Delete the indicator (or key figure) with its measurements."""
    object_delete(indicator, actor=actor)


# --- Measurements ---------------------------------------------------------------------------------------------


def measurement_create(*, indicator: Indicator, data: Data, actor: Any) -> Measurement:
    """Record a measurement of ``indicator``; ``actor`` is kept as the one who entered it."""
    entered_by = actor if getattr(actor, "is_authenticated", False) else None
    return object_create(Measurement(indicator=indicator, entered_by=entered_by), data=data, actor=actor)


def measurement_update(
    *, measurement: Measurement, data: Data, expected_lock_version: int | None, actor: Any
) -> Measurement:
    """Correct a measurement; who first entered it stays recorded (the history names who changed it)."""
    return object_update(measurement, data=data, expected_lock_version=expected_lock_version, actor=actor)


def measurement_delete(*, measurement: Measurement, actor: Any) -> None:
    object_delete(measurement, actor=actor)


# --- Activities -----------------------------------------------------------------------------------------------


def activity_create(*, sub_agreement: models.Model, data: Data, actor: Any) -> Activity:
    """A new activity in ``sub_agreement``, with the goals it serves (``data["goals"]``)."""
    activity = Activity(sub_agreement=sub_agreement)  # type: ignore[misc]  # SubAgreement cannot be named here
    return object_create(activity, data=data, actor=actor)


def activity_update(
    *, activity: Activity, data: Data, expected_lock_version: int | None, actor: Any
) -> Activity:
    return object_update(activity, data=data, expected_lock_version=expected_lock_version, actor=actor)


def activity_delete(*, activity: Activity, actor: Any) -> None:
    object_delete(activity, actor=actor)


# --- Milestones -----------------------------------------------------------------------------------------------


def milestone_create(*, activity: Activity, data: Data, actor: Any) -> Milestone:
    """A new milestone of ``activity``."""
    return object_create(Milestone(activity=activity), data=data, actor=actor)


def milestone_update(
    *, milestone: Milestone, data: Data, expected_lock_version: int | None, actor: Any
) -> Milestone:
    """Change a milestone, e.g. record the day it was reached."""
    return object_update(milestone, data=data, expected_lock_version=expected_lock_version, actor=actor)


def milestone_delete(*, milestone: Milestone, actor: Any) -> None:
    object_delete(milestone, actor=actor)
