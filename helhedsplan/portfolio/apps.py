from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    """The portfolio: every plan a user may see, one row each (``/portefolje/``)."""

    name = "helhedsplan.portfolio"
    verbose_name = "Portfolio"
