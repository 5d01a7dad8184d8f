from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="list"),
    path("ny/", views.DocumentCreateView.as_view(), name="document_create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document"),
    path("<int:pk>/rediger/", views.DocumentUpdateView.as_view(), name="document_update"),
    path("<int:pk>/slet/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("<int:document>/ny-version/", views.VersionCreateView.as_view(), name="version_create"),
    path("versioner/<int:pk>/hent/", views.VersionDownloadView.as_view(), name="version_download"),
    path("kilder/", views.SourcesView.as_view(), name="sources"),
    path("kilder/<slug:fact>/<int:object_id>/", views.FactSourceSetView.as_view(), name="source_update"),
    path("kilder/<int:pk>/slet/", views.FactSourceDeleteView.as_view(), name="source_delete"),
]
