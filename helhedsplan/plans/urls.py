from django.urls import path

from helhedsplan.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
]
