"""`backroom serve`: migrate, collect static files, then serve with gunicorn.

gunicorn runs in this process (not runserver, not a shell-out), so Ctrl-C reaches its arbiter,
which stops the workers and exits cleanly. Static files are served by whitenoise from
STATIC_ROOT, which is why they are collected first.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

SQLITE_WORKERS = 2
"""SQLite takes one writer at a time (WAL lets readers go on): more workers only queue up."""

POSTGRES_MAX_WORKERS = 8


def default_workers(*, engine: str, cpus: int | None) -> int:
    """gunicorn's rule of thumb (2 x cores + 1) on PostgreSQL, capped; a small fixed number on
    SQLite, where writers take turns anyway."""
    if engine.endswith("sqlite3"):
        return SQLITE_WORKERS
    return min(2 * (cpus or 1) + 1, POSTGRES_MAX_WORKERS)


def gunicorn_options(*, host: str, port: int, workers: int) -> dict[str, object]:
    """The gunicorn settings `serve` runs with."""
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "worker_class": "sync",
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        # Redacts store keys (`?key=`...) from the access and error logs.
        "logger_class": "backroom.core.logging.GunicornLogger",
        "proc_name": "backroom",
    }


def run_gunicorn(options: dict[str, object]) -> None:
    """Serve backroom.wsgi with gunicorn in this process until it is stopped."""
    from gunicorn.app.base import BaseApplication

    class BackroomApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)
            # gunicorn 25.1+ opens a control socket at one fixed path per user, so two servers on
            # one machine (a demo and the tests, say) would fight over it. Nothing here uses it.
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            from backroom.wsgi import application

            return application

    BackroomApplication().run()


class Command(BaseCommand):
    help = "Apply migrations, collect static files, and serve Backroom with gunicorn."

    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"gunicorn worker processes (default: {SQLITE_WORKERS} on SQLite, "
            f"2 x cores + 1 up to {POSTGRES_MAX_WORKERS} on PostgreSQL).",
        )

    def handle(self, *args, host: str, port: int, workers: int | None, **options) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if workers is not None and workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}.")
        engine = settings.DATABASES["default"]["ENGINE"]
        if workers is None:
            workers = default_workers(engine=engine, cpus=os.cpu_count())

        call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        # The workers are forked from this process: they must not share its database sockets.
        connections.close_all()

        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(
            f"Backroom on http://{shown}:{port}/ ({workers} workers, "
            f"{'SQLite' if engine.endswith('sqlite3') else 'PostgreSQL'}). Ctrl-C stops it."
        )
        self.stdout.flush()
        run_gunicorn(gunicorn_options(host=host, port=port, workers=workers))
