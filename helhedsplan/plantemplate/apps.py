from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanTemplateConfig(AppConfig):
    name = "helhedsplan.plantemplate"
    label = "plantemplate"
    verbose_name = _("New plans from Landsbyggefonden's template")
