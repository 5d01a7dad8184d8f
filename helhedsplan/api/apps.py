from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "helhedsplan.api"
    verbose_name = "API"
