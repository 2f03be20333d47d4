"""read_woo_order: WooCommerce REST v3 orders as IncomingOrder, with the real orders of
../shared/data/woocommerce-orders (every one must read) and the quirks WooCommerce has."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from backroom.catalog.models import Product
from backroom.orders.errors import OrderNotImported
from backroom.orders.intake import Buyer
from backroom.orders.models import OrderLine
from backroom.stores.models import Store, SyncState
from backroom.stores.woo_orders import MAX_LINES, read_status, read_woo_order
from tests.stores.orders.conftest import Kind, link, link_lines, product, woo_line, woo_order

pytestmark = pytest.mark.django_db
Match = OrderLine.ProductMatch


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# name: id, status, placed at (UTC), order day (shop), currency, buyer name, organisation,
# store customer id, lines, the store's total, the sum of its line totals
EXPECTED = {
    "docs-v3-batch-orders-response:create[0]": (
        728, "new", utc(2017, 3, 22, 19, 33, 34), date(2017, 3, 22), "USD",
        "John Doe", "", None, 3, "62.25", "30.00",
    ),
    "docs-v3-batch-orders-response:create[1]": (
        729, "processing", utc(2017, 3, 22, 19, 33, 42), date(2017, 3, 22), "USD",
        "John Doe", "", None, 2, "54.40", "32.00",
    ),
    "docs-v3-batch-orders-response:update[0]": (
        727, "completed", utc(2017, 3, 22, 19, 28, 2), date(2017, 3, 22), "USD",
        "John Doe", "", None, 2, "29.35", "18.00",
    ),
    "docs-v3-batch-orders-response:delete[0]": (
        723, "completed", utc(2017, 3, 21, 19, 16), date(2017, 3, 21), "USD",
        "João Silva", "", 26, 2, "39.00", "29.00",
    ),
    "docs-v3-list-orders[0]": (
        727, "processing", utc(2017, 3, 22, 19, 28, 2), date(2017, 3, 22), "USD",
        "John Doe", "", None, 2, "29.35", "18.00",
    ),
    "docs-v3-list-orders[1]": (
        723, "completed", utc(2017, 3, 21, 19, 16), date(2017, 3, 21), "USD",
        "João Silva", "", 26, 2, "39.00", "29.00",
    ),
    "docs-v3-retrieve-order-727": (
        727, "processing", utc(2017, 3, 22, 19, 28, 2), date(2017, 3, 22), "USD",
        "John Doe", "", None, 2, "29.35", "18.00",
    ),
    "ios-order-154-guest-gbp-variation": (
        154, "processing", utc(2020, 10, 29, 7, 38, 3), date(2020, 10, 29), "GBP",
        "", "", None, 1, "90.00", "90.00",
    ),
    "ios-order-211-guest-prices-include-tax": (
        211, "processing", utc(2022, 1, 28, 13, 59, 7), date(2022, 1, 28), "USD",
        "Mark Sample", "", None, 1, "33.30", "17.65",
    ),
    "ios-order-459-attribution-meta": (
        459, "processing", utc(2023, 3, 29, 3, 21, 20), date(2023, 3, 29), "USD",
        "Tyrel Senger", "", 27375286, 1, "4.00", "18.00",
    ),
    "ios-order-609-fully-refunded": (
        609, "refunded", utc(2017, 8, 24, 20, 56, 57), date(2017, 8, 24), "USD",
        "Sara Doe", "", 1, 1, "223.71", "180.00",
    ),
    "ios-orders-list-4-orders[0]": (
        963, "processing", utc(2018, 4, 3, 23, 5, 12), date(2018, 4, 3), "USD",
        "Johnny Appleseed", "", 11, 2, "31.20", "30.00",
    ),
    "ios-orders-list-4-orders[1]": (
        961, "processing", utc(2018, 4, 3, 20, 54, 21), date(2018, 4, 3), "USD",
        "Julia Woo", "The Nuttery", 1, 1, "20.00", "20.00",
    ),
    "ios-orders-list-4-orders[2]": (
        960, "processing", utc(2018, 4, 3, 20, 52, 38), date(2018, 4, 3), "USD",
        "Julia Woo", "The Nuttery", 1, 1, "20.00", "20.00",
    ),
    "ios-orders-list-4-orders[3]": (
        560, "processing", utc(2019, 10, 1, 19, 31, 17), date(2019, 10, 1), "USD",
        "Paula Example", "Smithsonian Natural History Museum", 1, 8, "1198.50", "908.10",
    ),
}  # fmt: skip


def test_every_real_order_is_known(woo_orders):
    assert set(woo_orders) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_order_reads(store, woo_orders, name):
    order = woo_orders[name]
    made = link_lines(store, order)

    incoming = read_woo_order(store=store, payload=order)

    (order_id, status, placed, day, currency, person, organisation, customer_id, lines, total,
     lines_total) = EXPECTED[name]  # fmt: skip
    assert (incoming.store_order_id, incoming.store_order_number) == (order_id, str(order_id))
    assert (incoming.status, incoming.store_created_at, incoming.order_date) == (
        status,
        placed,
        day,
    )
    assert incoming.currency == currency
    assert (incoming.buyer.name, incoming.buyer.organisation) == (person, organisation)
    assert incoming.buyer.store_customer_id == customer_id
    assert (incoming.store_totals["total"], incoming.store_totals["lines_total"]) == (
        total,
        lines_total,
    )
    assert len(incoming.lines) == lines
    assert [line.product for line in incoming.lines] == [
        made[(Kind.VARIATION, item["variation_id"]) if item["variation_id"] else
             (Kind.PRODUCT, item["product_id"])]
        for item in order["line_items"]
    ]  # fmt: skip
    assert {line.product_match for line in incoming.lines} == {Match.STORE_ID}
    assert incoming.payload == order


def test_guest_order_727_in_full(store, woo_orders):
    order = woo_orders["docs-v3-retrieve-order-727"]
    single = link(store, Kind.PRODUCT, 93, product(store.company, "Woo Single #1"))
    ship = product(store.company, "Ship Your Idea")
    black_m = link(store, Kind.VARIATION, 23, product(store.company, "Black M", parent=ship))

    incoming = read_woo_order(store=store, payload=order)

    assert incoming.buyer == Buyer(
        name="John Doe",
        organisation="",
        email="john.doe@example.com",
        phone="(555) 555-5555",
        billing_address=order["billing"],
        shipping_address=order["shipping"],
        store_customer_id=None,
    )
    assert incoming.store_totals == {
        "total": "29.35",
        "total_tax": "1.35",
        "shipping_total": "10.00",
        "shipping_tax": "0.00",
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "cart_tax": "1.35",
        "lines_total": "18.00",
    }
    assert [
        (line.product, line.quantity, line.price, line.name, line.store_line_id, line.store_total)
        for line in incoming.lines
    ] == [
        (single, D(2), D(3), "Woo Single #1", 315, D("6.00")),
        (black_m, D(1), D(12), "Ship Your Idea – Color: Black, Size: M Test", 316, D("12.00")),
    ]
    assert incoming.note == ""


def test_fractional_quantity_float_price_and_fee_lines(store, woo_orders):
    """Order 963: a quantity of 1.5, a price written 30.00 (a float once parsed), a price of 0,
    a discount, a fee line; no date_created (the UTC day counts)."""
    order = woo_orders["ios-orders-list-4-orders[0]"]
    link_lines(store, order)

    incoming = read_woo_order(store=store, payload=order)

    assert [(line.quantity, line.price, line.store_total) for line in incoming.lines] == [
        (D(2), D("30.0"), D("30.00")),
        (D("1.5"), D(0), D("0.00")),
    ]
    assert incoming.store_totals["fee_total"] == "125.50"
    assert incoming.store_totals["discount_total"] == "30.00"
    assert incoming.order_date == date(2018, 4, 3)


def test_price_with_many_decimals_is_read_through_its_text(store, woo_orders):
    order = woo_orders["ios-order-211-guest-prices-include-tax"]
    link_lines(store, order)

    (line,) = read_woo_order(store=store, payload=order).lines

    assert line.price == D("17.647059")
    assert line.store_total == D("17.65")


def test_order_day_is_the_shops_own(store, woo_orders):
    """Order 459 was placed 03:21 UTC, 04:21 in the shop; 723 at 19:16 UTC, 16:16 in the shop."""
    order = woo_orders["ios-order-459-attribution-meta"]
    order["date_created"] = "2023-03-30T00:21:20"  # a shop east of UTC: already the next day
    link_lines(store, order)

    incoming = read_woo_order(store=store, payload=order)

    assert incoming.order_date == date(2023, 3, 30)
    assert incoming.store_created_at == utc(2023, 3, 29, 3, 21, 20)


def test_empty_billing_as_a_list_and_unicode(store):
    """WooCommerce sends `[]` for an empty object; texts may be in any script."""
    link(store, Kind.PRODUCT, 7, product(store.company, "Чай"))
    order = woo_order(
        731,
        woo_line(7, name="Чай &amp; мёд 🍯"),
        billing=[],
        shipping={"first_name": "Åsa", "last_name": "Öberg", "company": "Kafé AB"},
    )

    incoming = read_woo_order(store=store, payload=order)

    assert incoming.buyer == Buyer(
        name="Åsa Öberg",
        organisation="",
        email="",
        phone="",
        billing_address={},
        shipping_address={"first_name": "Åsa", "last_name": "Öberg", "company": "Kafé AB"},
    )
    assert incoming.lines[0].name == "Чай & мёд 🍯"


def test_billing_company_without_a_person(store):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    billing = {"first_name": "", "last_name": "", "company": "Tea Ltd", "email": "a@tea.test"}
    order = woo_order(731, woo_line(7), billing=billing, shipping={"first_name": "Bo"})

    buyer = read_woo_order(store=store, payload=order).buyer

    assert (buyer.name, buyer.organisation, buyer.email) == ("", "Tea Ltd", "a@tea.test")


def test_numbers_as_strings_and_strings_as_numbers(store):
    tea = link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    item = woo_line(
        "7", quantity="2", price="4.50", id="55", variation_id="0", total="9.00", name=1234
    )
    order = woo_order(
        "731",
        item,
        number=731,
        customer_id="26",
        total=30,
        total_tax=0.5,
        billing={"first_name": "Anna", "phone": 37120000000, "email": None},
    )

    incoming = read_woo_order(store=store, payload=order)

    assert (incoming.store_order_id, incoming.store_order_number) == (731, "731")
    assert incoming.buyer.store_customer_id == 26
    assert (incoming.buyer.phone, incoming.buyer.email) == ("37120000000", "")
    assert (incoming.store_totals["total"], incoming.store_totals["total_tax"]) == ("30", "0.5")
    (line,) = incoming.lines
    assert (line.product, line.quantity, line.price, line.store_line_id, line.name) == (
        tea,
        D(2),
        D("4.50"),
        55,
        "1234",
    )


def test_unknown_keys_and_missing_keys(store):
    """Only the id is needed; unknown keys are ignored, missing ones read as empty."""
    incoming = read_woo_order(store=store, payload={"id": 5, "new_key_of_woo_9": {"x": [1]}})

    assert incoming.store_order_id == 5
    assert incoming.status == "new"
    assert incoming.lines == ()
    assert (incoming.store_created_at, incoming.order_date) == (None, None)
    assert (incoming.currency, incoming.note, incoming.store_totals) == ("", "", {})
    assert incoming.buyer == Buyer()


def test_null_dates(store):
    incoming = read_woo_order(
        store=store, payload=woo_order(731, date_created=None, date_created_gmt=None)
    )

    assert (incoming.store_created_at, incoming.order_date) == (None, None)


def test_dates_with_offset_z_and_fractions(store):
    order = woo_order(
        731, date_created="2023-08-19T18:11:48.5+02:00", date_created_gmt="2023-08-19T16:11:48Z"
    )

    incoming = read_woo_order(store=store, payload=order)

    assert incoming.store_created_at == utc(2023, 8, 19, 16, 11, 48)
    assert incoming.order_date == date(2023, 8, 19)


@pytest.mark.parametrize(
    ("woo", "backroom"),
    [
        ("pending", "new"),
        ("processing", "processing"),
        ("on-hold", "on_hold"),
        ("completed", "completed"),
        ("cancelled", "cancelled"),
        ("refunded", "refunded"),
        ("failed", "failed"),
        ("checkout-draft", "new"),
        ("trash", "cancelled"),
        ("wc-completed", "completed"),
        ("Cancelled", "cancelled"),
        ("partially-shipped", "new"),
        (None, "new"),
        (3, "new"),
    ],
)
def test_status_map(woo, backroom):
    assert read_status(woo) == backroom


@pytest.mark.parametrize(
    ("currency", "expected"), [("eur", "EUR"), ("€", ""), ("EURO", ""), (None, ""), (978, "")]
)
def test_currency(store, currency, expected):
    assert read_woo_order(store=store, payload=woo_order(731, currency=currency)).currency == (
        expected
    )


def test_long_texts_are_cut_to_what_is_kept(store):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    order = woo_order(731, woo_line(7, name="x" * 600), number="9" * 50)

    incoming = read_woo_order(store=store, payload=order)

    assert incoming.store_order_number == "9" * 40
    assert incoming.lines[0].name == "x" * 500


def test_payload_is_kept_storable(store):
    """NUL and lone surrogates cannot be stored (PostgreSQL refuses them): replaced."""
    order = woo_order(731, customer_note="a\x00b\ud800c\nd")

    incoming = read_woo_order(store=store, payload=order)

    assert incoming.note == "a\ufffdb\ufffdc\nd"
    assert incoming.payload["customer_note"] == "a\ufffdb\ufffdc\nd"
    assert incoming.payload["meta_data"] == order["meta_data"]


def test_payload_nested_too_deeply(store):
    deep: object = "bottom"
    for _ in range(150):
        deep = [deep]

    with pytest.raises(OrderNotImported, match="nested too deeply"):
        read_woo_order(store=store, payload=woo_order(731, meta_data=deep))


# -- lines and their products ---------------------------------------------------------------------


def test_variation_id_first_then_product_id(store):
    tee = link(store, Kind.PRODUCT, 10, product(store.company, "Tee"))
    red = link(store, Kind.VARIATION, 11, product(store.company, "Tee red", parent=tee))
    blue = link(store, Kind.VARIATION, 12, product(store.company, "Tee blue", parent=tee))
    order = woo_order(
        731,
        woo_line(10, variation_id=11, id=1),
        woo_line(10, variation_id=12, id=2),
        woo_line(10, id=3),
    )

    lines = read_woo_order(store=store, payload=order).lines

    assert [(line.product, line.product_match, line.store_line_id) for line in lines] == [
        (red, Match.STORE_ID, 1),
        (blue, Match.STORE_ID, 2),
        (tee, Match.STORE_ID, 3),
    ]


def test_two_lines_of_one_product_stay_two(store):
    tea = link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    order = woo_order(731, woo_line(7, quantity=1, id=1), woo_line(7, quantity=2, id=2))

    lines = read_woo_order(store=store, payload=order).lines

    assert [(line.product, line.quantity, line.store_line_id) for line in lines] == [
        (tea, D(1), 1),
        (tea, D(2), 2),
    ]


def test_sku_when_the_id_is_not_linked(store):
    """Pitfall B-05: the product exists with the SKU but was never linked to the store's id."""
    sku36 = product(store.company, "Shoe 36", sku="SKU-36")
    order = woo_order(731, woo_line(77, sku=" SKU-36 "), woo_line(0, sku="SKU-36"))

    lines = read_woo_order(store=store, payload=order).lines

    assert [(line.product, line.product_match) for line in lines] == [
        (sku36, Match.SKU),
        (sku36, Match.SKU),
    ]
    assert not SyncState.objects.filter(store=store).exists()  # reading writes nothing


