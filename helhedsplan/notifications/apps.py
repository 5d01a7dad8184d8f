from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """E-mail to a plan's people: a notification when something happens (a report submitted, answered or
    commented, an acute incident opened) and a daily digest of what is due (``manage.py send_reminders``)."""

    name = "helhedsplan.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from helhedsplan.notifications import events

        events.connect()
