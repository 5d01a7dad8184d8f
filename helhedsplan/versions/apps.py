from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VersionsConfig(AppConfig):
    name = "helhedsplan.versions"
    label = "versions"
    verbose_name = _("Plan versions")

    def ready(self) -> None:
        # A change to the agreement's rows refreshes the plan's fingerprint after the commit.
        from helhedsplan.plans.signals import version_approved_by_board

        from . import services, tasks

        tasks.connect()
        # The bestyrelse's decision approving a version (governance) records its sign-off.
        version_approved_by_board.connect(services._on_board_approval, dispatch_uid="versions.board_approval")
