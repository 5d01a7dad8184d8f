from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from helhedsplan.plans import forms as plan_forms
from helhedsplan.plans import views as plan_views

# Everything inside a plan lives under /plan/<slug>/, so every view resolves its plan from the URL first.
plan_patterns = [
    path("", include("helhedsplan.overview.urls")),
    path("", include("helhedsplan.reports.urls")),
    path("", include("helhedsplan.planfiles.urls")),
    path("aftaler/", include("helhedsplan.agreements.urls")),
    path("maal/", include("helhedsplan.goals.urls")),
    path("budget/", include("helhedsplan.budget.urls")),
    path("godkendelser/", include("helhedsplan.approvals.urls")),
    path("beredskab/", include("helhedsplan.preparedness.urls")),
    path("", include("helhedsplan.notifications.plan_urls")),
]

# Choosing a password: a new member's set-password mail and "forgot your password" (Django's views and tokens).
password_patterns = [
    path(
        "nulstil-adgangskode/",
        auth_views.PasswordResetView.as_view(form_class=plan_forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "nulstil-adgangskode/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "ny-adgangskode/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "ny-adgangskode/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helhedsplan.plans.urls")),
    path("konto/", include(password_patterns)),
    path("", include("helhedsplan.plantemplate.urls")),
    # The JSON API (/api/, its docs /api/docs) and the user's API tokens (/konto/tokens/).
    path("", include("helhedsplan.api.urls")),
    path("portefolje/", include("helhedsplan.portfolio.urls")),
    # The account's mail settings (/konto/e-mail/) and the unsubscribe link of every mail.
    path("", include("helhedsplan.notifications.urls")),
    path("plan/<slug:plan>/", include(plan_patterns)),
]

handler403 = plan_views.permission_denied
handler404 = plan_views.page_not_found
