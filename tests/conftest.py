"""The test world: the Amager plan, a second plan, and the personas, built once per test module.

Importing data/amager-2022-2025.yaml takes more than a second, so it is not done for every test. The first test
of a module that asks for ``amager_plan`` (or ``personas``, ``other_plan``) opens a transaction
around the rest of the module and imports the plan into it; each test then runs inside its own savepoint (as
pytest-django's tests always do) and sees the plan as the file describes it, whatever the test before it wrote.
After the module the transaction is rolled back, so the next module starts from an empty database.

So that a test which does not ask for the plan never sees it, the tests of each module that ask for it run after
the ones that do not (``pytest_collection_modifyitems``). Tests with a real database (``transactional_db``,
``live_server``: the browser journeys) still import the plan afresh, as they cannot run inside a transaction.
"""

import os

os.environ.setdefault("DJANGO_TESTING", "true")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings

# Imports of the project stay inside the fixtures: this module is read before Django is set up.

#: The fixtures that need the module's shared world; a test asking for any of them runs late in its module.
WORLD_FIXTURES = {"_module_amager"}


#: The smoke subset that runs with the shared cache as production has it without Redis (the database cache,
#: ``shared_cache``): the every-URL walk and the pages that read what is kept per plan. The other unit tests keep
#: theirs in memory (config/settings.py). A test elsewhere asks with ``@pytest.mark.shared_cache``.
SHARED_CACHE_MODULES = {
    "tests/test_every_url.py",
    "tests/overview/test_dashboard.py",
    "tests/overview/test_needs_attention.py",
    "tests/portfolio/test_portfolio.py",
    "tests/api/test_every_endpoint.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each module, move the tests that use the shared world after those that do not (a stable sort,
    so the order is otherwise kept), so the world is built at most once per module and never seen by a test
    that expects an empty database. The smoke subset (``SHARED_CACHE_MODULES``, ``shared_cache`` marker) is
    given the shared database cache."""
    for item in items:
        if item.nodeid.split("::")[0] in SHARED_CACHE_MODULES or item.get_closest_marker("shared_cache"):
            item.fixturenames.append("shared_cache")  # type: ignore[attr-defined]
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        first_index.setdefault(item.nodeid.split("::")[0], index)

    def key(indexed: tuple[int, pytest.Item]) -> tuple[int, bool, int]:
        index, item = indexed
        return (first_index[item.nodeid.split("::")[0]], bool(WORLD_FIXTURES & set(item.fixturenames)), index)

    items[:] = [item for _index, item in sorted(enumerate(items), key=key)]


# Property tests judge what code answers, not how fast a shared CI machine is: no per-example deadline (one
# example of a formatting test once took over 200 ms on a busy machine and failed the run).
hypothesis_settings.register_profile("helhedsplan", deadline=None)
hypothesis_settings.load_profile("helhedsplan")


def _real_database(fixturenames) -> bool:
    """Whether a test runs on a real database (no transaction around it): the browser journeys."""
    return bool({"transactional_db", "live_server"} & set(fixturenames))


@pytest.fixture(scope="module")
def _module_amager(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The pk of the Amager plan, imported in a transaction left open for the rest of the module (rolled back
    after it); None in a module whose tests run on a real database, which import the plan for each test."""
    from django.db import transaction

    if any(
        item.module is request.module and _real_database(item.fixturenames) for item in request.session.items
    ):
        yield None
        return
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _in_module_settings(tmp_path_factory, _import_amager)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _module_people(_module_amager, django_db_blocker, tmp_path_factory) -> dict[str, int]:
    """The pks of the second plan and the personas, added to the module's open transaction on first use."""
    assert _module_amager is not None, "personas and the second plan are for tests inside a transaction"
    with django_db_blocker.unblock():
        return _in_module_settings(tmp_path_factory, lambda: _build_people(_module_amager))


def _in_module_settings(tmp_path_factory, build):
    """Run ``build`` as a test would: files to a throw-away folder, passwords hashed cheaply. The world is then
    as if committed (``commit_pending``): a test's first write to a plan raises its change counter
    (``plans.changes`` raises it once per transaction)."""
    from django.test import override_settings

    from tests.world import commit_pending

    with override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        built = build()
        commit_pending()
        return built


def _import_amager() -> int:
    from helhedsplan.planfiles.demo import AMAGER_FILE
    from helhedsplan.planfiles.importer import import_plan

    return import_plan(AMAGER_FILE).pk


def _build_people(amager_pk: int) -> dict[str, int]:
    from helhedsplan.agreements.models import SubAgreement
    from helhedsplan.plans.models import Plan
    from tests.test_every_url_data import build_other_plan
    from tests.world import make_personas

    amager = Plan.objects.get(pk=amager_pk)
    other = build_other_plan()
    # The limited editor keeps a delaftale with goals, measurements, activities and budget lines, so the walk
    # shows them allowed on the goals there only, and refused on the budget even there.
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
    return {"other_plan": other.pk, **personas.pks()}


@pytest.fixture
def amager_plan(_module_amager, db):
    """The Amager plan as data/amager-2022-2025.yaml describes it: the module's rows, read afresh so each test
    has its own Python object; what a test writes is rolled back after it."""
    from helhedsplan.planfiles.demo import AMAGER_FILE
    from helhedsplan.planfiles.importer import import_plan
    from helhedsplan.plans.models import Plan

    if _module_amager is None:
        return import_plan(AMAGER_FILE)
    return Plan.objects.get(pk=_module_amager)


@pytest.fixture
def other_plan(_module_people, db):
    """A second, small plan with one object of every kind (tests/test_every_url_data.py): plans are kept apart."""
    from helhedsplan.plans.models import Plan

    return Plan.objects.get(pk=_module_people["other_plan"])


@pytest.fixture
def personas(_module_people, db):
    """A user of every role in the Amager plan (tests/world.py's Personas): its coordinator, an editor, an editor
    limited to one delaftale, a reviewer, a signed-in member of no plan, and the second plan's coordinator."""
    from django.contrib.auth import get_user_model

    from tests.world import Personas

    roles = {role: pk for role, pk in _module_people.items() if role != "other_plan"}
    by_pk = get_user_model().objects.in_bulk(roles.values())  # one query for all of them
    return Personas(**{role: by_pk[pk] for role, pk in roles.items()})


@pytest.fixture
def shared_cache(settings, db):
    """``CACHES["default"]`` as production has it without Redis: Django's database cache, in its own table (made
    here, inside the test's transaction, as the unit tests' own settings keep the cache in memory)."""
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {**settings.CACHES, "default": settings.SHARED_DATABASE_CACHE}
    call_command("createcachetable", "helhedsplan_cache", verbosity=0)
    caches["default"].clear()
    return caches["default"]


@pytest.fixture
def client_for():
    """``client_for(user)``: a new client signed in as ``user`` (anonymous for None)."""
    from tests.world import client_for

    return client_for


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Uploaded minutes go to a throw-away folder, never into the project's media/; passwords are hashed
    cheaply, since the real hasher is slow on purpose and tests make many users."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _shared_cache_emptied():
    """Every test starts with an empty shared cache: a plan of an earlier test may have had the same pk and change
    counter (its rows were rolled back), and its kept figures (``overview.readmodel``) must not be read."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()