def test_sku_when_the_linked_product_is_deleted(store):
    old = link(store, Kind.PRODUCT, 7, product(store.company, "Old tea"))
    Product.objects.filter(pk=old.pk).update(is_deleted=True)
    new = product(store.company, "New tea", sku="TEA")

    (line,) = read_woo_order(store=store, payload=woo_order(731, woo_line(7, sku="TEA"))).lines

    assert (line.product, line.product_match) == (new, Match.SKU)


def test_a_variation_never_falls_back_to_its_parent(store):
    tee = link(store, Kind.PRODUCT, 10, product(store.company, "Tee", sku="TEE"))

    with pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=woo_order(731, woo_line(10, variation_id=11)))

    assert "variation 11" in error.value.reason
    assert tee.pk  # linked, but a variation's parent is not what was sold


def test_other_stores_and_companies_are_not_looked_at(
    store, created, store_input, owner, other_company, foreign_company
):
    """A WooCommerce id of another store of the company, a SKU of another company: unknown."""
    from backroom.stores.services import create_store

    second, _ = create_store(user=owner, data=store_input(name="Second shop"))
    link(second, Kind.PRODUCT, 7, product(store.company, "Tea of the second shop"))
    product(foreign_company, "Foreign tea", sku="TEA")
    product(other_company, "Other company's tea", sku="TEA")

    with pytest.raises(OrderNotImported):
        read_woo_order(store=store, payload=woo_order(731, woo_line(7, sku="TEA")))


