"""Backroom as a WooCommerce plugin meets it: `backroom serve` in a process group of its own on
a free port, over the data of a Site, spoken to over real HTTP.

A Site is a data folder (SQLite) or a data folder plus a PostgreSQL database of its own (when
the tests run on PostgreSQL). It is prepared once through the real commands (`backroom demo
--json`, `backroom import_products`), then copied for each test (a folder copy; on PostgreSQL
`CREATE DATABASE ... TEMPLATE`), so every scenario starts from the same first-sync state and
no test sees another's changes. The test database of pytest-django is never involved: the
server has its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT = 120
START_ATTEMPTS = 3
COMMAND_TIMEOUT = 600


def backroom(*args: str) -> list[str]:
    return [sys.executable, "-m", "backroom.cli", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Postgres:
    """The PostgreSQL server the tests run on, for databases the served Backroom gets."""

    host: str
    port: str
    user: str
    password: str

    @classmethod
    def of_test_connection(cls) -> Postgres | None:
        """The server of pytest-django's connection, or None on SQLite."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return None
        settings = connection.settings_dict
        return cls(
            host=settings["HOST"] or "127.0.0.1",
            port=str(settings["PORT"] or 5432),
            user=settings["USER"] or "postgres",
            password=settings["PASSWORD"] or "",
        )

    def url(self, database: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(sql)

    def create(self, name: str, *, template: str | None = None) -> None:
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    """The data one served Backroom works on."""

    data_dir: Path
    postgres: Postgres | None = None
    database: str | None = None

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BACKROOM_", "DATABASE_URL"))
        }
        env.update(
            BACKROOM_DATA_DIR=str(self.data_dir),
            BACKROOM_DEBUG="0",
            BACKROOM_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="backroom.settings",
        )
        if self.postgres is not None:
            env["DATABASE_URL"] = self.postgres.url(self.database)
        return env

    def run(self, *args: str) -> str:
        """A `backroom` command on this site's data; its standard output. Fails the test with
        the command's output when it fails."""
        done = subprocess.run(
            backroom(*args),
            env=self.env(),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(
                f"backroom {' '.join(args)} exited {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done.stdout

    def action(self, name: str, /, **arguments: object) -> object:
        """Call tests.storeapi.e2e.actions.<name>(**arguments) inside `backroom shell` on this
        site's data (through the services, as a user's edit would go); its JSON result."""
        code = (
            "import json; from tests.storeapi.e2e import actions; "
            f"print(json.dumps(actions.{name}(**json.loads({json.dumps(json.dumps(arguments))}))))"
        )
        return json.loads(self.run("shell", "-c", code).strip().splitlines()[-1])

    def copy(self, data_dir: Path, database: str | None) -> Site:
        """A copy of this site's data (the folder, and the database on PostgreSQL)."""
        shutil.copytree(self.data_dir, data_dir)
        if self.postgres is not None:
            self.postgres.create(database, template=self.database)
        return Site(data_dir=data_dir, postgres=self.postgres, database=database)

    def drop(self) -> None:
        if self.postgres is not None:
            self.postgres.drop(self.database)

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        """`backroom serve` on a free port in its own process group; yields its base URL once
        it answers, and kills the whole group on the way out, whatever happened. A server that
        exits while starting (another process took the port meanwhile) is started again on
        another port, up to START_ATTEMPTS times."""
        logs = []
        for _ in range(START_ATTEMPTS):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = self.env()
            env["BACKROOM_PUBLIC_URL"] = base
            log = self.data_dir / f"serve-{port}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    backroom("serve", "--port", str(port), "--workers", "2"),
                    env=env,
                    cwd=REPO,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                if _answers(f"{base}/login/", process, log):
                    yield base
                    return
            finally:
                _kill_group(process)
            logs.append(log.read_text())
        pytest.fail(f"backroom serve exited while starting, {START_ATTEMPTS} times:\n{logs[-1]}")


def _answers(url: str, process: subprocess.Popen, log: Path) -> bool:
    """Wait for the server to answer (True) or to exit (False); fail after STARTUP_TIMEOUT."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"backroom serve did not answer within {STARTUP_TIMEOUT} s:\n{log.read_text()}")


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the server's whole process group (gunicorn's master and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
