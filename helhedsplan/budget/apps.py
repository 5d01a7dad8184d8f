from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "helhedsplan.budget"
    label = "budget"
    verbose_name = _("Budget")

    def ready(self) -> None:
        # Register the app's facts with the lower registry of sources (documents.facts).
        from . import facts  # noqa: F401