def test_line_not_found_is_named_with_what_to_do(store):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    order = woo_order(
        731,
        woo_line(7),
        woo_line(22, variation_id=23, sku="Bar3", name="Ship Your Idea &ndash; Black"),
    )

    with pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=order)

    assert error.value.reason == (
        'No Backroom product matches line 2 "Ship Your Idea – Black" (WooCommerce product 22, '
        'variation 23, SKU "Bar3"). Link the product to this store (a catalog sync records its '
        "WooCommerce id) or give a Backroom product the same SKU, then try again."
    )


def test_many_lines_not_found_are_counted(store):
    order = woo_order(731, *[woo_line(100 + i, name=f"P{i}") for i in range(5)])

    with pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=order)

    assert error.value.reason.startswith(
        'No Backroom products match line 1 "P0" (WooCommerce product 100); line 2 "P1" '
        '(WooCommerce product 101); line 3 "P2" (WooCommerce product 102); and 2 more.'
    )


@pytest.mark.parametrize(
    ("changes", "fault"),
    [
        ({"quantity": 0}, "The quantity of line 1 "),
        ({"quantity": -1}, "The quantity of line 1 "),
        ({"quantity": "two"}, "The quantity of line 1 "),
        ({"quantity": None}, "The quantity of line 1 "),
        ({"quantity": 0.0001}, "The quantity of line 1 "),
        ({"quantity": True}, "The quantity of line 1 "),
        ({"quantity": "1e999"}, "The quantity of line 1 "),
        ({"price": -1}, "The price of line 1 "),
        ({"price": "12,50"}, "The price of line 1 "),
        ({"price": None, "total": ""}, "The price of line 1 "),
        ({"price": [12]}, "The price of line 1 "),
    ],
)
def test_unreadable_quantity_or_price(store, changes, fault):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))

    with pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=woo_order(731, woo_line(7, name="Tea", **changes)))

    assert error.value.reason.startswith(fault + '"Tea" (WooCommerce product 7)')


