"""Production mode (``DJANGO_ENV=production``), checked in fresh processes, as a server would start it."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_SETTINGS_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "TESTING": settings.TESTING,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "middleware": settings.MIDDLEWARE,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": settings.CSRF_TRUSTED_ORIGINS,
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
}))
"""


def production_environment(**overrides: str) -> dict[str, str]:
    """The test process's environment without anything that would make Django think it is being tested or
    developed, plus what a production server is given."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in {"PYTEST_VERSION", "DATABASE_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="helhedsplan.example.dk",
    )
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value}


def run_in_fresh_process(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_to_warn_about_in_production():
    result = run_in_fresh_process(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_environment()
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_production_serves_hashed_compressed_static_files_and_secure_cookies_from_the_environment():
    result = run_in_fresh_process(
        ["-c", PRODUCTION_SETTINGS_PROBE],
        production_environment(
            DJANGO_ALLOWED_HOSTS="helhedsplan.example.dk, www.helhedsplan.example.dk",
            DJANGO_CSRF_TRUSTED_ORIGINS="https://helhedsplan.example.dk",
            DJANGO_MEDIA_ROOT="/srv/helhedsplan/media",
            DATABASE_URL="postgres://helhedsplan@db.example.dk:5432/helhedsplan",
        ),
    )

    assert result.returncode == 0, result.stderr
    production = json.loads(result.stdout)
    assert production["DEBUG"] is False
    assert production["TESTING"] is False
    assert production["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in production["middleware"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert production["ALLOWED_HOSTS"] == ["helhedsplan.example.dk", "www.helhedsplan.example.dk"]
    assert production["CSRF_TRUSTED_ORIGINS"] == ["https://helhedsplan.example.dk"]
    assert production["MEDIA_ROOT"] == "/srv/helhedsplan/media"
    assert production["DATABASE_ENGINE"] == "django.db.backends.postgresql"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_in_fresh_process(["manage.py", "check"], production_environment(DJANGO_SECRET_KEY=""))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_in_fresh_process(["manage.py", "check"], production_environment(DJANGO_ALLOWED_HOSTS=""))

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_settings_know_they_are_under_test():
    # pytest-django loads the settings before any conftest.py runs; they must still see the test run.
    assert settings.TESTING is True


def test_check_deploy_passes_behind_a_proxy_that_redirects_to_https_itself():
    # The README allows DJANGO_SECURE_SSL_REDIRECT=off when the proxy redirects; `make serve-production` runs
    # this check with --fail-level WARNING first, so security.W008 would keep the server from starting.
    result = run_in_fresh_process(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_environment(DJANGO_SECURE_SSL_REDIRECT="off"),
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


SILENCED_PROBE = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({"SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT, "silenced": settings.SILENCED_SYSTEM_CHECKS}))
"""


def test_the_redirect_warning_is_silenced_only_when_the_proxy_redirects():
    redirecting = run_in_fresh_process(["-c", SILENCED_PROBE], production_environment())
    behind_proxy = run_in_fresh_process(
        ["-c", SILENCED_PROBE], production_environment(DJANGO_SECURE_SSL_REDIRECT="off")
    )
    development = run_in_fresh_process(
        ["-c", SILENCED_PROBE], {**production_environment(), "DJANGO_ENV": "development"}
    )

    assert json.loads(redirecting.stdout) == {"SECURE_SSL_REDIRECT": True, "silenced": []}
    assert json.loads(behind_proxy.stdout) == {"SECURE_SSL_REDIRECT": False, "silenced": ["security.W008"]}
    assert json.loads(development.stdout)["silenced"] == []


def test_production_refuses_to_start_with_a_short_secret_key():
    result = run_in_fresh_process(
        ["manage.py", "check"], production_environment(DJANGO_SECRET_KEY=secrets.token_urlsafe(64)[:49])
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be at least 50 characters long when DJANGO_ENV=production (it has 49)" in (
        result.stderr
    )


def test_production_starts_with_a_secret_key_of_50_characters():
    result = run_in_fresh_process(
        ["manage.py", "check"], production_environment(DJANGO_SECRET_KEY=secrets.token_urlsafe(64)[:50])
    )

    assert result.returncode == 0, result.stderr


def test_development_keeps_its_own_key_whatever_its_length():
    environment = {**production_environment(DJANGO_SECRET_KEY="short"), "DJANGO_ENV": "development"}
    result = run_in_fresh_process(["manage.py", "check"], environment)

    assert result.returncode == 0, result.stderr
