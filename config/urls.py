from django.contrib import admin
from django.urls import include, path

from helhedsplan.core import views as core_views

# Everything inside a plan lives under /plan/<slug>/, so every view resolves its plan from the URL first.
plan_patterns = [
    path("", include("helhedsplan.plans.urls")),
    path("aftaler/", include("helhedsplan.agreements.urls")),
    path("maal/", include("helhedsplan.goals.urls")),
    path("budget/", include("helhedsplan.budget.urls")),
    path("godkendelser/", include("helhedsplan.approvals.urls")),
    path("beredskab/", include("helhedsplan.preparedness.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("helhedsplan.core.urls")),
    path("plan/<slug:plan>/", include(plan_patterns)),
]

handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
