from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

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
    path("versioner/", include("helhedsplan.versions.urls")),
    path("import/", include("helhedsplan.imports.urls")),
    path("dokumenter/", include("helhedsplan.documents.urls")),
    path("organisering/", include("helhedsplan.governance.urls")),
    path("", include("helhedsplan.notifications.plan_urls")),
]

# Choosing a password: a new member's set-password mail and "forgot your password" (Django's views and tokens).
password_patterns = [
    path(
        "nulstil-adgangskode/",
        plan_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "nulstil-adgangskode/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "ny-adgangskode/<uidb64>/<token>/",
        plan_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "ny-adgangskode/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers ask for on their own (showing a JSON answer or a PDF): the icon from our
    static files (same origin, so the CSP's ``img-src 'self'`` allows it)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("favicon.ico")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
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
