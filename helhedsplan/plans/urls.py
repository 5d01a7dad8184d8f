from django.contrib.auth import views as auth_views
from django.urls import path

from helhedsplan.plans import views

# No app namespace: login, logout and home are the names Django's auth settings refer to.
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("konto/log-ind/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("konto/log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    # Organisations (outside any plan): one's own, and an organisation's page for its administrators.
    path("organisationer/", views.OrganisationsView.as_view(), name="organisations"),
    path("organisationer/<str:short_name>/", views.OrganisationView.as_view(), name="organisation"),
    path(
        "organisationer/<str:short_name>/personer/<int:pk>/bekraeft/",
        views.AffiliationConfirm.as_view(),
        name="affiliation_confirm",
    ),
    path(
        "organisationer/<str:short_name>/personer/<int:pk>/tilbagekald/",
        views.AffiliationRevoke.as_view(),
        name="affiliation_revoke",
    ),
    path(
        "organisationer/<str:short_name>/personer/<int:pk>/administrator/",
        views.AffiliationAdministrator.as_view(),
        name="affiliation_administrator",
    ),
    path(
        "organisationer/<str:short_name>/personer/<int:pk>/anmelder/",
        views.AffiliationGrant.as_view(),
        name="affiliation_grant",
    ),
    path(
        "organisationer/<str:short_name>/planer/<slug:slug>/bekraeft/",
        views.PartyConfirm.as_view(),
        name="party_confirm",
    ),
    path("plan/<slug:plan>/medlemmer/", views.MembersView.as_view(), name="members"),
    path("plan/<slug:plan>/medlemmer/ny/", views.MemberAdd.as_view(), name="member_add"),
    path(
        "plan/<slug:plan>/medlemmer/invitationer/<int:pk>/send-igen/",
        views.InvitationResend.as_view(),
        name="invitation_resend",
    ),
    path(
        "plan/<slug:plan>/medlemmer/invitationer/<int:pk>/traek-tilbage/",
        views.InvitationWithdraw.as_view(),
        name="invitation_withdraw",
    ),
    path("konto/invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("plan/<slug:plan>/medlemmer/<int:pk>/rediger/", views.MemberUpdate.as_view(), name="member_update"),
    path("plan/<slug:plan>/medlemmer/<int:pk>/slet/", views.MemberDelete.as_view(), name="member_delete"),
    path(
        "plan/<slug:plan>/historik/<str:app_label>.<str:model_name>/<int:pk>/",
        views.HistoryView.as_view(),
        name="history",
    ),
    path(
        "plan/<slug:plan>/historik/<str:app_label>.<str:model_name>/<int:pk>/gendan/",
        views.RestoreView.as_view(),
        name="restore",
    ),
]
