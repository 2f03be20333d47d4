"""intake_order refuses what cannot be stored with OrderNotImported and a sentence for the shop
owner, and writes nothing: no order, no customer, no reservation."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from backroom.accounts.models import Membership
from backroom.catalog.models import Product
from backroom.customers.models import Customer
from backroom.customers.services import create_customer
from backroom.inventory.models import Reservation
from backroom.orders.errors import OrderNotImported
from backroom.orders.intake import Buyer, IncomingLine, intake_order
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.stores.models import Store
from tests.orders.intake.conftest import incoming, line


@pytest.fixture
def reserving(shop, widget, stock):
    shop.auto_reserve = True
    stock(widget, "5")
    return shop


def _refused(store, sent) -> str:
    with pytest.raises(OrderNotImported) as refusal:
        intake_order(store=store, incoming=sent)
    assert (CustomerOrder.objects.count(), Customer.objects.count()) == (0, 0)
    assert Reservation.objects.count() == 0
    return refusal.value.reason


def test_a_bad_line_is_named(reserving, widget, gadget):
    sent = incoming(
        line(widget, "1"),
        line(gadget, "2", "-1.00", name="Gadget, blue"),
        line(widget, "0", name=""),
    )

    assert _refused(reserving, sent) == (
        "Backroom cannot store this order as the store sent it: "
        "line 2 (Gadget, blue, SKU G-1), the price: must not be negative; "
        "line 3 (Widget, SKU W-1), the quantity: must be above zero."
    )


def test_a_number_out_of_range(reserving, widget):
    sent = incoming(line(widget, "1", store_total="1e20"), currency="EURO")

    assert _refused(reserving, sent) == (
        "Backroom cannot store this order as the store sent it: "
        "line 1 (Widget, SKU W-1), the store's line total: out of range; "
        "the currency: three letters (ISO 4217), or empty."
    )


def test_a_creator_who_left_the_account(reserving, widget):
    Membership.objects.filter(user=reserving.order_creator).delete()
    reserving.order_creator.refresh_from_db()

    assert _refused(reserving, incoming(line(widget))) == (
        "The connection's order creator (owner) is no longer a member of the company's account: "
        "choose another creator on the connection page."
    )


def test_a_product_of_another_company(reserving, foreign_product):
    assert _refused(reserving, incoming(line(foreign_product))) == (
        "The order names a product of another company."
    )


def test_a_default_customer_of_another_company(shop, widget, other_company):
    shop.if_customer_not_found = Store.IfCustomerNotFound.USE_DEFAULT
    shop.default_customer = create_customer(company=other_company, name="Elsewhere")

    with pytest.raises(OrderNotImported) as refusal:
        intake_order(store=shop, incoming=incoming(line(widget)))

    assert refusal.value.reason == (
        "The connection's default customer belongs to another company: choose another one on "
        "the connection page."
    )
    assert CustomerOrder.objects.count() == 0


def test_settings_the_connection_rules_forbid(company, retail, warehouse, owner, widget):
    # In-memory stores: the database would refuse to keep them.
    store = Store(
        company=company,
        name="Broken",
        language="EN",
        regular_price_type=retail,
        order_creator=owner,
        created_by=owner,
        if_customer_not_found=Store.IfCustomerNotFound.USE_DEFAULT,
    )
    assert _refused(store, incoming(line(widget))) == (
        "The connection has no orders department: choose one on the connection page."
    )

    store.orders_department = warehouse
    store.pk = 0
    assert _refused(store, incoming(line(widget))) == (
        "The buyer is not a known customer and the connection has no default customer: "
        "choose one on the connection page."
    )


def test_an_unknown_status(shop, widget):
    assert _refused(shop, incoming(line(widget), status="pending")) == (
        "Backroom does not know the order status 'pending'."
    )


def test_a_date_too_far_in_the_future(shop, widget):
    sent = incoming(line(widget), order_date=date.max)

    assert _refused(shop, sent) == (
        "The order's date (9999-12-31) is too far in the future for a shipment date."
    )


def test_a_naive_placed_at(shop, widget):
    sent = incoming(line(widget), store_created_at=datetime(2024, 6, 1, 9, 30))

    assert _refused(shop, sent) == (
        "Backroom cannot store this order as the store sent it: "
        "the date it was placed: a date and time with its time zone."
    )


def test_a_buyer_that_cannot_be_kept(shop, widget):
    sent = incoming(line(widget), buyer=Buyer(name="Ann", billing_address={"x": "y" * 10_001}))

    assert _refused(shop, sent) == (
        "The buyer cannot be kept as a new customer: the billing address: at most 10000 characters."
    )


def test_a_payload_nested_too_deeply(shop, widget):
    payload: dict = {"id": 1001}
    for _ in range(150):
        payload = {"a": payload}

    assert _refused(shop, incoming(line(widget), payload=payload)) == (
        "Backroom cannot store this order as the store sent it: "
        "the order's data: the data is nested too deeply."
    )


def test_a_long_reason_is_cut_to_what_a_held_order_keeps(shop, company):
    products = Product.objects.bulk_create(
        Product(company=company, name="P" * 200, sku=f"S{i}") for i in range(20)
    )
    lines = [
        IncomingLine(
            product=p, product_match=OrderLine.ProductMatch.SKU, quantity=D("1"), price=D(-1)
        )
        for p in products
    ]

    reason = _refused(shop, incoming(*lines))

    assert len(reason) == 1000 and reason.endswith("…")


def test_a_repeat_with_a_bad_status_changes_nothing(shop, widget):
    intake_order(store=shop, incoming=incoming(line(widget)))

    with pytest.raises(OrderNotImported):
        intake_order(store=shop, incoming=incoming(line(widget), status="weird"))

    assert CustomerOrder.objects.get().status == "processing"


def test_a_payload_with_text_no_database_takes_is_kept_readable(shop, widget):
    payload = {"id": 1001, "note\x00": "a\x00b", "name": "lone \ud800 surrogate", "ok": "é ✓"}

    order = intake_order(store=shop, incoming=incoming(line(widget), payload=payload)).order

    assert CustomerOrder.objects.get(pk=order.pk).store_payload == {
        "id": 1001,
        "note\ufffd": "a\ufffdb",
        "name": "lone \ufffd surrogate",
        "ok": "é ✓",
    }


@pytest.mark.parametrize("store_order_id", [0, -1, 2**63, True, "1001", None])
def test_an_unusable_store_order_id(shop, widget, store_order_id):
    sent = incoming(line(widget), store_order_id=store_order_id)

    assert _refused(shop, sent) == (
        f"The order's id in the store ({store_order_id!r}) is not usable."
    )


def test_a_repeat_whose_new_payload_cannot_be_kept_changes_nothing(shop, widget):
    intake_order(store=shop, incoming=incoming(line(widget)))
    payload: dict = {"id": 1001}
    for _ in range(150):
        payload = {"a": payload}

    with pytest.raises(OrderNotImported) as refusal:
        intake_order(store=shop, incoming=incoming(status="completed", payload=payload))

    assert refusal.value.reason == (
        "The order's data cannot be kept: the data is nested too deeply."
    )
    assert CustomerOrder.objects.get().status == "processing"
