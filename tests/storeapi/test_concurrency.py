"""The journal and the failure counts under calls at once from several processes' worth of
connections (PostgreSQL: real concurrency): no count is lost, no row is doubled."""

import pytest
from django.db import connection

from backroom.stores import journal
from backroom.stores.models import AuthFailure, CallJournal
from tests.inventory.threads import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

RACERS = 8
CALLS = 5


def test_calls_at_once_are_all_counted(store):
    def calls():
        for _ in range(CALLS):
            journal.record_call(store=store, endpoint="isLetSync", items=2)

    results = run_at_once([calls] * RACERS)

    assert results == [None] * RACERS
    row = CallJournal.objects.get(store=store, endpoint="isLetSync")
    assert (row.calls, row.items) == (RACERS * CALLS, RACERS * CALLS * 2)


def test_failures_at_once_are_all_counted(db):
    def fail():
        for _ in range(CALLS):
            journal.record_auth_failure(address="198.51.100.7")

    results = run_at_once([fail] * RACERS)

    assert results == [None] * RACERS
    assert sum(AuthFailure.objects.values_list("count", flat=True)) == RACERS * CALLS
