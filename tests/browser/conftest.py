"""Browser tests: Debian's chromium driven by Playwright (the `playwright` pip package; its own
browser download cannot run here), against the app served over real HTTP by pytest-django's
`live_server`.

`./dev test` installs chromium with apt-get when it is missing and it runs as root; elsewhere these
tests are skipped with the reason."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.stores.web.conftest import make_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

__all__ = ["make_store"]


def _skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return f"no {CHROMIUM}: install Debian's chromium (as root: apt-get install chromium)"
    return None


@pytest.fixture
def browser(live_server, monkeypatch) -> Iterator[object]:
    """Chromium for one test. Playwright's sync API runs an event loop in this thread while it
    is open, and Django refuses ORM calls under a running loop; so the browser lives only as
    long as one test (never across other tests' database work), starts after the live server
    and its database, and the test body, which touches the database only between browser
    steps, is allowed to."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()
        # Django's connections are per context, and code run under the loop got connections of
        # its own: close them here, or they outlive the test (and block dropping its database).
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context on the live server, clipboard allowed; fails the test on any
    JavaScript error of the page."""
    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"],
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def sign_in(page, username: str, password: str, next_url: str = "/") -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_url}")


@pytest.fixture
def screenshot_dir() -> Path:
    path = Path(os.environ.get("BACKROOM_SCREENSHOTS") or tempfile.gettempdir())
    path.mkdir(parents=True, exist_ok=True)
    return path
