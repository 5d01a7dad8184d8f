from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.BodiesView.as_view(), name="bodies"),
    path("ny/", views.BodyCreateView.as_view(), name="body_create"),
    path("<int:pk>/", views.BodyView.as_view(), name="body"),
    path("<int:pk>/rediger/", views.BodyUpdateView.as_view(), name="body_update"),
    path("<int:pk>/slet/", views.BodyDeleteView.as_view(), name="body_delete"),
    path("<int:body>/medlemmer/ny/", views.MemberCreateView.as_view(), name="member_create"),
    path("medlemmer/<int:pk>/rediger/", views.MemberUpdateView.as_view(), name="member_update"),
    path("medlemmer/<int:pk>/slet/", views.MemberDeleteView.as_view(), name="member_delete"),
    path("<int:body>/moeder/ny/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("moeder/<int:pk>/", views.MeetingView.as_view(), name="meeting"),
    path("moeder/<int:pk>/rediger/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path("moeder/<int:pk>/slet/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("moeder/<int:pk>/referat/", views.MinutesView.as_view(), name="minutes"),
    path("moeder/<int:meeting>/beslutninger/ny/", views.DecisionCreateView.as_view(), name="decision_create"),
    path("beslutninger/<int:pk>/rediger/", views.DecisionUpdateView.as_view(), name="decision_update"),
    path("beslutninger/<int:pk>/slet/", views.DecisionDeleteView.as_view(), name="decision_delete"),
]
