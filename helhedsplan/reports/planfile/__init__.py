"""Plan files: a whole helhedsplan as one human-editable YAML file (format: docs/plan-format.md).

``import_plan(path or data)`` checks the whole file and then creates the plan in one transaction, or raises
``PlanFileError`` naming every problem and its place; ``export_plan(plan)`` writes the plan back, always in
the same bytes for the same plan.
"""

from .exporter import export_plan, plan_data
from .importer import delete_plan, import_plan, parse, read
from .schema import FORMAT_VERSION, PlanFileError, validate

__all__ = [
    "FORMAT_VERSION",
    "PlanFileError",
    "delete_plan",
    "export_plan",
    "import_plan",
    "parse",
    "plan_data",
    "read",
    "validate",
]
