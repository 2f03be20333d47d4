"""intake_order: an order from a store is created once with everything kept, and a repeat only
follows the status."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backroom.catalog.models import Product
from backroom.customers.models import Customer
from backroom.orders.intake import Buyer, IntakeOutcome, intake_order
from backroom.orders.models import CustomerOrder, OrderLine
from tests.orders.intake.conftest import (
    JANE_BILLING,
    JANE_SHIPPING,
    PLACED_AT,
    incoming,
    line,
)

STORE_TOTALS = {"total": "29.97", "total_tax": "0.00", "shipping_total": "0.00"}


def test_a_new_order_keeps_everything_the_store_sent(shop, warehouse, owner, widget, gadget):
    payload = {"id": 1001, "number": "1001", "status": "processing", "extra": ["kept"]}
    sent = incoming(
        line(widget, "2", "9.99", store_line_id=11, store_total="19.98"),
        line(gadget, "1", "9.99", name="Gadget – large", store_line_id=12, store_total="9.99"),
        store_order_number="WC-1001",
        store_totals=STORE_TOTALS,
        note="Ring twice",
        payload=payload,
    )

    intake = intake_order(store=shop, incoming=sent)

    assert intake.outcome == IntakeOutcome.CREATED
    order = CustomerOrder.objects.get()
    assert intake.order == order
    jane = Customer.objects.get()
    assert (order.number, order.status, order.customer, order.customer_reason) == (
        1,
        "processing",
        jane,
        "created",
    )
    assert (order.store, order.store_order_id, order.store_order_number) == (shop, 1001, "WC-1001")
    assert (order.department, order.created_by, order.currency) == (warehouse, owner, "GBP")
    assert order.store_created_at == datetime(2024, 6, 1, 9, 30, 5, tzinfo=UTC)
    assert order.shipment_date == date(2024, 6, 2)  # the order's day + 1 day (the store's)
    assert (order.billing_address, order.shipping_address) == (JANE_BILLING, JANE_SHIPPING)
    assert (order.store_totals, order.totals_mismatch) == (STORE_TOTALS, False)
    assert order.store_payload == payload
    assert (order.note, order.total) == ("Ring twice", D("29.97"))
    assert list(
        order.lines.values_list(
            "product",
            "name",
            "quantity",
            "price",
            "total",
            "product_match",
            "store_line_id",
            "store_total",
        )
    ) == [
        (widget.pk, "Widget", D("2.000"), D("9.99"), D("19.98"), "store_id", 11, D("19.98")),
        (gadget.pk, "Gadget – large", D("1.000"), D("9.99"), D("9.99"), "store_id", 12, D("9.99")),
    ]


def test_sending_it_again_changes_nothing(shop, widget, gadget):
    first = intake_order(store=shop, incoming=incoming(line(widget, "2")))
    before = CustomerOrder.objects.values().get()

    # The same order again, even with other lines, buyer and payload: a repeat is a repeat.
    again = incoming(
        line(gadget, "5"),
        buyer=Buyer(name="Somebody Else", email="else@example.test"),
        payload={"id": 1001, "changed": True},
    )
    second = intake_order(store=shop, incoming=again)

    assert (second.outcome, second.order.pk) == (IntakeOutcome.UNCHANGED, first.order.pk)
    assert CustomerOrder.objects.values().get() == before
    assert list(OrderLine.objects.values_list("product", "quantity")) == [(widget.pk, D("2.000"))]
    assert list(Customer.objects.values_list("name", "email")) == [
        ("Jane Doe", "Jane.Doe@Example.test")
    ]


def test_a_new_status_is_followed_and_the_newest_payload_kept(shop, widget):
    first = intake_order(store=shop, incoming=incoming(line(widget, "2")))
    newer = {"id": 1001, "status": "completed", "date_completed_gmt": "2024-06-03T10:00:00"}

    second = intake_order(
        store=shop,
        incoming=incoming(line(widget, "7"), status="completed", payload=newer, note="changed"),
    )

    assert (second.outcome, second.order.pk) == (IntakeOutcome.STATUS_CHANGED, first.order.pk)
    order = CustomerOrder.objects.get()
    assert (order.status, order.store_payload, order.note) == ("completed", newer, "")
    assert list(OrderLine.objects.values_list("quantity", flat=True)) == [D("2.000")]
    assert intake_order(store=shop, incoming=incoming(status="completed")).outcome == "unchanged"


def test_the_same_store_order_id_of_another_store_is_another_order(
    shop, webshop, company, retail, warehouse, owner, widget
):
    from backroom.stores.models import Store

    second_shop = Store.objects.create(
        company=company,
        name="Acme outlet",
        language="EN",
        regular_price_type=retail,
        orders_department=warehouse,
        order_creator=owner,
        created_by=owner,
    )

    a = intake_order(store=shop, incoming=incoming(line(widget)))
    b = intake_order(store=second_shop, incoming=incoming(line(widget)))

    assert (a.outcome, b.outcome) == ("created", "created")
    assert (a.order.number, b.order.number) == (1, 2)
    assert b.order.customer == a.order.customer  # the same e-mail: one buyer
    assert b.order.customer_reason == "email"


def test_two_lines_of_one_product_stay_two_lines(shop, company):
    # Two variations of one parent (B-21) and the same variation twice: three lines.
    red_8 = Product.objects.create(company=company, name="Red / 8", sku="R-8")
    red_9 = Product.objects.create(company=company, name="Red / 9", sku="R-9")

    order = intake_order(
        store=shop,
        incoming=incoming(
            line(red_8, "1", "20.00", store_line_id=1),
            line(red_9, "1", "20.00", store_line_id=2),
            line(red_8, "2", "18.00", store_line_id=3),
        ),
    ).order

    assert list(order.lines.values_list("product", "quantity", "price", "store_line_id")) == [
        (red_8.pk, D("1.000"), D("20.00"), 1),
        (red_9.pk, D("1.000"), D("20.00"), 2),
        (red_8.pk, D("2.000"), D("18.00"), 3),
    ]
    assert order.total == D("76.00")


def test_fractional_quantity_and_an_unrounded_store_price(shop, widget):
    # WooCommerce's price is total / quantity, unrounded: 1.5 x 17.647059 -> 17.65 each.
    order = intake_order(
        store=shop, incoming=incoming(line(widget, "1.5", "17.647059", store_total="26.47"))
    ).order

    assert list(order.lines.values_list("quantity", "price", "total", "store_total")) == [
        (D("1.500"), D("17.65"), D("26.48"), D("26.47"))
    ]
    assert (order.total, order.totals_mismatch) == (D("26.48"), True)


@pytest.mark.parametrize(
    ("store_totals", "mismatch"),
    [
        (("10.00", "5.50"), False),
        (("10.00", "5.49"), True),
        (("10.00", None), False),  # a line without a store total is not compared
        ((None, None), False),
    ],
)
def test_totals_mismatch_compares_the_lines_the_store_totalled(
    shop, widget, gadget, store_totals, mismatch
):
    order = intake_order(
        store=shop,
        incoming=incoming(
            line(widget, "1", "10.00", store_total=store_totals[0]),
            line(gadget, "0.5", "11.00", store_total=store_totals[1]),
        ),
    ).order

    assert (order.total, order.totals_mismatch) == (D("15.50"), mismatch)


@pytest.mark.parametrize(
    ("order_date", "placed_at", "expected"),
    [
        (date(2024, 6, 1), PLACED_AT, date(2024, 6, 4)),
        # The shop's day wins over the UTC one (B-48: local 2024-06-01 00:10 in Kolkata).
        (date(2024, 6, 1), datetime(2024, 5, 31, 18, 40, tzinfo=UTC), date(2024, 6, 4)),
        (None, datetime(2024, 5, 31, 23, 59, 59, tzinfo=UTC), date(2024, 6, 3)),
        (date(2024, 12, 30), None, date(2025, 1, 2)),
    ],
)
def test_shipment_date_counts_from_the_orders_day(shop, widget, order_date, placed_at, expected):
    shop.days_to_shipment = 3

    order = intake_order(
        store=shop,
        incoming=incoming(line(widget), order_date=order_date, store_created_at=placed_at),
    ).order

    assert order.shipment_date == expected


def test_shipment_date_without_any_date_counts_from_today(shop, widget):
    shop.days_to_shipment = 0
    today = timezone.localdate()

    order = intake_order(
        store=shop, incoming=incoming(line(widget), order_date=None, store_created_at=None)
    ).order

    assert order.shipment_date in {today, timezone.localdate()}
    assert order.store_created_at is None


def test_labels_too_long_are_cut_not_refused(shop, widget):
    order = intake_order(
        store=shop,
        incoming=incoming(line(widget, name="N" * 600), store_order_number="9" * 50),
    ).order

    assert order.store_order_number == "9" * 40
    assert order.lines.get().name == "N" * 500


_LOCKS = 1 if connection.vendor == "postgresql" else 0  # the buyer's advisory locks


def _queries(shop, sent) -> int:
    with CaptureQueriesContext(connection) as queries:
        intake_order(store=shop, incoming=sent)
    return len(queries)


def test_query_count_per_order_does_not_grow_with_lines(shop, company, stock):
    shop.auto_reserve = True
    products = Product.objects.bulk_create(
        Product(company=company, name=f"P{i}", sku=f"P-{i}") for i in range(12)
    )
    for product in products:
        stock(product, "5")
    one_line = incoming(line(products[0]), store_order_id=1)
    twelve_lines = incoming(*(line(p) for p in products), store_order_id=2)
    assert _queries(shop, incoming(line(products[0]), store_order_id=99)) > 0  # counters made

    counts = (_queries(shop, one_line), _queries(shop, twelve_lines))

    # The buyer's locks (PostgreSQL), the order looked for, the customer by e-mail, a number
    # (2), the order, its lines; the lines read back and reserved (company check, lock, earlier
    # reservations read and deleted, availability, insert, marks); 8 savepoint statements.
    assert counts == (22 + _LOCKS, 22 + _LOCKS)


def test_query_count_of_a_repeat(shop, widget):
    intake_order(store=shop, incoming=incoming(line(widget)))

    # The order locked and found, and the savepoint's two statements.
    assert _queries(shop, incoming(line(widget))) == 3 + _LOCKS
    # A new status: the order found and saved, its reservations looked for (none), savepoint.
    assert _queries(shop, incoming(line(widget), status="cancelled")) == 6 + _LOCKS
