"""Browser tests: real Chromium (Debian's, never a Playwright download) against pytest-django's live server.

Fixtures:

- ``browser``: one headless Chromium for the whole session (per xdist worker).
- ``page``: a fresh browser context and page per test, opened on the live server, in Danish. The test fails
  if the page raised an uncaught JavaScript error or broke the Content-Security-Policy.
- ``login(page, user_or_username)``: logs the page in without the login form (see ``login`` for why).
- ``assert_no_axe_violations(page)``: runs axe-core's WCAG 2.1 A/AA rules on the page.

Every test in this folder is marked ``browser`` automatically, so ``make test`` runs them in their own pytest
invocation even if a test forgets the mark.
"""

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

# Playwright's sync API keeps an asyncio loop running in this thread, so Django's ORM would otherwise refuse
# every query made by the test itself ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

BROWSER_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Fail fast: a journey step that takes more than this is broken, not slow.
DEFAULT_TIMEOUT_MS = 10_000


def close_when_quiet(context: BrowserContext, *pages: Page) -> None:
    """Close ``context`` once its pages' requests still under way have finished (an htmx fragment a page loads
    after it shows, such as the versions banner): the live server must not read the database while the test's
    data is emptied (SQLite locks the table it reads). A page that never goes quiet (a poll) is closed all the
    same, which ends its requests too. Every test that opens a context of its own closes it through this."""
    for page in pages:
        with contextlib.suppress(PlaywrightError):
            page.wait_for_load_state("networkidle", timeout=DEFAULT_TIMEOUT_MS)
    context.close()


CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_executable() -> str:
    """Debian's Chromium (installed by ``make test``); ``CHROMIUM=/path`` overrides it."""
    configured = os.environ.get("CHROMIUM")
    found = configured or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.fail(
            f"Chromium not found at {found}: run `make test` (installs Debian's chromium) or set CHROMIUM=."
        )
    return found


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A browser test without the mark would end up in the unit-test run; mark it here instead. The fixtures
    # below exist only for tests in this folder, so the folder is the whole of it.
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _shared_cache_emptied() -> Iterator[None]:
    """The journeys read the plans' kept figures from the shared cache, as production does: every page read
    after a write must show it. Emptied around each journey, so none reads what another kept."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable(),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=live_server.url,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught JavaScript error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP violation: {message.text}")

    page.on("console", on_console)
    yield page
    close_when_quiet(context, page)
    if problems:
        pytest.fail("The page reported problems:\n" + "\n".join(f"- {problem}" for problem in problems))


@pytest.fixture
def login(live_server) -> Callable[[Page, AbstractBaseUser | str], AbstractBaseUser]:
    """Log ``page`` in as a user (or username) by giving it a session cookie.

    The session is made with Django's ``force_login`` rather than by filling in the form: django-axes counts
    form logins, and journeys that are not about logging in should not depend on the login page.
    """

    def log_in(page: Page, user: AbstractBaseUser | str) -> AbstractBaseUser:
        if isinstance(user, str):
            user = get_user_model().objects.get_by_natural_key(user)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie.value,
                    "url": live_server.url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return user

    return log_in


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make test` (npm ci) first.")
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def assert_no_axe_violations(axe_source: str) -> Callable[[Page], None]:
    """Run axe-core's WCAG 2.1 A and AA rules on the page and fail with a readable list of violations.

    axe is evaluated through the DevTools protocol (``page.evaluate``), which the site's
    Content-Security-Policy (``script-src 'self'``) does not apply to, unlike an injected ``<script>``.
    """

    def check(page: Page) -> None:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        violations = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {
                    runOnly: {type: 'tag', values: tags},
                    resultTypes: ['violations'],
                });
                return results.violations.map((violation) => ({
                    id: violation.id,
                    impact: violation.impact,
                    help: violation.help,
                    helpUrl: violation.helpUrl,
                    count: violation.nodes.length,
                    targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
                }));
            }""",
            AXE_TAGS,
        )
        if violations:
            lines = [f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:"]
            for violation in violations:
                lines.append(
                    f"- {violation['id']} ({violation['impact']}, {violation['count']} element(s)): "
                    f"{violation['help']} — {violation['helpUrl']}"
                )
                lines.extend(f"    at {target}" for target in violation["targets"])
            pytest.fail("\n".join(lines))

    return check
