"""The spreadsheet import's pages, under /plan/<slug>/import/."""

from django.urls import path

from helhedsplan.plans.exporters import ExportView

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportView.as_view(), name="upload"),
    path("skabelon/", ExportView.as_view(exporter="import_template", format="xlsx"), name="template"),
    path("<int:pk>/", views.PreviewView.as_view(), name="preview"),
    path("<int:pk>/gem/", views.ApplyView.as_view(), name="apply"),
]
