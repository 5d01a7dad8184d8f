from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "helhedsplan.plans"
    label = "plans"
    verbose_name = _("Plans and members")

    def ready(self) -> None:
        from helhedsplan.plans import changes, exporters

        changes.connect()
        # Every app's exporters.py registers its downloads (plans.exporters).
        exporters.autodiscover()
