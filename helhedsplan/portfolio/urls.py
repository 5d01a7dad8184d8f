from django.urls import path

from helhedsplan.plans.exporters import ExportView
from helhedsplan.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.PortfolioView.as_view(), name="list"),
    path("hent.xlsx", ExportView.as_view(exporter="portfolio", format="xlsx"), name="download"),
    path("indikatorer/", views.CatalogueView.as_view(), name="catalogue"),
    path(
        "indikatorer/<slug:period>/<slug:code>/",
        views.CatalogueIndicatorView.as_view(),
        name="catalogue_indicator",
    ),
]
