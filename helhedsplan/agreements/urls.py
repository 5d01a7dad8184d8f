from django.urls import path

from helhedsplan.agreements import views

app_name = "agreements"

urlpatterns = [
    path("strategisk/", views.StrategicAgreementView.as_view(), name="strategic"),
    path("strategisk/rediger/", views.StrategicAgreementUpdateView.as_view(), name="strategic_update"),
    path(
        "strategisk/maal/<int:pk>/rediger/",
        views.StrategicGoalUpdateView.as_view(),
        name="strategic_goal_update",
    ),
    path("delaftaler/", views.SubAgreementListView.as_view(), name="sub_agreements"),
    path("delaftaler/<int:pk>/", views.SubAgreementDetailView.as_view(), name="sub_agreement"),
    path("delaftaler/<int:pk>/rediger/", views.SubAgreementUpdateView.as_view(), name="sub_agreement_update"),
    path(
        "delaftaler/<int:sub_agreement>/parter/ny/",
        views.PartyCreateView.as_view(),
        name="party_create",
    ),
    path("parter/<int:pk>/rediger/", views.PartyUpdateView.as_view(), name="party_update"),
    path("parter/<int:pk>/slet/", views.PartyDeleteView.as_view(), name="party_delete"),
    path(
        "delaftaler/<int:sub_agreement>/beretninger/ny/",
        views.NarrativeCreateView.as_view(),
        name="narrative_create",
    ),
    path("beretninger/<int:pk>/rediger/", views.NarrativeUpdateView.as_view(), name="narrative_update"),
    path("beretninger/<int:pk>/slet/", views.NarrativeDeleteView.as_view(), name="narrative_delete"),
]
