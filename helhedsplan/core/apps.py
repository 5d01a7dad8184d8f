from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True  # apps.py holds two configurations; "helhedsplan.core" in INSTALLED_APPS means this one
    name = "helhedsplan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from helhedsplan.core.history import keep_history_manager_classes, name_the_reason

        pre_create_historical_record.connect(name_the_reason, dispatch_uid="core.history.reason")
        keep_history_manager_classes()


class LoginLockoutsConfig(AxesAppConfig):
    """django-axes under a Danish name in the admin (its texts: ``core.login_safety.AXES_TEXTS``)."""

    verbose_name = _("Login lockouts")
