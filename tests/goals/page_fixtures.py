"""What the goals pages' tests share: a valid indicator form, a field-by-field snapshot of the goals app, and a
form page's errors. (The plan and its people are the test world's: tests/conftest.py, tests/world.py.)"""

from __future__ import annotations

from django.db.models import Model

from helhedsplan.goals.models import Activity, Goal, Indicator, Measurement

GOALS_MODELS: tuple[type[Model], ...] = (Goal, Indicator, Measurement, Activity)


#: A valid indicator as its form is filled in (Danish numbers).
INDICATOR_DATA = {
    "name": "Børn i lektiecafé",
    "unit": "personer",
    "direction": "higher",
    "baseline_value": "1.200,5",
    "baseline_date": "2022-01-01",
    "target_value": "1.500",
    "target_date": "2025-12-31",
    "data_source": "Lektiecaféernes optælling",
    "measurement_interval_months": "6",
}


def snapshot() -> dict:
    """Every row of the goals app, field by field (with the goals of each activity): equal before and after
    means nothing was written."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in GOALS_MODELS}
    state["activity_goals"] = list(Activity.goals.through.objects.order_by("pk").values())
    return state


def errors_of(response) -> dict:
    """The form's errors by field, from a re-rendered form page."""
    form = response.context["form"]
    return {field: list(messages) for field, messages in form.errors.items()}
