import os

os.environ.setdefault("DJANGO_TESTING", "true")

import pytest  # noqa: E402

# Imports of the project stay inside the fixtures: this module is read before Django is set up.


@pytest.fixture
def amager_plan(db):
    """The Amager plan as data/amager-2022-2025.yaml describes it, imported afresh for each test."""
    from helhedsplan.reports.planfile import import_plan
    from helhedsplan.reports.planfile.demo import AMAGER_FILE

    return import_plan(AMAGER_FILE)


@pytest.fixture
def demo_users(amager_plan):
    """The demo logins of ``manage.py setup_demo`` as {username: user}: admin (superuser, coordinator, TMF),
    kommune (coordinator, TMF), boligorg (editor, 3B), lbf (reviewer, LBF); password amager2022."""
    from django.contrib.auth import get_user_model

    from helhedsplan.reports.planfile.demo import DEMO_LOGINS, ensure_demo_logins

    ensure_demo_logins(amager_plan)
    users = get_user_model().objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    return {user.username: user for user in users}


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploaded minutes go to a throw-away folder, never into the project's media/; passwords are hashed
    cheaply, since the real hasher is slow on purpose and tests make many users."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
