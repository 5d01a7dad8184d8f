from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """A plan's overview: its dashboard, what needs attention and its change log (pages over every app)."""

    name = "helhedsplan.overview"
    verbose_name = "Overview"
