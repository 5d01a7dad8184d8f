from django.urls import path

from helhedsplan.plans.exporters import ExportView
from helhedsplan.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.PortfolioView.as_view(), name="list"),
    path("hent.xlsx", ExportView.as_view(exporter="portfolio", format="xlsx"), name="download"),
]
