"""putOrdersIntoCRM under posts at once (PostgreSQL: real concurrency, each thread its own
connection and its own HTTP client, through the whole view): an order posted by several
overlapping cycles becomes one order, stock is never reserved twice or beyond what is there, one
new buyer becomes one customer, and a poisoned order in every batch holds only itself."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from backroom.customers.models import Customer
from backroom.inventory.models import Reservation
from backroom.inventory.services import set_on_hand
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.stores.models import CallJournal, HeldOrder, Store
from tests.inventory.threads import run_at_once
from tests.storeapi import test_orders_api as orders_api
from tests.storeapi.conftest import Plugin

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

linked = orders_api.linked
order_727 = orders_api.order_727
ORDERS = orders_api.ORDERS
hoodie_order = orders_api.hoodie_order


def post_all(key: str, batches: list[list]) -> list[object]:
    """Post each batch from its own thread (its own client and connection), all at once."""

    def poster(batch: list):
        def post():
            response = Plugin(key).post(ORDERS, body=orders_api.orders_body(key, batch))
            return response.status_code, response.content

        return post

    return run_at_once([poster(batch) for batch in batches])


@pytest.fixture
def reserving(store, linked, warehouse) -> Store:
    """The store reserves its orders' stock, and 10 Hoodies are in its orders' department."""
    Store.objects.filter(pk=store.pk).update(auto_reserve=True)
    set_on_hand(department=warehouse, quantities={linked["hoodie"]: Decimal(10)})
    return store


def reserved() -> Decimal:
    return Reservation.objects.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def test_one_order_posted_20_times_at_once_is_one_order(key, reserving, order_727):
    order = hoodie_order(order_727, order_id=900, quantity=2, email="ann@example.com")

    results = post_all(key, [[order]] * 20)

    assert results == [(200, b"1")] * 20
    assert list(CustomerOrder.objects.values_list("store_order_id", flat=True)) == [900]
    assert Customer.objects.count() == 1
    assert OrderLine.objects.count() == 1
    assert reserved() == Decimal(2)
    assert not HeldOrder.objects.exists()
    journal = CallJournal.objects.get(endpoint=ORDERS)
    assert (journal.calls, journal.failures, journal.items) == (20, 0, 20)


def test_30_orders_at_once_for_10_units_reserve_10(key, reserving, order_727):
    batches = [
        [hoodie_order(order_727, order_id=1000 + n, quantity=1, email=f"buyer{n}@example.com")]
        for n in range(30)
    ]

    results = post_all(key, batches)

    assert results == [(200, b"1")] * 30
    assert CustomerOrder.objects.count() == 30
    assert Customer.objects.count() == 30
    assert reserved() == Decimal(10)
    assert Reservation.objects.count() == 10
    assert set(Reservation.objects.values_list("quantity", flat=True)) == {Decimal(1)}
    assert not HeldOrder.objects.exists()


def test_orders_of_one_new_buyer_at_once_make_one_customer(key, reserving, order_727):
    batches = [
        [hoodie_order(order_727, order_id=1100 + n, quantity=1, email="Same.Buyer@Example.com ")]
        for n in range(12)
    ]

    results = post_all(key, batches)

    assert results == [(200, b"1")] * 12
    assert CustomerOrder.objects.count() == 12
    assert list(Customer.objects.values_list("email", flat=True)) == ["Same.Buyer@Example.com"]
    reasons = sorted(CustomerOrder.objects.values_list("customer_reason", flat=True))
    assert reasons == ["created"] + ["email"] * 11


def test_a_poisoned_order_in_every_batch_holds_only_itself(key, reserving, order_727):
    poisoned = hoodie_order(order_727, order_id=1299, quantity=1, email="bad@example.com")
    poisoned["line_items"][0] = {**poisoned["line_items"][0], "product_id": 999, "sku": ""}
    batches = [
        [
            hoodie_order(order_727, order_id=1200 + n, quantity=1, email=f"b{n}@example.com"),
            poisoned,
            "not an order",
        ]
        for n in range(10)
    ]

    results = post_all(key, batches)

    assert results == [(200, b"1")] * 10
    assert sorted(CustomerOrder.objects.values_list("store_order_id", flat=True)) == list(
        range(1200, 1210)
    )
    held = list(
        HeldOrder.objects.order_by("store_order_id").values_list("store_order_id", flat=True)
    )
    assert held == [1299, None]
    assert reserved() == Decimal(10)
    assert not Customer.objects.filter(email="bad@example.com").exists()
