from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VersionsConfig(AppConfig):
    name = "helhedsplan.versions"
    label = "versions"
    verbose_name = _("Plan versions")

    def ready(self) -> None:
        # A change to the agreement's rows refreshes the plan's fingerprint after the commit.
        from . import tasks

        tasks.connect()
