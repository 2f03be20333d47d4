"""`backroom serve`: its choices, and the arguments it refuses before touching anything."""

import pytest
from django.core.management import CommandError, call_command

from backroom.web.management.commands.serve import default_workers, gunicorn_options


@pytest.mark.parametrize(
    ("engine", "cpus", "workers"),
    [
        ("django.db.backends.sqlite3", 16, 2),
        ("django.db.backends.sqlite3", None, 2),
        ("django.db.backends.postgresql", 1, 3),
        ("django.db.backends.postgresql", 2, 5),
        ("django.db.backends.postgresql", 16, 8),
        ("django.db.backends.postgresql", None, 3),
    ],
)
def test_default_workers(engine, cpus, workers):
    assert default_workers(engine=engine, cpus=cpus) == workers


@pytest.mark.parametrize(
    ("host", "bind"),
    [("127.0.0.1", "127.0.0.1:8000"), ("0.0.0.0", "0.0.0.0:8000"), ("::1", "[::1]:8000")],  # noqa: S104
)
def test_bind_address(host, bind):
    options = gunicorn_options(host=host, port=8000, workers=2)

    assert options["bind"] == [bind]
    assert options["workers"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "0"], "--port must be between 1 and 65535, not 0"),
        (["--port", "65536"], "--port must be between 1 and 65535, not 65536"),
        (["--workers", "0"], "--workers must be at least 1, not 0"),
    ],
)
def test_refuses_bad_numbers_before_migrating(args, message):
    """No database here: had the command migrated first, it would fail with RuntimeError."""
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args)
