"""Plan files: a whole helhedsplan as one human-editable YAML file (format: docs/plan-format.md).

``importer.import_plan(path or data)`` checks the whole file and then creates the plan in one transaction, or
raises ``schema.PlanFileError`` naming every problem and its place; ``exporter.export_plan(plan,
personal_data=…)`` writes the plan back, always in the same bytes for the same plan (without the personal fields
of ``core.personal`` unless asked). ``demo`` makes the demo plan and its logins.
"""
