"""The goals app's pages, under /plan/<slug>/maal/. Path segments in Danish, names in English."""

from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    # Goals (delmål) of a delaftale
    path("delmaal/<int:pk>/", views.GoalDetailView.as_view(), name="goal"),
    path("delaftale/<int:sub_agreement>/delmaal/nyt/", views.GoalCreateView.as_view(), name="goal_create"),
    path("delmaal/<int:pk>/rediger/", views.GoalUpdateView.as_view(), name="goal_update"),
    path("delmaal/<int:pk>/slet/", views.GoalDeleteView.as_view(), name="goal_delete"),
    # Indicators of a goal, and key figures of a strategic goal
    path("indikator/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator"),
    path("delmaal/<int:goal>/indikator/ny/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path(
        "strategisk-maal/<int:strategic_goal>/noegletal/nyt/",
        views.KeyFigureCreateView.as_view(),
        name="key_figure_create",
    ),
    path("indikator/<int:pk>/rediger/", views.IndicatorUpdateView.as_view(), name="indicator_update"),
    path("indikator/<int:pk>/slet/", views.IndicatorDeleteView.as_view(), name="indicator_delete"),
    # Measurements of an indicator
    path(
        "indikator/<int:indicator>/maaling/ny/",
        views.MeasurementCreateView.as_view(),
        name="measurement_create",
    ),
    path("maaling/<int:pk>/rediger/", views.MeasurementUpdateView.as_view(), name="measurement_update"),
    path("maaling/<int:pk>/slet/", views.MeasurementDeleteView.as_view(), name="measurement_delete"),
    # Activities of a delaftale
    path("aktivitet/<int:pk>/", views.ActivityDetailView.as_view(), name="activity"),
    path(
        "delaftale/<int:sub_agreement>/aktivitet/ny/",
        views.ActivityCreateView.as_view(),
        name="activity_create",
    ),
    path("aktivitet/<int:pk>/rediger/", views.ActivityUpdateView.as_view(), name="activity_update"),
    path("aktivitet/<int:pk>/slet/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    # Milestones of an activity
    path(
        "aktivitet/<int:activity>/milepael/ny/",
        views.MilestoneCreateView.as_view(),
        name="milestone_create",
    ),
    path("milepael/<int:pk>/rediger/", views.MilestoneUpdateView.as_view(), name="milestone_update"),
    path("milepael/<int:pk>/slet/", views.MilestoneDeleteView.as_view(), name="milestone_delete"),
]
