from django.contrib import admin
from django.urls import include, path

from helhedsplan.plans import views as plan_views

# Everything inside a plan lives under /plan/<slug>/, so every view resolves its plan from the URL first.
plan_patterns = [
    path("", include("helhedsplan.reports.urls")),
    path("aftaler/", include("helhedsplan.agreements.urls")),
    path("maal/", include("helhedsplan.goals.urls")),
    path("budget/", include("helhedsplan.budget.urls")),
    path("godkendelser/", include("helhedsplan.approvals.urls")),
    path("beredskab/", include("helhedsplan.preparedness.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helhedsplan.plans.urls")),
    path("", include("helhedsplan.plantemplate.urls")),
    # The JSON API (/api/, its docs /api/docs) and the user's API tokens (/konto/tokens/).
    path("", include("helhedsplan.api.urls")),
    path("plan/<slug:plan>/", include(plan_patterns)),
]

handler403 = plan_views.permission_denied
handler404 = plan_views.page_not_found
