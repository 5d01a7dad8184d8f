from django.urls import path

from helhedsplan.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("aendringer/", views.ChangeLogView.as_view(), name="change_log"),
]
