from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("konto/e-mail/", views.MailSettingsView.as_view(), name="settings"),
    path("konto/e-mail/afmeld/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
