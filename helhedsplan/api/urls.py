from django.http import JsonResponse
from django.urls import path, re_path

from . import views
from .api import api

# No app namespace for the token pages (they live under /konto/ with login and logout); the API's own URLs
# are in its namespace "api".


def not_found(request, rest: str = "") -> JsonResponse:
    """An address under /api/ that names no endpoint: a 404 in JSON, like the API's own."""
    return JsonResponse({"detail": "Not Found"}, status=404)


urlpatterns = [
    path("api/", api.urls),
    # Any character, a line break too (``.`` and ``$`` would let "/api/x%0A" through to the site's HTML 404).
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", not_found),
    path("konto/tokens/", views.AccessTokenListView.as_view(), name="api_tokens"),
    path(
        "konto/tokens/<int:pk>/tilbagekald/", views.AccessTokenRevokeView.as_view(), name="api_token_revoke"
    ),
]
