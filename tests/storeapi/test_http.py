"""The store API over real HTTP, served by `backroom serve` (gunicorn) on the demo: what the
plugin's cURL does that the test client cannot (Expect: 100-continue, a doubled slash, raw
bytes on the wire)."""

import http.client
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.web.test_http_smoke import backroom, running_server, server_env

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(base URL, the demo's English store key), served by gunicorn."""
    data_dir: Path = tmp_path_factory.mktemp("storeapi-served")
    made = subprocess.run(
        backroom("demo", "--json"),
        env=server_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    demo = json.loads(made.stdout)
    key = next(store["secret_key"] for store in demo["stores"] if store["language"] == "EN")
    with running_server(data_dir) as (base, _, _):
        yield base, key


def ids_body(key: str, pairs: int) -> bytes:
    """An id report as the plugin builds it (PHP escapes), of about 40 bytes per pair."""
    ids = ",".join(f'{{"id":{900000 + n},"crm_id":{10**12 + n}}}' for n in range(pairs))
    return ('{"crmSecretKey":"' + key + '","idsSet":[' + ids + "]}").encode()


def test_expect_100_continue_is_answered_before_the_body(site):
    base, key = site
    host, port = urlsplit(base).hostname, urlsplit(base).port
    body = ids_body(key, 3000)  # over 1 KiB and 100 KiB: cURL would add Expect
    head = (
        f"POST /api/public/woo_v3/syncProductsIds HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Accept: */*\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(head)
        sock.settimeout(2)  # cURL waits 1 s for it before sending the body anyway
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.settimeout(10)
        sock.sendall(body)
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.endswith(b"1"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    status, _, rest = reply.partition(b"\r\n")
    assert status == b"HTTP/1.1 200 OK"
    assert b"Content-Type: text/plain; charset=utf-8" in rest
    assert rest.endswith(b"\r\n\r\n1")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_posts_a_large_report_without_waiting(site, tmp_path):
    base, key = site
    body = tmp_path / "ids.json"
    body.write_bytes(ids_body(key, 30_000))  # ~1.3 MB: cURL sends Expect: 100-continue
    started = time.monotonic()
    result = subprocess.run(
        [
            shutil.which("curl"),
            "-sS",
            "-v",
            "--expect100-timeout",
            "30",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            f"@{body}",
            f"{base}/api/public/woo_v3/syncProductsIds",
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    elapsed = time.monotonic() - started

    assert result.stdout == b"1", result.stderr
    assert b"Expect: 100-continue" in result.stderr
    assert b"HTTP/1.1 100 Continue" in result.stderr
    assert elapsed < 20  # cURL did not wait out its 30 s for a 100 that never came


def test_a_doubled_slash_and_the_exact_bytes(site):
    base, key = site
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request(
        "GET",
        f"/api/public/woo_v3//isLetSync?key={key}&plugin_version=1.3.0-1",
        headers={"Accept": "*/*"},
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()

    assert response.status == 200
    assert response.getheader("Content-Type") == "application/json"
    assert body == b'{"is_sync_allowed":true,"reason":"Synchronization allowed"}'


def test_a_wrong_key_over_http(site):
    base, _ = site
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", "/api/public/woo_v3/DokioCrmConnectionTest?key=nope")
    response = connection.getresponse()

    assert (response.status, response.read()) == (200, b"-200")
    connection.close()
