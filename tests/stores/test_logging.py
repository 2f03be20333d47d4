"""Store keys never reach a log: the redaction filter, its installation on every handler, and a
real `backroom serve` fed keys in every place a request can carry them."""

import http.client
import json
import logging
import os
import signal
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from backroom.core.logging import REDACTED, GunicornLogger, RedactSecrets, redact
from tests.web.test_http_smoke import (
    backroom,
    free_port,
    server_env,
    stop,
    wait_until_answering,
)

KEY = "9c5dac28-1119-46de-aaca-15eedef0a88b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"GET /api/public/woo_v3/x?key={KEY} HTTP/1.1",
            f"GET /api/public/woo_v3/x?key={REDACTED} HTTP/1.1",
        ),
        (f"/x?a=1&key={KEY}&b=2", f"/x?a=1&key={REDACTED}&b=2"),
        (f"/x?KEY={KEY.upper()}", f"/x?KEY={REDACTED}"),
        ("/x?key=short&b=2", f"/x?key={REDACTED}&b=2"),
        (f"crmSecretKey={KEY}&x=1", f"crmSecretKey={REDACTED}&x=1"),
        (f"/x?key%3D{KEY}", f"/x?key%3D{REDACTED}"),
        (
            f'{{"crmSecretKey": "{KEY}", "ids": [1]}}',
            f'{{"crmSecretKey": "{REDACTED}", "ids": [1]}}',
        ),
        ('{"crmSecretKey":"not a uuid \\" still"}', f'{{"crmSecretKey":"{REDACTED}"}}'),
        ('{"api_key" : "abc"}', f'{{"api_key" : "{REDACTED}"}}'),
        (f"Not Found: /nope/{KEY}/", f"Not Found: /nope/{REDACTED}/"),
        (f"Invalid HTTP_HOST header: '{KEY}'.", f"Invalid HTTP_HOST header: '{REDACTED}'."),
        (f"/x?k%65y={KEY.replace('-', '%2D')}", f"/x?k%65y={REDACTED}"),
        (f"id {KEY.replace('-', '%2d')}", f"id {REDACTED}"),
        ("GET /login/?next=/admin/ HTTP/1.1", "GET /login/?next=/admin/ HTTP/1.1"),
        ("monkey business", "monkey business"),
        ("", ""),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_a_longer_hex_run_is_not_a_key():
    text = f"a{KEY}0"
    assert redact(text) == text


@given(st.uuids(version=4), st.text(max_size=30), st.text(max_size=30))
def test_any_key_anywhere_is_redacted(uuid, before, after):
    key = str(uuid)
    text = f"{before} {key} {after}"
    assert key not in redact(text)
    assert key.upper() not in redact(text.upper())


def record(msg, *args, exc_info=None):
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_redacts_message_args_and_exception():
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        import sys

        item = record("request %s failed", f"/x?key={KEY}", exc_info=sys.exc_info())
    assert RedactSecrets().filter(item) is True
    formatted = logging.Formatter("%(message)s").format(item)
    assert KEY not in formatted
    assert formatted.startswith(f"request /x?key={REDACTED} failed\nTraceback")
    assert f"ValueError: bad key {REDACTED}" in formatted


def test_filter_keeps_records_with_broken_formats():
    item = record(f"key={KEY} %s %s", "only one")
    assert RedactSecrets().filter(item) is True
    assert item.getMessage() == f"key={REDACTED} %s %s"


def test_filter_on_gunicorn_style_access_records():
    atoms = {"r": f"GET /?key={KEY} HTTP/1.1", "s": "200"}
    item = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s', (atoms,), None
    )
    RedactSecrets().filter(item)
    assert item.getMessage() == f'"GET /?key={REDACTED} HTTP/1.1" 200'


