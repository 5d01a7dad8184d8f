from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "helhedsplan.reports"
    verbose_name = "Reports"
