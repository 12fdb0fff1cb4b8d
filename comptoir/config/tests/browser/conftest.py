"""Fixtures of the browser tests: Debian's Chromium driven by Playwright against pytest-django's
live server, one browser for the whole package and a fresh context (cookies, viewport) per test.

Without /usr/bin/chromium (`make install-browser`) or the playwright package the tests skip, unless
COMPTOIR_BROWSER_TESTS=required (CI), where they fail. Never `playwright install`: no browser is
downloaded, Playwright only drives the Chromium apt installed.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# var/ is ignored by git; resolved from the repository, not from where pytest was started.
SCREENSHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"
TIMEOUT_MS = 10_000  # a page of this app answers in well under a second; fail fast rather than wait 30 s
# Chart.js grows its bars for a second after drawing: a picture taken before shows wrong figures.
CHARTS_DRAWN = "() => !window.Chart || Object.values(Chart.instances).every((chart) => !Chart.animator.running(chart))"
PASSWORD = "Mot-de-passe-42"  # accounts.tests.factories.PASSWORD, the one issue_token uses


def _unavailable(reason: str):
    if os.environ.get("COMPTOIR_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason} (COMPTOIR_BROWSER_TESTS=required)", pytrace=False)
    pytest.skip(f"{reason}: the browser tests need it (`make install-browser`)")


@pytest.fixture(scope="package")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (make install-test)")
    from django.db import connections

    # Playwright's sync API keeps an asyncio loop running on this thread while the test runs, so
    # Django takes the thread for async code: it refuses the ORM (factories, asserts, the database
    # teardown) and keeps its connections in a context variable instead of the thread's, which would
    # open new ones without the serialized migration rows (serialized_rollback would put nothing back)
    # nor, on SQLite in memory, the one shared with the live server. Nothing else runs on that loop
    # while the test body runs: the ORM is allowed, with the thread's own connections.
    own = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in own.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A French-speaking desktop page on the live server; `page.goto("/sales/")` is relative to it.
    Uncaught JavaScript errors are kept in `page.js_errors`."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="fr-CA",
                                  timezone_id="America/Toronto")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def sign_in():
    """Signs a user in through the /login/ page, as a person would."""

    def sign_in(page, user, password=PASSWORD):
        page.goto("/login/")
        page.get_by_label("Nom d'utilisateur").fill(user.username)
        page.get_by_label("Mot de passe").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter").click()
        assert "/login/" not in page.url, f"sign-in refused for {user.username}"

    return sign_in


@pytest.fixture
def salesperson_page(page, salesperson, sign_in):
    sign_in(page, salesperson)
    return page


@pytest.fixture
def screenshot():
    """Saves the whole page as var/screenshots/<name>-<width>.png at the desktop and phone sizes,
    and puts the desktop size back."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def screenshot(page, name):
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            page.wait_for_load_state("networkidle")  # htmx sections
            page.wait_for_function(CHARTS_DRAWN)
            page.screenshot(path=SCREENSHOTS / f"{name}-{size['width']}.png", full_page=True)
        page.set_viewport_size(DESKTOP)

    return screenshot
