from django.urls import path

from . import views
from .api import api

# No app namespace for the token pages (they live under /konto/ with login and logout); the API's own URLs
# are in its namespace "api".
urlpatterns = [
    path("api/", api.urls),
    path("konto/tokens/", views.AccessTokenListView.as_view(), name="api_tokens"),
    path("konto/tokens/<int:pk>/tilbagekald/", views.AccessTokenRevokeView.as_view(), name="api_token_revoke"),
]
