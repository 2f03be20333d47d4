"""Backroom as a user meets it: `backroom demo --json`, then `backroom serve` in a process of its
own on a free port, spoken to over real HTTP (SQLite in a temporary data folder)."""

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.server

STARTUP_TIMEOUT = 90
STOP_TIMEOUT = 20


def backroom(*args: str) -> list[str]:
    return [sys.executable, "-m", "backroom.cli", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BACKROOM_", "DATABASE_URL"))
    }
    env.update(
        BACKROOM_DATA_DIR=str(data_dir),
        BACKROOM_DEBUG="0",
        BACKROOM_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="backroom.settings",
    )
    return env


def wait_until_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"backroom serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"backroom serve did not answer within {STARTUP_TIMEOUT} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> int:
    """Ctrl-C to the whole process group, as a terminal would; kill it if that is not enough."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            return process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"backroom serve did not stop within {STOP_TIMEOUT} s of Ctrl-C")
    return process.returncode


@contextlib.contextmanager
def running_server(data_dir: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`backroom serve` on a free port in its own process group, answering; killed on the way
    out whatever happened."""
    port = free_port()
    log = data_dir / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            backroom("serve", "--port", str(port), "--workers", "2"),
            env=server_env(data_dir),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/login/", process, log)
        yield base, process, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data folder (SQLite) holding the demo."""
    path = tmp_path_factory.mktemp("served")
    made = subprocess.run(
        backroom("demo", "--json"),
        env=server_env(path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    (path / "demo.json").write_text(made.stdout)
    return path


@pytest.fixture(scope="module")
def served(data_dir) -> Iterator[tuple[str, dict]]:
    """(base URL, the JSON that `backroom demo --json` printed)."""
    demo = json.loads((data_dir / "demo.json").read_text())
    with running_server(data_dir) as (base, _, _):
        yield base, demo


def browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def sign_in(
    base: str, username: str, password: str
) -> tuple[urllib.request.OpenerDirector, str, str]:
    """Post the login form with its CSRF token; returns the opener, the final URL and its page."""
    opener = browser()
    with opener.open(f"{base}/login/?next=/admin/", timeout=10) as response:
        assert response.status == 200
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    with opener.open(f"{base}/login/", data=body, timeout=10) as response:
        return opener, response.url, response.read().decode()


def test_login_page(served):
    base, _ = served
    with urllib.request.urlopen(f"{base}/login/", timeout=10) as response:
        page = response.read().decode()
        assert response.status == 200
        assert response.headers["Server"].startswith("gunicorn")
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="password"' in page


def test_printed_login_opens_the_admin_with_the_demo_data(served):
    base, demo = served
    opener, url, page = sign_in(base, demo["admin"]["username"], demo["admin"]["password"])

    assert url == f"{base}/admin/"
    assert "Backroom administration" in page
    assert f"<strong>{demo['admin']['username']}</strong>" in page
    with opener.open(f"{base}/admin/companies/company/", timeout=10) as response:
        assert "Demo Shop" in response.read().decode()
    with opener.open(f"{base}/admin/catalog/product/?q=demo-tshirt", timeout=10) as response:
        assert "Classic T-shirt" in response.read().decode()


def test_wrong_password_stays_on_the_login_page(served):
    base, demo = served
    _, url, page = sign_in(base, demo["admin"]["username"], "not-the-password")

    assert urllib.parse.urlsplit(url).path == "/login/"
    assert "Backroom administration" not in page


def test_post_without_csrf_token_is_refused(served):
    base, demo = served
    body = urllib.parse.urlencode({"username": demo["admin"]["username"], "password": "x"}).encode()

    with pytest.raises(urllib.error.HTTPError) as refused:
        browser().open(f"{base}/login/", data=body, timeout=10)

    assert refused.value.code == 403


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/static/web/backroom.css", "text/css"), ("/static/admin/css/base.css", "text/css")],
)
def test_static_files_come_from_whitenoise(served, path, content_type):
    base, _ = served
    request = urllib.request.Request(f"{base}{path}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = response.headers
        assert response.status == 200
    assert headers.get_content_type() == content_type
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert re.fullmatch(r"max-age=\d+, public", headers["Cache-Control"])


def test_ctrl_c_stops_it_cleanly(data_dir):
    with running_server(data_dir) as (base, process, log):
        assert stop(process) == 0

    assert "Shutting down: Master" in log.read_text()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/login/", timeout=5)


@pytest.mark.django_db
def test_an_address_that_names_nothing_gets_the_apps_page(client):
    for address in ("/orders/abc/", "/no-such-page/"):
        response = client.get(address)

        assert response.status_code == 404
        assert "There is no such page, or it is not yours to see." in response.content.decode()
