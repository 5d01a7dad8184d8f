"""The API's schemas say what the models declare: a field list is written once, on the model."""

from __future__ import annotations

from helhedsplan.api import schemas
from helhedsplan.goals.models import Indicator


def test_an_indicator_shows_the_models_copyable_fields_with_its_ids_and_where_it_stands():
    ids = {"id", "goal_id", "strategic_goal_id", "catalogue_code"}
    computed = {"progress", "next_measurement_due", "measurement_overdue", "measurements", "baseline_source"}
    assert set(schemas.IndicatorOut.model_fields) == ids | set(Indicator.COPYABLE_FIELDS) | computed
