from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "helhedsplan.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        # Register the app's facts with the lower registry of sources (documents.facts).
        from . import facts  # noqa: F401
