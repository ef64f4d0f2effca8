"""Browser journeys: Playwright's sync API driving Debian's Chromium against pytest-django's
live server. No browser is ever downloaded: without Chromium the journeys are skipped locally and
fail in CI (CI=true)."""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from tests.conftest import World

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "e2e"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    """Skips locally; in CI a missing browser is a broken pipeline, not a reason to skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser journeys must run in CI)", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture
def browser(transactional_db, monkeypatch):
    """A headless Chromium for one test, started after the test database is set up and stopped
    before it is flushed.

    Playwright's sync API keeps an asyncio event loop running in the main thread, so:
    - Django would take every ORM call the test makes for one from async code and raise
      SynchronousOnlyOperation: DJANGO_ALLOW_ASYNC_UNSAFE is set, for this test only (set for the
      whole session it leaks into subprocesses, and `check --deploy` flags it);
    - asgiref hands the main thread a separate set of Django connection objects while the loop
      runs; the test database's set-up and flush (serialized rollback) must use the thread's own,
      so Playwright must not outlive the test.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = _chromium_path()
    if executable is None:
        _unavailable("Chromium not found at /usr/bin/chromium or on PATH (apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Close the connections the test opened while the loop ran, or PostgreSQL would
            # refuse to drop the test database at the end of the session.
            connections.close_all()


class Requests:
    """Every URL a browser context asked for, to prove nothing left the server (intranet use)."""

    def __init__(self, base_url: str):
        self.origin = urlsplit(base_url).netloc
        self.urls: list[str] = []

    def record(self, request):
        self.urls.append(request.url)

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != self.origin
        ]


@pytest.fixture
def requests_seen(live_server):
    return Requests(live_server.url)


@pytest.fixture
def new_context(browser, live_server, requests_seen):
    """Makes browser contexts on the live server, all watched by `requests_seen`."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **options)
        context.set_default_timeout(10_000)
        context.on("request", requests_seen.record)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def shot():
    """Saves a screenshot as test-output/e2e/<name>.png and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def e2e_world(transactional_db, django_db_serialized_rollback):
    """The shared fixture world, committed so the live server's thread sees it. The flush after a
    transactional test would also wipe the regions loaded by migration; serialized rollback puts
    them back for the tests that follow.

    The flush deletes the rollup before the ledger lines on SQLite, so the lines' delete trigger
    leaves the last test's amounts in the rollup as negatives; it is emptied first, so each
    journey's figures are its own."""
    from zhunong.ledger.models import PurchaseLine, Rollup

    PurchaseLine.objects.all().delete()
    Rollup.objects.all().delete()
    return World()
