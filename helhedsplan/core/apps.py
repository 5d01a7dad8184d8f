from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "helhedsplan.core"
    label = "core"
    verbose_name = _("Core")


class LoginLockoutsConfig(AxesAppConfig):
    """django-axes under a Danish name in the admin (its texts: ``core.login_safety.AXES_TEXTS``)."""

    verbose_name = _("Login lockouts")
