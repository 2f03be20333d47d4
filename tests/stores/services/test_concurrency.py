"""The account's limit under concurrent creates and restores (PostgreSQL: real row locks)."""

import pytest
from django.db import connection

from backroom.accounts.models import Account
from backroom.stores.errors import StoreLimitReached
from backroom.stores.models import Store
from backroom.stores.services import create_store, delete_stores, restore_stores
from tests.inventory.threads import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_concurrent_creates_never_pass_the_limit(owner, account, store_input):
    Account.objects.filter(pk=account.pk).update(max_stores=2)
    create_store(user=owner, data=store_input(name="Existing"))
    jobs = [
        (lambda i=i: create_store(user=owner, data=store_input(name=f"Racer {i}")))
        for i in range(6)
    ]
    results = run_at_once(jobs)
    made = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, StoreLimitReached)]
    assert (len(made), len(refused)) == (1, 5)
    assert Store.objects.filter(is_deleted=False).count() == 2


def test_concurrent_restores_never_pass_the_limit(owner, account, store_input):
    stores = [create_store(user=owner, data=store_input(name=f"S{i}"))[0] for i in range(4)]
    delete_stores(user=owner, store_ids=[s.pk for s in stores])
    Account.objects.filter(pk=account.pk).update(max_stores=1)
    jobs = [(lambda s=s: restore_stores(user=owner, store_ids=[s.pk])) for s in stores]
    results = run_at_once(jobs)
    outcomes = sorted(
        "restored" if r == 1 else "limit" if isinstance(r, StoreLimitReached) else repr(r)
        for r in results
    )
    assert outcomes == ["limit", "limit", "limit", "restored"]
    assert Store.objects.filter(is_deleted=False).count() == 1
