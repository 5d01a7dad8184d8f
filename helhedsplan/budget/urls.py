from django.urls import path

from helhedsplan.plans.exporters import ExportView

from . import views

app_name = "budget"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("regneark/", ExportView.as_view(exporter="budget", format="xlsx"), name="export_xlsx"),
    path("linjer/ny/", views.LineCreateView.as_view(), name="line_create"),
    path("linjer/<int:pk>/rediger/", views.LineUpdateView.as_view(), name="line_edit"),
    path("linjer/<int:pk>/forbrug/", views.LineActualsView.as_view(), name="line_actuals"),
    path("linjer/<int:pk>/slet/", views.LineDeleteView.as_view(), name="line_delete"),
    path("linjer/<int:pk>/historik/", views.LineHistoryView.as_view(), name="line_history"),
    path("finansiering/ny/", views.SourceCreateView.as_view(), name="source_create"),
    path("finansiering/<int:pk>/rediger/", views.SourceUpdateView.as_view(), name="source_edit"),
    path("finansiering/<int:pk>/slet/", views.SourceDeleteView.as_view(), name="source_delete"),
    path("finansiering/<int:pk>/historik/", views.SourceHistoryView.as_view(), name="source_history"),
]