def test_price_missing_is_the_total_over_the_quantity(store):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    order = woo_order(731, woo_line(7, quantity=3, total="10.00", price=None))

    (line,) = read_woo_order(store=store, payload=order).lines

    assert line.price == D("10.00") / 3
    assert line.store_total == D("10.00")


def test_every_faulty_line_is_named_at_once(store):
    link(store, Kind.PRODUCT, 7, product(store.company, "Tea"))
    order = woo_order(731, woo_line(7, quantity=0, name="A"), "junk", woo_line(8, name="B"))

    with pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=order)

    reason = error.value.reason
    assert reason.startswith('The quantity of line 1 "A" (WooCommerce product 7) (0) is not')
    assert "Line 2 is a text, not a line item." in reason
    assert 'No Backroom product matches line 3 "B" (WooCommerce product 8).' in reason


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (None, "The store sent null where an order (a JSON object) was expected."),
        ([1], "The store sent a list where an order (a JSON object) was expected."),
        ("731", "The store sent a text where an order (a JSON object) was expected."),
        (
            {"status": "processing"},
            "The order has no readable id (null): WooCommerce gives every order a whole "
            "number above 0.",
        ),
        (
            {"id": "abc"},
            'The order has no readable id ("abc"): WooCommerce gives every order a whole '
            "number above 0.",
        ),
        ({"id": 1, "line_items": {"0": {}}}, "The order's line_items is an object, not a list"),
    ],
)
def test_payloads_that_are_no_order(store, payload, reason):
    with pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=payload)

    assert error.value.reason.startswith(reason)


