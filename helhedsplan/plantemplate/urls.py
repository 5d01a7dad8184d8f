from django.urls import path

from . import views

app_name = "plantemplate"

urlpatterns = [
    path("ny-plan/", views.NewPlanView.as_view(), name="new_plan"),
]
