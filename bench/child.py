"""What the benchmarks share: running one benchmark on one database in a child process of its
own (Django reads its settings once per process): SQLite in a temporary folder, PostgreSQL in a
database created for the run and dropped after it; and writing the figures."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]


def run_in_child(backend: str, *, module: str, args: list[str]) -> dict | None:
    """`python -m <module> --child <backend> --out <file> <args>` on a fresh `backend`
    database; what the child wrote to <file> (JSON), or None when PostgreSQL cannot be used."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKROOM_")}
    env.update(
        BACKROOM_ALLOWED_HOSTS="testserver",
        BACKROOM_LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="backroom.settings",
    )
    server = database = None
    name = module.rsplit(".", 1)[-1]
    with tempfile.TemporaryDirectory(prefix=f"br-bench-{name}-") as folder:
        env["BACKROOM_DATA_DIR"] = folder
        Path(folder, "static").mkdir()  # whitenoise's folder: no collectstatic needed here
        if backend == "sqlite":
            env.pop("DATABASE_URL", None)
        elif backend == "postgresql":
            server = postgres_server()
            database = f"br_bench_{name}_{os.getpid()}"
            try:
                execute_on_postgres(server, f'CREATE DATABASE "{database}"')
            except psycopg.Error as error:
                print(f"bench: postgresql skipped, it cannot be used: {error}")
                return None
            env["DATABASE_URL"] = f"{server}/{database}"
        else:
            raise SystemExit(f"bench: unknown backend {backend!r}")
        out = Path(folder) / "result.json"
        try:
            command = [sys.executable, "-m", module, "--child", backend, "--out", str(out), *args]
            subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 - our own module
            return json.loads(out.read_text())
        finally:
            if database is not None:
                execute_on_postgres(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def postgres_server() -> str:
    """postgres://user[:password]@host:port of DATABASE_URL, else the local server."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


def execute_on_postgres(server: str, sql: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)


def write_results(path: Path, *, benchmark: str, results: dict) -> None:
    """The figures, with when and on what they were measured, as JSON at `path`."""
    path.parent.mkdir(exist_ok=True)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    when = datetime.now(UTC).isoformat(timespec="seconds")
    summary = {"benchmark": benchmark, "when": when, "machine": machine, "results": results}
    path.write_text(json.dumps(summary, indent=2))
    print(f"bench: figures written to {path.relative_to(ROOT)}")
