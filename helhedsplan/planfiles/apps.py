from django.apps import AppConfig


class PlanFilesConfig(AppConfig):
    """Plan files: a whole plan as one YAML file, imported and exported; the demo plan and its logins."""

    name = "helhedsplan.planfiles"
    verbose_name = "Plan files"
