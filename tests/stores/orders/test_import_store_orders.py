"""import_store_orders: each order of a store's batch on its own; the ones that cannot be
imported held with their reason and tried again; the plugin's codes; the watermark."""

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from backroom.customers.models import Customer
from backroom.orders.models import CustomerOrder
from backroom.stores import order_intake
from backroom.stores.models import HeldOrder, Store
from backroom.stores.order_intake import (
    BUG_REASON,
    DEFAULT_CUSTOMER_NOT_SET,
    DEPARTMENT_NOT_SET,
    NO_ORDERS_YET,
    BatchReport,
    import_store_orders,
    last_order_time,
    orders_refusal,
)
from tests.stores.orders.conftest import Kind, link, link_lines, product, woo_line, woo_order

pytestmark = pytest.mark.django_db

UNKNOWN_LINE = (
    'No Backroom product matches line 1 "Product 8" (WooCommerce product 8). Link the product '
    "to this store (a catalog sync records its WooCommerce id) or give a Backroom product the "
    "same SKU, then try again."
)


@pytest.fixture
def tea(store):
    return link(store, Kind.PRODUCT, 7, product(store.company, "Tea", sku="TEA"))


def placed(order_id: int, moment: str, *lines, **changes) -> dict:
    """Order `order_id` placed at `moment` (UTC text) with `lines` (default: one Tea)."""
    return woo_order(
        order_id, *(lines or [woo_line(7)]), date_created_gmt=moment, date_created=moment, **changes
    )


def store_orders(store) -> list[tuple[int, str]]:
    return list(
        CustomerOrder.objects.filter(store=store)
        .order_by("number")
        .values_list("store_order_id", "status")
    )


def held(store) -> list[tuple[int | None, str, int]]:
    return list(
        HeldOrder.objects.filter(store=store)
        .order_by("id")
        .values_list("store_order_id", "reason", "attempts")
    )


# -- the refusals (-220 / -222) -----------------------------------------------------------------


def test_no_refusal_for_a_complete_connection(store):
    assert orders_refusal(store=store) is None


def test_refusals_of_a_connection_that_cannot_take_orders(store, customer):
    """The rules and the database make these impossible: checked on a store in memory."""
    no_department = Store(**{**_fields(store), "orders_department_id": None})
    no_default = Store(**{**_fields(store), "if_customer_not_found": "use_default"})
    with_default = Store(
        **{
            **_fields(store),
            "if_customer_not_found": "use_default",
            "default_customer_id": customer.pk,
        }
    )

    assert orders_refusal(store=no_department) == DEPARTMENT_NOT_SET == -220
    assert orders_refusal(store=no_default) == DEFAULT_CUSTOMER_NOT_SET == -222
    assert orders_refusal(store=with_default) is None


def _fields(store: Store) -> dict:
    return {f.attname: getattr(store, f.attname) for f in Store._meta.concrete_fields}


# -- a batch ---------------------------------------------------------------------------------------


def test_an_empty_batch_does_nothing(store, django_assert_num_queries):
    with django_assert_num_queries(1):  # are there held orders to try again?
        report = import_store_orders(store=store, payloads=[])

    assert report == BatchReport()


def test_real_orders_import_once(store, woo_orders):
    payloads = [
        woo_orders[name]
        for name in (
            "docs-v3-retrieve-order-727",
            "docs-v3-list-orders[1]",
            "ios-order-154-guest-gbp-variation",
            "ios-orders-list-4-orders[3]",
        )
    ]
    for payload in payloads:
        link_lines(store, payload)

    first = import_store_orders(store=store, payloads=payloads)
    again = import_store_orders(store=store, payloads=payloads)

    assert first == BatchReport(received=4, created=4)
    assert again == BatchReport(received=4, repeated=4)
    # Imported oldest first: Backroom's numbers follow the store's order of creation.
    assert store_orders(store) == [
        (723, "completed"),
        (727, "processing"),
        (560, "processing"),
        (154, "processing"),
    ]
    assert CustomerOrder.objects.get(store=store, store_order_id=560).lines.count() == 8
    assert not HeldOrder.objects.exists()


def test_a_repeat_follows_the_status(store, woo_orders):
    processing = woo_orders["docs-v3-retrieve-order-727"]
    completed = woo_orders["docs-v3-batch-orders-response:update[0]"]
    link_lines(store, processing)

    import_store_orders(store=store, payloads=[processing])
    report = import_store_orders(store=store, payloads=[completed])

    assert report == BatchReport(received=1, repeated=1)
    order = CustomerOrder.objects.get(store=store, store_order_id=727)
    assert order.status == "completed"
    assert order.store_payload["status"] == "completed"


