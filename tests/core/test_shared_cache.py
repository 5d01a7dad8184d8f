"""The shared cache (``CACHES["default"]``, config/settings.py): Redis when ``REDIS_URL`` is set, the database's
table otherwise; the unit tests keep theirs in memory unless they ask for the shared one (``shared_cache``)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"


def settings_with(monkeypatch, **environment: str) -> dict:
    """config/settings.py as a server with ``environment`` reads it (not as a test)."""
    monkeypatch.setenv("DJANGO_TESTING", "false")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.delenv("REDIS_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_a_server_without_redis_shares_the_database_cache(monkeypatch):
    found = settings_with(monkeypatch)
    assert found["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert found["CACHES"]["default"]["LOCATION"] == "helhedsplan_cache"


def test_a_server_with_redis_url_shares_redis(monkeypatch):
    found = settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    assert found["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_the_unit_tests_keep_their_cache_in_memory():
    assert caches["default"].__class__.__name__ == "LocMemCache"


@pytest.mark.shared_cache
@pytest.mark.django_db
def test_a_test_marked_shared_cache_keeps_its_entries_in_the_database_table():
    cache = caches["default"]
    assert cache.__class__.__name__ == "DatabaseCache"
    cache.set("plan:1:7", {"status": "på sporet"})
    assert cache.get("plan:1:7") == {"status": "på sporet"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM helhedsplan_cache")
        assert cursor.fetchone()[0] == 1
