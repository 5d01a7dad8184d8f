from django.urls import path

from . import views

app_name = "preparedness"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("opret/", views.PlanCreate.as_view(), name="plan_create"),
    path("rediger/", views.PlanUpdate.as_view(), name="plan_update"),
    path("niveauer/ny/", views.LevelCreate.as_view(), name="level_create"),
    path("niveauer/<int:pk>/rediger/", views.LevelUpdate.as_view(), name="level_update"),
    path("niveauer/<int:pk>/slet/", views.LevelDelete.as_view(), name="level_delete"),
    path("handlingskort/ny/", views.CardCreate.as_view(), name="card_create"),
    path("handlingskort/<int:pk>/rediger/", views.CardUpdate.as_view(), name="card_update"),
    path("handlingskort/<int:pk>/slet/", views.CardDelete.as_view(), name="card_delete"),
    path("kontakter/", views.ContactsView.as_view(), name="contacts"),
    path("kontakter/ny/", views.ContactCreate.as_view(), name="contact_create"),
    path("kontakter/<int:pk>/rediger/", views.ContactUpdate.as_view(), name="contact_update"),
    path("kontakter/<int:pk>/slet/", views.ContactDelete.as_view(), name="contact_delete"),
    path("udskrift/", views.PrintView.as_view(), name="print"),
    path("haendelser/", views.IncidentsView.as_view(), name="incidents"),
    path("haendelser/ny/", views.IncidentCreate.as_view(), name="incident_create"),
    path("haendelser/<int:pk>/", views.IncidentDetailView.as_view(), name="incident"),
    path("haendelser/<int:pk>/rediger/", views.IncidentUpdate.as_view(), name="incident_update"),
    path("haendelser/<int:pk>/log/ny/", views.LogEntryCreate.as_view(), name="log_entry_create"),
    path("haendelser/<int:pk>/luk/", views.IncidentClose.as_view(), name="incident_close"),
]