def test_a_poisoned_order_is_held_and_the_others_go_in(store, tea):
    good_1 = placed(1, "2024-05-01T10:00:00")
    unknown = placed(2, "2024-05-01T10:00:01", woo_line(8))
    junk = "not an order"
    no_id = {"status": "processing", "line_items": []}
    good_2 = placed(3, "2024-05-01T10:00:02")

    report = import_store_orders(store=store, payloads=[good_1, unknown, junk, no_id, good_2])

    assert report == BatchReport(
        received=5,
        created=2,
        held=3,
        held_reasons=[
            f"Order 2 is held: {UNKNOWN_LINE}",
            "An order without a readable id is held: The store sent a text where an order (a "
            "JSON object) was expected.",
            "An order without a readable id is held: The order has no readable id (null): "
            "WooCommerce gives every order a whole number above 0.",
        ],
    )
    assert store_orders(store) == [(1, "processing"), (3, "processing")]
    assert held(store) == [
        (2, UNKNOWN_LINE, 1),
        (None, "The store sent a text where an order (a JSON object) was expected.", 1),
        (
            None,
            "The order has no readable id (null): WooCommerce gives every order a whole number "
            "above 0.",
            1,
        ),
    ]
    row = HeldOrder.objects.get(store_order_id=2)
    assert row.payload == unknown
    assert row.store_created_at == datetime(2024, 5, 1, 10, 0, 1, tzinfo=UTC)
    assert len(row.payload_digest) == 64
    assert HeldOrder.objects.get(payload="not an order").store_created_at is None


@pytest.mark.parametrize(
    ("payload", "kept"),
    [
        (None, None),
        (0, 0),
        ("", ""),
        ([], []),
        ({}, {}),
        (True, True),
        (1.5, 1.5),
        ({"id": None}, {"id": None}),
        (float("inf"), None),  # JSON has no infinity
        ({"a\x00": "\ud800"}, {"a\ufffd": "\ufffd"}),  # neither PostgreSQL's JSON NUL
    ],
)
def test_any_json_value_is_held_as_it_can_be_kept(store, payload, kept):
    report = import_store_orders(store=store, payloads=[payload])

    assert (report.received, report.held) == (1, 1)
    row = HeldOrder.objects.get(store=store)
    assert (row.payload, row.store_order_id, row.attempts) == (kept, None, 1)


def test_a_held_order_sent_again_is_one_row_with_the_newest_payload(store, tea):
    first = placed(2, "2024-05-01T10:00:00", woo_line(8))
    changed = placed(2, "2024-05-01T10:00:00", woo_line(9), customer_note="call first")

    import_store_orders(store=store, payloads=[first])
    import_store_orders(store=store, payloads=[changed])

    row = HeldOrder.objects.get(store=store)
    assert (row.store_order_id, row.attempts, row.payload) == (2, 2, changed)
    assert row.reason == UNKNOWN_LINE.replace("Product 8", "Product 9").replace(
        "product 8", "product 9"
    )
    assert row.last_tried_at > row.held_at


def test_the_same_junk_twice_is_one_row_other_junk_another(store):
    import_store_orders(store=store, payloads=[[1, 2], {"id": "x"}])
    import_store_orders(store=store, payloads=[[1, 2]])

    rows = HeldOrder.objects.order_by("id").values_list("payload", "attempts")
    # [1, 2]: posted twice (not retried besides); {"id": "x"}: posted, then retried once.
    assert list(rows) == [([1, 2], 2), ({"id": "x"}, 2)]


def test_a_held_order_goes_in_once_its_product_is_linked(store):
    """Pitfall B-04: a failed import never leaves a customer behind, retries are harmless, and
    the order goes in on the next post after the fix: 1 customer, 1 order, 0 orphans."""
    order = placed(3001, "2024-05-01T10:00:00", woo_line(8, name="Scarf"))

    import_store_orders(store=store, payloads=[order])
    import_store_orders(store=store, payloads=[])
    import_store_orders(store=store, payloads=[])
    assert held(store)[0][2] == 3
    assert not Customer.objects.exists()

    link(store, Kind.PRODUCT, 8, product(store.company, "Scarf"))
    report = import_store_orders(store=store, payloads=[])

    assert report == BatchReport(released=1)
    assert store_orders(store) == [(3001, "processing")]
    assert Customer.objects.count() == 1
    assert not HeldOrder.objects.exists()


def test_a_held_order_sent_again_after_the_fix_is_released(store):
    order = placed(3001, "2024-05-01T10:00:00", woo_line(8))
    import_store_orders(store=store, payloads=[order])
    link(store, Kind.PRODUCT, 8, product(store.company, "Scarf"))

    report = import_store_orders(store=store, payloads=[order])

    assert report == BatchReport(received=1, created=1, released=1)
    assert not HeldOrder.objects.exists()