def test_too_many_lines_refused_before_any_query(store, django_assert_num_queries):
    order = woo_order(731, *[woo_line(7)] * (MAX_LINES + 1))

    with django_assert_num_queries(0), pytest.raises(OrderNotImported) as error:
        read_woo_order(store=store, payload=order)

    assert error.value.reason == "The order has 1001 lines; Backroom takes at most 1000 per order."


@pytest.mark.parametrize("count", [1, 10, MAX_LINES])
def test_two_lookup_queries_whatever_the_line_count(store, count, django_assert_num_queries):
    tee = link(store, Kind.PRODUCT, 10, product(store.company, "Tee"))
    for i in range(3):
        link(store, Kind.VARIATION, 20 + i, product(store.company, f"Tee {i}", parent=tee))
        product(store.company, f"By SKU {i}", sku=f"SKU-{i}")
    items = [
        woo_line(10, variation_id=20 + i % 3, id=i)
        if i % 2
        else woo_line(99, sku=f"SKU-{i % 3}", id=i)
        for i in range(count)
    ]

    fresh = Store.objects.get(pk=store.pk)

    with django_assert_num_queries(2):
        incoming = read_woo_order(store=fresh, payload=woo_order(1, *items))

    assert len(incoming.lines) == count


def test_no_query_without_lines(store, django_assert_num_queries):
    with django_assert_num_queries(0):
        read_woo_order(store=store, payload=woo_order(731))
