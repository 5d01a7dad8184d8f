from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("beslutninger/ny/", views.DecisionCreateView.as_view(), name="decision_create"),
    path("beslutninger/<int:pk>/rediger/", views.DecisionUpdateView.as_view(), name="decision_update"),
    path("beslutninger/<int:pk>/slet/", views.DecisionDeleteView.as_view(), name="decision_delete"),
    path("beslutninger/<int:pk>/referat/", views.MinutesView.as_view(), name="minutes"),
    path("trin/ny/", views.StepCreateView.as_view(), name="step_create"),
    path("trin/<int:pk>/rediger/", views.StepUpdateView.as_view(), name="step_update"),
    path("trin/<int:pk>/slet/", views.StepDeleteView.as_view(), name="step_delete"),
]