def test_held_orders_are_retried_twenty_per_post_least_recently_tried_first(store, tea):
    import_store_orders(
        store=store,
        payloads=[placed(100 + i, f"2024-05-01T10:00:{i:02}", woo_line(8)) for i in range(25)],
    )
    HeldOrder.objects.filter(store_order_id__lt=105).update(
        last_tried_at=timezone.now() - timedelta(hours=1)
    )

    import_store_orders(store=store, payloads=[])

    attempts = dict(HeldOrder.objects.values_list("store_order_id", "attempts"))
    assert sum(attempts.values()) == 25 + 20
    assert [attempts[100 + i] for i in range(5)] == [2] * 5  # tried longest ago: first

    import_store_orders(store=store, payloads=[])

    attempts = dict(HeldOrder.objects.values_list("store_order_id", "attempts"))
    assert sorted(attempts.values()) == [2] * 10 + [3] * 15  # everyone had a turn


def test_a_server_error_on_one_order_holds_it_and_is_logged(store, tea, monkeypatch, caplog):
    real = order_intake.intake_order

    def broken(*, store, incoming):
        if incoming.store_order_id == 2:
            raise ZeroDivisionError("a bug")
        return real(store=store, incoming=incoming)

    monkeypatch.setattr(order_intake, "intake_order", broken)
    payloads = [placed(i, f"2024-05-01T10:00:0{i}") for i in (1, 2, 3)]

    with caplog.at_level(logging.ERROR, logger="backroom.stores.order_intake"):
        report = import_store_orders(store=store, payloads=payloads)

    assert (report.created, report.held) == (2, 1)
    assert report.held_reasons == [f"Order 2 is held: {BUG_REASON}"]
    assert held(store) == [(2, BUG_REASON, 1)]
    assert store_orders(store) == [(1, "processing"), (3, "processing")]
    (record,) = caplog.records
    assert record.getMessage() == f"Importing order 2 of store {store.pk} failed."
    assert record.exc_info[0] is ZeroDivisionError


def test_a_held_order_that_fails_again_records_the_try(store, tea, monkeypatch):
    import_store_orders(store=store, payloads=[placed(2, "2024-05-01T10:00:00", woo_line(8))])
    monkeypatch.setattr(order_intake, "read_woo_order", _raise(KeyError("bug")))

    report = import_store_orders(store=store, payloads=[])

    assert report == BatchReport()
    assert held(store) == [(2, BUG_REASON, 2)]


def _raise(error):
    def fail(**kwargs):
        raise error

    return fail


def test_reasons_are_cut_to_what_is_kept(store):
    many = [woo_line(1000 + i, name="n" * 60) for i in range(40)]
    import_store_orders(store=store, payloads=[placed(2, "2024-05-01T10:00:00", *many)])

    (row,) = HeldOrder.objects.all()
    assert len(row.reason) <= 1000


def test_a_full_page_is_a_warning(store, tea):
    import_store_orders(store=store, payloads=[placed(1, "2024-05-01T09:00:00")])
    payloads = [placed(10 + i, f"2024-05-02T10:00:{i:02}") for i in range(10)]

    report = import_store_orders(store=store, payloads=payloads)

    assert report.created == 10
    assert report.problems == [
        "The store sent 10 orders, as many as the plugin fetches at once: orders placed "
        "between 2024-05-01T08:59:59 and 2024-05-02T10:00:00 (UTC) may not have been sent (a "
        "limit of the DokioStore plugin). Compare with WooCommerce's order list."
    ]


def test_nine_orders_are_no_warning(store, tea):
    payloads = [placed(10 + i, f"2024-05-02T10:00:{i:02}") for i in range(9)]

    assert import_store_orders(store=store, payloads=payloads).problems == []


def test_more_than_a_batch_reads_the_oldest(store, tea, monkeypatch):
    monkeypatch.setattr(order_intake, "MAX_BATCH", 3)
    monkeypatch.setattr(order_intake, "PLUGIN_PAGE_SIZE", 10)
    payloads = [placed(10 + i, f"2024-05-02T10:00:{i:02}") for i in reversed(range(5))]

    report = import_store_orders(store=store, payloads=payloads)

    assert (report.received, report.created) == (5, 3)
    assert report.problems == [
        "The store sent 5 orders at once; Backroom read the 3 oldest. The others are newer "
        "than the watermark, so the store sends them again."
    ]
    assert store_orders(store) == [(10, "processing"), (11, "processing"), (12, "processing")]
    assert last_order_time(store=store) == "2024-05-02T10:00:01"


