from django.urls import path

from helhedsplan.plans.exporters import ExportView

from . import views

app_name = "versions"

urlpatterns = [
    path("", views.VersionListView.as_view(), name="list"),
    path("aendringer/", views.ChangesView.as_view(), name="changes"),
    path("banner/", views.BannerView.as_view(), name="banner"),
    path("indsend/", views.VersionCreateView.as_view(), name="version_create"),
    path("<int:number>/", views.VersionDetailView.as_view(), name="detail"),
    path("<int:number>/aendringer/", views.VersionChangesView.as_view(), name="version_changes"),
    path("<int:number>/pdf/", ExportView.as_view(exporter="version", format="pdf"), name="pdf"),
    path("<int:number>/underskrifter/<int:pk>/", views.SignoffUpdateView.as_view(), name="signoff_update"),
    path("<int:number>/underskrifter/<int:pk>/bilag/", views.EvidenceView.as_view(), name="evidence"),
]
