from django.urls import path

from . import views

# Inside a plan (/plan/<slug>/e-mail/); the account's pages are in urls.py.
app_name = "plan_notifications"

urlpatterns = [
    path("e-mail/", views.UndeliverableView.as_view(), name="undeliverable"),
]
