"""The page cache (``core.page_cache``) as the API still uses it (``api.cached_by_plan``, until the API answers
conditional GETs instead): answered from the cache, and never to a revoked token. The pages themselves are no
longer kept whole; they read the plans' kept figures (``overview.readmodel``, tested in ``tests/overview``).
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from helhedsplan.api.services import access_token_create, access_token_revoke
from helhedsplan.core import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    caches[page_cache.CACHE_ALIAS].clear()
    yield
    caches[page_cache.CACHE_ALIAS].clear()


def test_the_api_answers_from_the_cache_and_a_revoked_token_still_gets_nothing(
    amager_plan, personas, django_assert_num_queries
):
    token, secret = access_token_create(name="Test", actor=personas.reviewer)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/plans/{amager_plan.slug}/indicators?limit=50"
    first = client.get(url)
    assert first.status_code == 200
    # 1 the token with its user, 2 the plan through the user's plans.
    with django_assert_num_queries(2):
        again = client.get(url)
    assert again.json() == first.json()
    access_token_revoke(token=token, actor=personas.reviewer)
    assert client.get(url).status_code == 401
