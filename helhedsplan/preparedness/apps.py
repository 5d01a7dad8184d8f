from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparednessConfig(AppConfig):
    name = "helhedsplan.preparedness"
    label = "preparedness"
    verbose_name = _("Emergency plan")
