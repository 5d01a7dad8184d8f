"""The test world: the Amager plan, a second plan, and the personas, built once per test module.

Importing data/amager-2022-2025.yaml takes more than a second, so it is not done for every test. The first test
of a module that asks for ``amager_plan`` (or ``personas``, ``other_plan``, ``demo_users``) opens a transaction
around the rest of the module and imports the plan into it; each test then runs inside its own savepoint (as
pytest-django's tests always do) and sees the plan as the file describes it, whatever the test before it wrote.
After the module the transaction is rolled back, so the next module starts from an empty database.

So that a test which does not ask for the plan never sees it, the tests of each module that ask for it run after
the ones that do not (``pytest_collection_modifyitems``). Tests with a real database (``transactional_db``,
``live_server``: the browser journeys) still import the plan afresh, as they cannot run inside a transaction.
"""

import os

os.environ.setdefault("DJANGO_TESTING", "true")

from dataclasses import dataclass  # noqa: E402

import pytest  # noqa: E402

# Imports of the project stay inside the fixtures: this module is read before Django is set up.

#: The fixtures that need the module's shared world; a test asking for any of them runs late in its module.
WORLD_FIXTURES = {"amager_plan", "other_plan", "personas", "demo_users"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each module, move the tests that use the shared world after those that do not (a stable sort,
    so the order is otherwise kept), so the world is built at most once per module and never seen by a test
    that expects an empty database."""
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        first_index.setdefault(item.nodeid.split("::")[0], index)

    def key(indexed: tuple[int, pytest.Item]) -> tuple[int, bool, int]:
        index, item = indexed
        return (first_index[item.nodeid.split("::")[0]], bool(WORLD_FIXTURES & set(item.fixturenames)), index)

    items[:] = [item for _index, item in sorted(enumerate(items), key=key)]


@dataclass(frozen=True)
class _WorldKeys:
    """The primary keys of the module's shared world, from which each test reads fresh objects."""

    amager: int
    other: int
    personas: dict[str, int]


def _build_world() -> _WorldKeys:
    from helhedsplan.agreements.models import SubAgreement
    from helhedsplan.reports.planfile import import_plan
    from helhedsplan.reports.planfile.demo import AMAGER_FILE
    from tests.test_every_url_data import build_other_plan
    from tests.world import make_personas

    amager = import_plan(AMAGER_FILE)
    other = build_other_plan()
    # The limited editor keeps the delaftale that has a goal, a measurement, an activity and a budget line, so
    # the walk can show them refused on the budget even there, and allowed on the goals there only.
    limited_to = (
        SubAgreement.objects.in_plan(amager)
        .filter(
            goals__indicators__measurements__isnull=False,
            activities__isnull=False,
            budget_lines__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    personas = make_personas(
        amager,
        limited_to=[limited_to],
        other_plan=other,
        organisation=amager.organisations.get(short_name="TMF"),
        prefix="walk-",
    )
    return _WorldKeys(amager=amager.pk, other=other.pk, personas=personas.pks())


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Amager plan, the second plan and the personas, in a transaction open for the rest of the module."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # The second plan's minutes file goes to a throw-away folder; cheap hashing, as for every test.
            with override_settings(
                MEDIA_ROOT=tmp_path_factory.mktemp("media"),
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ):
                keys = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield keys
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _uses_a_real_database(request) -> bool:
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture
def amager_plan(request, db):
    """The Amager plan as data/amager-2022-2025.yaml describes it (read afresh, so each test has its own
    Python object; the rows are the module's, and what a test writes is rolled back after it)."""
    from helhedsplan.plans.models import Plan

    if _uses_a_real_database(request):
        from helhedsplan.reports.planfile import import_plan
        from helhedsplan.reports.planfile.demo import AMAGER_FILE

        return import_plan(AMAGER_FILE)
    return Plan.objects.get(pk=request.getfixturevalue("_module_world").amager)


@pytest.fixture
def other_plan(_module_world, db):
    """A second, small plan with one object of every kind (tests/test_every_url_data.py): plans are kept apart."""
    from helhedsplan.plans.models import Plan

    return Plan.objects.get(pk=_module_world.other)


@pytest.fixture
def personas(_module_world, db):
    """A user of every role in the Amager plan (tests/world.py's Personas): its coordinator, an editor, an editor
    limited to one delaftale, a reviewer, a signed-in member of no plan, and the second plan's coordinator."""
    from django.contrib.auth import get_user_model

    from tests.world import Personas

    users = get_user_model().objects.in_bulk(_module_world.personas.values())
    return Personas(**{role: users[pk] for role, pk in _module_world.personas.items()})


@pytest.fixture
def client_for():
    """``client_for(user)``: a new client signed in as ``user`` (anonymous for None)."""
    from tests.world import client_for

    return client_for


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