def test_every_configured_handler_redacts():
    config = settings.LOGGING
    assert config["filters"]["redact_secrets"] == {"()": "backroom.core.logging.RedactSecrets"}
    assert config["handlers"]
    for name, handler in config["handlers"].items():
        assert "redact_secrets" in handler.get("filters", []), name
    # Django's own handlers (a DEBUG console, mail to ADMINS with the whole request) are off:
    for name in ("django", "django.server"):
        assert config["loggers"][name]["handlers"] == []
        assert config["loggers"][name]["propagate"] is True
    assert logging.getLogger("django").handlers == []


def test_gunicorn_logger_filters_its_handlers():
    from gunicorn.config import Config

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    logger = GunicornLogger(cfg)
    logger.setup(cfg)  # a reload runs setup again: no second filter
    for log in (logger.error_log, logger.access_log):
        assert log.handlers
        for handler in log.handlers:
            assert sum(isinstance(f, RedactSecrets) for f in handler.filters) == 1


def test_serve_uses_the_redacting_logger():
    from backroom.web.management.commands.serve import gunicorn_options

    options = gunicorn_options(host="127.0.0.1", port=8000, workers=1)
    assert options["logger_class"] == "backroom.core.logging.GunicornLogger"
    assert options["accesslog"] == "-"


# -- a real server -------------------------------------------------------------------------------


def send(port: int, method: str, path: str, body: bytes | None = None, headers=None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.server
def test_keys_sent_to_the_server_never_reach_its_output(tmp_path: Path):
    env = server_env(tmp_path)
    made = subprocess.run(
        backroom("demo", "--json"),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout)["stores"][0]["secret_key"]
    env["BACKROOM_LOG_LEVEL"] = "INFO"
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            backroom("serve", "--port", str(port), "--workers", "1"),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}/login/", process, log)
        form = urllib.parse.urlencode({"username": "x", "key": key, "crmSecretKey": key}).encode()
        json_body = json.dumps({"crmSecretKey": key, "ids": [1, 2]}).encode()
        statuses = [
            send(port, "GET", f"/login/?key={key}"),
            send(port, "GET", f"/api/public/woo_v3/syncProductsToStore?key={key}&offset=0"),
            send(port, "GET", f"/no/such/page/{key}/"),
            send(port, "GET", f"/login/?k%65y={key.replace('-', '%2D')}"),
            send(
                port,
                "POST",
                f"/api/public/woo_v3/syncProductsIds?key={key}",
                json_body,
                {"Content-Type": "application/json"},
            ),
            send(
                port,
                "POST",
                "/login/",
                form,
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            send(
                port,
                "GET",
                "/login/",
                headers={"Referer": f"https://shop.example/?key={key}", "User-Agent": f"ua {key}"},
            ),
            send(port, "GET", "/login/", headers={"Host": key}),
        ]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        assert stop(process) == 0
    output = log.read_text()
    assert statuses[0] == 200
    assert statuses[2] == 404
    assert statuses[5] == 403  # no CSRF token: refused, and Django logs it
    assert statuses[7] == 400  # a Host that is not allowed: refused, and Django logs it
    for form_of_key in (key, key.upper(), key.replace("-", "%2D"), key.replace("-", "")):
        assert form_of_key not in output
    assert f'"GET /login/?key={REDACTED} HTTP/1.1" 200' in output
    assert f"Not Found: /no/such/page/{REDACTED}/" in output
    assert "Forbidden (CSRF cookie not set.): /login/" in output
    assert f"Invalid HTTP_HOST header: '{REDACTED}'" in output
    assert f'"https://shop.example/?key={REDACTED}" "ua {REDACTED}"' in output


def test_api_tokens_and_bearer_credentials_are_redacted():
    from backroom.accounts.tokens import generate_token

    token = generate_token()
    assert redact(f"Authorization: Bearer {token}") == f"Authorization: Bearer {REDACTED}"
    assert redact(f"token {token} refused") == f"token {REDACTED} refused"
    assert redact("Authorization: bearer opaque-thing") == f"Authorization: bearer {REDACTED}"
