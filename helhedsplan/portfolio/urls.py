from django.urls import path

from helhedsplan.portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("", views.PortfolioView.as_view(), name="list"),
    path("hent.xlsx", views.PortfolioDownloadView.as_view(), name="download"),
]
