"""Fixtures borrowed from the API tests (tests/api/conftest.py is not visible from here)."""

from tests.api.conftest import body, store  # noqa: F401
