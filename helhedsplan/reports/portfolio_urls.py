from django.urls import path

from helhedsplan.reports import portfolio_views

app_name = "portfolio"

urlpatterns = [
    path("", portfolio_views.PortfolioView.as_view(), name="list"),
    path("hent.xlsx", portfolio_views.PortfolioDownloadView.as_view(), name="download"),
]
