from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "helhedsplan.goals"
    label = "goals"
    verbose_name = _("Goals and progress")

    def ready(self) -> None:
        # Register the app's facts with the lower registry of sources (documents.facts).
        from . import facts  # noqa: F401
