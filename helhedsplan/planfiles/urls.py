from django.urls import path

from helhedsplan.plans.exporters import ExportView

app_name = "planfiles"

urlpatterns = [
    # The plan as it stands today, as a plan file (docs/plan-format.md).
    path("planfil.yaml", ExportView.as_view(exporter="planfile", format="yaml"), name="download"),
]
