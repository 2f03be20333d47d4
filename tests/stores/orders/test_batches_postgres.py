"""Batches of one store arriving at once (PostgreSQL: real concurrency, each thread its own
connection): one order per store order id, one held row per held order, no orphan customer."""

import pytest
from django.db import connection

from backroom.customers.models import Customer
from backroom.orders.models import CustomerOrder
from backroom.stores.models import HeldOrder
from backroom.stores.order_intake import import_store_orders, retry_held_orders
from tests.inventory.threads import run_at_once
from tests.stores.orders.conftest import Kind, link, product, woo_line, woo_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

RACERS = 8


def batch() -> list[dict]:
    """Two good orders of one new buyer and one of an unknown product (WooCommerce id 8)."""
    return [
        woo_order(1, woo_line(7), date_created_gmt="2024-05-01T10:00:00"),
        woo_order(2, woo_line(8), date_created_gmt="2024-05-01T10:00:01"),
        woo_order(3, woo_line(7, quantity=2), date_created_gmt="2024-05-01T10:00:02"),
    ]


def test_the_same_batch_at_once(store):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))

    results = run_at_once([lambda: import_store_orders(store=store, payloads=batch())] * RACERS)

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r.created for r in results) == 2
    assert sum(r.repeated for r in results) == 2 * (RACERS - 1)
    assert sum(r.held for r in results) == RACERS
    assert sorted(CustomerOrder.objects.values_list("store_order_id", flat=True)) == [1, 3]
    assert Customer.objects.count() == 1
    row = HeldOrder.objects.get()
    assert (row.store_order_id, row.attempts) == (2, RACERS)


def test_junk_held_at_once_is_one_row(store):
    results = run_at_once([lambda: import_store_orders(store=store, payloads=[[1, 2]])] * RACERS)

    assert [r.held for r in results] == [1] * RACERS
    assert list(HeldOrder.objects.values_list("payload", "attempts")) == [([1, 2], RACERS)]


def test_retries_and_batches_at_once_import_a_held_order_once(store, owner):
    order = woo_order(5, woo_line(8), date_created_gmt="2024-05-01T10:00:00")
    import_store_orders(store=store, payloads=[order])
    link(store, Kind.PRODUCT, 8, product(store.company, "Scarf"))
    jobs = [
        lambda: retry_held_orders(user=owner, store_id=store.pk),
        lambda: import_store_orders(store=store, payloads=[]),
        lambda: import_store_orders(store=store, payloads=[order]),
    ] * 3

    results = run_at_once(jobs)

    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(r.created for r in results) + sum(r.released for r in results) >= 1
    assert list(CustomerOrder.objects.values_list("store_order_id", flat=True)) == [5]
    assert Customer.objects.count() == 1
    assert not HeldOrder.objects.exists()