def test_auto_reserve_through_a_batch(store, tea, warehouse):
    from backroom.inventory.models import Reservation
    from backroom.inventory.services import set_on_hand

    Store.objects.filter(pk=store.pk).update(auto_reserve=True)
    set_on_hand(department=warehouse, quantities={tea: D(3)})

    import_store_orders(
        store=store,
        payloads=[
            placed(1, "2024-05-01T10:00:00", woo_line(7, quantity=2)),
            placed(2, "2024-05-01T10:00:01", woo_line(7, quantity=2)),
        ],
    )

    assert sorted(
        Reservation.objects.filter(order_line__order__store=store).values_list(
            "order_line__order__store_order_id", "quantity"
        )
    ) == [(1, D(2)), (2, D(1))]


QUERIES_PER_ORDER = 30
"""A new order of a new customer, its lines found and reserved: 28 on SQLite (savepoints
included), whatever its line count. A repeat follows its status alone: at most 10."""


@pytest.mark.parametrize("lines", [1, 3, 12])
def test_queries_per_batch_do_not_grow_with_lines(
    store, warehouse, lines, django_assert_max_num_queries
):
    from backroom.inventory.services import set_on_hand

    Store.objects.filter(pk=store.pk).update(auto_reserve=True)
    products = [
        link(store, Kind.PRODUCT, 100 + i, product(store.company, f"P{i}")) for i in range(lines)
    ]
    set_on_hand(department=warehouse, quantities={p: D(5) for p in products})
    payloads = [
        placed(
            1 + n,
            f"2024-05-01T10:00:{n:02}",
            *[woo_line(100 + i, id=i) for i in range(lines)],
            billing={"first_name": f"Buyer {n}", "email": f"b{n}@example.test"},
        )
        for n in range(10)
    ]

    with django_assert_max_num_queries(10 * QUERIES_PER_ORDER + 2):
        report = import_store_orders(store=store, payloads=payloads)
    with django_assert_max_num_queries(10 * 10 + 2):
        again = import_store_orders(store=store, payloads=payloads)

    assert (report.created, again.repeated) == (10, 10)
    assert Customer.objects.count() == 10


# -- the watermark ---------------------------------------------------------------------------------


def test_watermark_without_orders(store):
    assert last_order_time(store=store) == NO_ORDERS_YET == "2000-01-01T00:00:00"


def test_watermark_is_the_newest_order_minus_one_second(store, tea):
    import_store_orders(
        store=store,
        payloads=[placed(1, "2024-05-01T10:00:00"), placed(2, "2024-05-01T11:30:00+02:00")],
    )

    assert last_order_time(store=store) == "2024-05-01T09:59:59"


def test_held_orders_count_for_the_watermark(store, tea):
    import_store_orders(
        store=store,
        payloads=[placed(1, "2024-05-01T10:00:00"), placed(2, "2024-05-03T00:00:00", woo_line(8))],
    )

    assert last_order_time(store=store) == "2024-05-02T23:59:59"


def test_watermark_with_fractions_of_a_second(store, tea):
    import_store_orders(store=store, payloads=[placed(1, "2024-05-01T10:00:00.900Z")])

    assert last_order_time(store=store) == "2024-05-01T09:59:59"


def test_orders_of_other_stores_do_not_count(store, tea, owner, store_input):
    from backroom.stores.services import create_store

    other, _ = create_store(user=owner, data=store_input(name="Other"))
    link(other, Kind.PRODUCT, 7, tea)
    import_store_orders(store=other, payloads=[placed(1, "2024-05-01T10:00:00")])

    assert last_order_time(store=store) == NO_ORDERS_YET


def test_an_order_dated_in_the_future_does_not_move_the_watermark(store, tea):
    """A shop's clock or a date edited in WooCommerce must not make the plugin skip every order
    until then."""
    future = (timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    soon = (timezone.now() + timedelta(minutes=2)).replace(microsecond=0)
    import_store_orders(
        store=store,
        payloads=[placed(1, "2024-05-01T10:00:00"), placed(2, future), placed(3, soon.isoformat())],
    )

    assert last_order_time(store=store) == (soon - timedelta(seconds=1)).astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )


def test_watermark_takes_two_queries(store, django_assert_num_queries):
    with django_assert_num_queries(2):
        last_order_time(store=store)


def test_same_second_orders_are_sent_again_and_are_harmless(store, tea):
    """The plugin asks for orders after the watermark: one placed in the same second as the
    newest comes again with it, and only the new one is created."""
    first = placed(1, "2024-05-01T10:00:00")
    same_second = placed(2, "2024-05-01T10:00:00")
    import_store_orders(store=store, payloads=[first])

    report = import_store_orders(store=store, payloads=[same_second, first])

    assert replace(report, problems=[]) == BatchReport(received=2, created=1, repeated=1)
    assert last_order_time(store=store) == "2024-05-01T09:59:59"
