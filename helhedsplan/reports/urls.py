from django.urls import path

from helhedsplan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("aendringer/", views.ChangeLogView.as_view(), name="change_log"),
]
