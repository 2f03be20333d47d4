"""The whole job on real input: the demo with WooCommerce's sample catalog, served by `backroom
serve`; the plugin stand-in syncs the catalog into its WooCommerce over HTTP, the shop then takes
the real WooCommerce orders of ../shared/data/woocommerce-orders (their lines pointed at the
shop's ids: real_orders.py), day by day, and the plugin's orders cycle sends them as the real one
does (isLetSync, the watermark, WooCommerce's list after it, putOrdersIntoCRM). Then the
customers, orders, lines, reservations and held orders in Backroom, and the stock the shop shows
after the next catalog cycle, are checked with exact values.

The shop's calendar (newest first is how WooCommerce lists them):
- March 2017: 723 (João Silva, customer 26) and 727 (John Doe, a guest);
- then 728 and 729 (John Doe again) and 609 (Sara Doe, customer 1, refunded);
- 2018-2019: 960 and 961 (a Poster, which Backroom does not sell: held), 963 (Johnny Appleseed,
  whose phone is Sara's) and 560 (Paula Example, signed in as customer 1: Sara's account);
- 2020-2023: 154 (a guest with no name), 211 (Mark Sample; its Beanie found by SKU) and 459
  (Tyrel Senger), which the shop then cancels.
The connection auto-reserves from the Warehouse, creates unknown buyers and ships a day later.
"""

from __future__ import annotations

import pytest

from tests.storeapi.e2e.order_actions import call
from tests.storeapi.e2e.real_orders import LINE_PRODUCTS, SOURCES, shop_order

pytestmark = pytest.mark.server

SHOP_DAYS = [[723, 727], [728, 729, 609], [960, 961, 963, 560], [154, 211, 459]]
CANCELLED_LATER = 459
EXTRA_STOCK = [("Woo-beanie-logo", "Warehouse", "4")]
"""Stock the test adds to the prepared data before the first sync, so that the order the shop
cancels has something to release."""

WATERMARKS = [
    # (what getLastSynchronizedOrderTime said, the orders WooCommerce then listed, newest first)
    ("2000-01-01T00:00:00", [727, 723]),
    ("2017-03-22T19:28:01", [609, 729, 728, 727]),  # 727 again: same second rule
    ("2017-08-24T20:56:56", [560, 963, 961, 960, 609]),
    ("2019-10-01T19:31:16", [459, 211, 154, 560]),
    ("2023-03-29T03:21:19", [459]),  # after the shop cancelled it
]

POSTER_REASON = (
    'No Backroom product matches line 1 "Poster (Product Add-On)" (WooCommerce product 956). '
    "Link the product to this store (a catalog sync records its WooCommerce id) or give a "
    "Backroom product the same SKU, then try again."
)
"""Why the Poster orders are held (shown on the connection page)."""


LINE_FIELDS = (
    "sku", "name", "quantity", "price", "total", "store_total", "product_match", "store_line_id",
    "reserved",
)  # fmt: skip
BLACK_M = "Ship Your Idea – Color: Black, Size: M Test"  # "&ndash;" in the store's text
GREEN_S = "Ship Your Idea – Color: Green, Size: S Test"
# fmt: off
EXPECTED_LINES = {
    723: [
        ("woo-album", "Woo Album #2", "1.000", "9.00", "9.00", "9.00", "store_id", 311, None),
        ("demo-tshirt-red-m", "Woo Ninja", "1.000", "20.00", "20.00", "20.00", "store_id", 313,
         "1.000"),
    ],
    727: [
        ("woo-single", "Woo Single #1", "2.000", "3.00", "6.00", "6.00", "store_id", 315, None),
        ("demo-tshirt-blue-m", BLACK_M, "1.000", "12.00", "12.00", "12.00", "store_id", 316,
         "1.000"),
    ],
    728: [
        ("Woo-tshirt-logo", "Woo Logo", "1.000", "15.00", "15.00", "15.00", "store_id", 319,
         None),
        ("woo-single", "Woo Single #1", "1.000", "3.00", "3.00", "3.00", "store_id", 320, None),
        ("demo-tshirt-blue-m", BLACK_M, "1.000", "12.00", "12.00", "12.00", "store_id", 321,
         "1.000"),
    ],
    729: [
        ("demo-tshirt-blue-m", BLACK_M, "1.000", "12.00", "12.00", "12.00", "store_id", 324,
         "1.000"),
        ("demo-tshirt-green", GREEN_S, "1.000", "20.00", "20.00", "20.00", "store_id", 325,
         "1.000"),
    ],
    609: [  # refunded: reserves nothing
        ("demo-mug", "Yellow Pants (H&M)", "2.000", "90.00", "180.00", "180.00", "store_id", 667,
         None),
    ],
    963: [
        # the store's total is after its coupon: the order is flagged
        ("demo-candle", "Fruits Basket (Mix & Match Product)", "2.000", "30.00", "60.00",
         "30.00", "store_id", 890, "2.000"),
        ("demo-tote", "Fruits Bundle", "1.500", "0.00", "0.00", "0.00", "store_id", 891,
         "1.500"),
    ],
    560: [
        ("demo-tshirt-red-s", "Happy Ninja", "3.000", "16.20", "48.60", "48.60", "store_id", 58,
         "3.000"),
        # 10 wanted, 3.7 in the Warehouse (2 more on the Shop floor, which takes no orders)
        ("woo-hoodie-red", "Happy Ninja", "10.000", "31.50", "315.00", "315.00", "store_id", 59,
         "3.700"),
        ("woo-tshirt", "Ninja Silhouette", "2.000", "18.00", "36.00", "36.00", "store_id", 60,
         None),
        ("demo-hoodie-red-m", "Patient Ninja", "3.000", "31.50", "94.50", "94.50", "store_id",
         61, "3.000"),
        # a second line of the same product stays a line of its own
        ("demo-tshirt-red-s", "Premium Quality", "2.000", "18.00", "36.00", "36.00", "store_id",
         62, "2.000"),
        ("demo-hoodie-blue-l", "Ship Your Idea - Black, L", "4.000", "31.50", "126.00", "126.00",
         "store_id", 63, "4.000"),
        ("woo-hoodie-with-logo", "Woo Logo", "2.000", "31.50", "63.00", "63.00", "store_id", 64,
         None),
        ("woo-hoodie-blue", "Ship Your Idea - Blue, XL", "7.000", "27.00", "189.00", "189.00",
         "store_id", 65, None),
    ],
    154: [
        ("woo-hoodie-green", "Hoodie - Green, No", "2.000", "45.00", "90.00", "90.00",
         "store_id", 2, None),
    ],
    211: [  # 17.647059 each (prices include tax), rounded to the cent; found by its SKU
        ("woo-beanie", "Beanie", "1.000", "17.65", "17.65", "17.65", "sku", 302, "1.000"),
    ],
    459: [  # cancelled by the shop: its reservation was released
        ("Woo-beanie-logo", "Beanie with Logo", "1.000", "18.00", "18.00", "18.00", "store_id",
         921, None),
    ],
}

EXPECTED_ORDERS = {
    # store order id: (status, customer, why, shipment date, currency, total, totals mismatch)
    723: ("completed", "João Silva", "created", "2017-03-22", "USD", "29.00", False),
    727: ("processing", "John Doe", "created", "2017-03-23", "USD", "18.00", False),
    728: ("new", "John Doe", "email", "2017-03-23", "USD", "30.00", False),
    729: ("processing", "John Doe", "email", "2017-03-23", "USD", "32.00", False),
    609: ("refunded", "Sara Doe", "created", "2017-08-25", "USD", "180.00", False),
    963: ("processing", "Sara Doe", "phone", "2018-04-04", "USD", "60.00", True),
    560: ("processing", "Sara Doe", "store_customer_id", "2019-10-02", "USD", "908.10", False),
    154: ("processing", "Buyer of Demo Shop EN order 154", "created", "2020-10-30", "GBP",
          "90.00", False),
    211: ("processing", "Mark Sample", "created", "2022-01-29", "USD", "17.65", False),
    459: ("cancelled", "Tyrel Senger", "created", "2023-03-30", "USD", "18.00", False),
}
# fmt: on

EXPECTED_CUSTOMERS = [
    # (name, kind, e-mail, phone, store customer id), oldest first
    ("João Silva", "person", "joao.silva@example.com", "(11) 1111-1111", 26),
    ("John Doe", "person", "john.doe@example.com", "(555) 555-5555", None),
    ("Sara Doe", "person", "sara.doe@example.com", "333-333-3333", 1),
    ("Buyer of Demo Shop EN order 154", "person", "", "", None),
    ("Mark Sample", "person", "5550125@example.net", "(555) 555-0125", None),
    ("Tyrel Senger", "person", "your.email+fakedata99085@example.com", "555-024-2595", 27375286),
]

RESERVED = {
    "demo-candle": "2.000",
    "demo-hoodie-blue-l": "4.000",
    "demo-hoodie-red-m": "3.000",
    "demo-tote": "1.500",
    "demo-tshirt-blue-m": "3.000",
    "demo-tshirt-green": "1.000",
    "demo-tshirt-red-m": "1.000",
    "demo-tshirt-red-s": "5.000",
    "woo-beanie": "1.000",
    "woo-hoodie-red": "3.700",
}
SHOP_STOCK = {
    # SKU: (before the orders, after them): Warehouse + Shop floor, less what is reserved,
    # rounded down
    "demo-tshirt-red-s": (12, 7),
    "demo-tshirt-red-m": (24, 23),
    "demo-tshirt-blue-m": (10, 7),
    "demo-tshirt-green": (5, 4),
    "demo-hoodie-red-m": (7, 4),
    "demo-hoodie-blue-l": (4, 0),
    "demo-tote": (40, 38),
    "demo-candle": (31, 29),
    "woo-hoodie-red": (5, 2),
    "woo-beanie": (12, 11),
    "Woo-beanie-logo": (4, 4),  # reserved by 459, released when the shop cancelled it
    "demo-mug": (52, 52),  # only the refunded order 609 wanted it
}


def shop_stock(woo, sku: str) -> int:
    rows = [row for row in woo.all_variations() if row["sku"] == sku]
    return (rows[0] if rows else woo.product_by_sku(sku))["stock_quantity"]


def test_the_real_orders_end_to_end(served):
    site, store = served.site, served.store("EN")
    for sku, department, quantity in EXTRA_STOCK:
        site.action("set_stock", sku=sku, department=department, quantity=quantity)
    assert call(site, "set_store_orders", store_id=store["id"], auto_reserve=True) == [
        "auto_reserve"
    ]
    plugin = served.plugin("EN")
    woo = plugin.woo
    for _ in range(2):  # the second cycle completes the related products
        assert plugin.run_catalog_cycle().errors == []
    assert {sku: shop_stock(woo, sku) for sku in SHOP_STOCK} == {
        sku: before for sku, (before, _) in SHOP_STOCK.items()
    }

    cycles = run_the_shop(plugin)

    # The wire: every cycle clean, the watermark moving on, nothing skipped.
    assert [(c.watermark, [o["id"] for o in c.orders]) for c in cycles] == WATERMARKS
    assert [(c.clean, c.errors, c.violations) for c in cycles] == [(True, [], [])] * len(cycles)
    got = call(site, "orders_of_store", store_id=store["id"])
    check_customers(got["customers"])
    check_orders(got["orders"])
    check_held_orders_and_journal(got)
    assert got["reserved"] == RESERVED

    # The next catalog cycle sends the stock that reservations changed, and only that.
    after = plugin.run_catalog_cycle()
    assert (after.errors, after.violations, woo.warnings) == ([], [], [])
    sent = {item["sku"] for step in ("products", "variations") for item in after[step].received}
    assert sent == set(RESERVED) | {"Woo-beanie-logo"}
    assert {sku: shop_stock(woo, sku) for sku in SHOP_STOCK} == {
        sku: now for sku, (_, now) in SHOP_STOCK.items()
    }
    assert plugin.run_catalog_cycle()["products"].count == 0


def run_the_shop(plugin) -> list:
    """The shop's calendar: each day's orders placed, then an orders cycle; then the shop
    cancels its newest order, and one more cycle. The cycles, in order."""
    woo = plugin.woo
    assert sorted(SOURCES) == sorted(order for day in SHOP_DAYS for order in day)
    assert {order for order, _ in LINE_PRODUCTS} == set(SOURCES)
    synced_ids = {row["id"] for row in woo.products.values()} | {
        row["id"] for row in woo.all_variations()
    }
    cycles = []
    for day in SHOP_DAYS:
        for order_id in day:
            woo.add_order(shop_order(woo, order_id))
        cycles.append(plugin.run_orders_cycle())
    woo.orders[CANCELLED_LATER]["status"] = "cancelled"
    cycles.append(plugin.run_orders_cycle())
    # The lines Backroom cannot know kept ids the sync never gave.
    kept = [
        line
        for order in woo.orders.values()
        for line in order["line_items"]
        if LINE_PRODUCTS[order["id"], line["id"]] is None
    ]
    assert [line["product_id"] for line in kept] == [956, 956, 16]
    assert not {line["product_id"] for line in kept} & synced_ids
    return cycles


def check_customers(customers: list[dict]) -> None:
    assert [
        (c["name"], c["kind"], c["email"], c["phone"], c["store_customer_id"]) for c in customers
    ] == EXPECTED_CUSTOMERS
    assert {c["store"] for c in customers} == {"Demo Shop EN"}
    sara = customers[2]
    assert sara["billing_address"]["address_1"] == "123 Street"  # her own, not Paula's
    assert sara["shipping_address"]["company"] == "South Estate, LLC"


def check_orders(orders: dict[str, dict]) -> None:
    assert set(orders) == {str(order) for order in EXPECTED_ORDERS}
    for order_id, expected in EXPECTED_ORDERS.items():
        order = orders[str(order_id)]
        assert (
            order["status"],
            order["customer"],
            order["customer_reason"],
            order["shipment_date"],
            order["currency"],
            order["total"],
            order["totals_mismatch"],
        ) == expected, order_id
        lines = [tuple(line[name] for name in LINE_FIELDS) for line in order["lines"]]
        assert lines == EXPECTED_LINES[order_id], order_id
        assert (order["department"], order["created_by"]) == ("Warehouse", "demo-admin")
        assert order["store_order_number"] == str(order_id)
    # Numbered as the shop placed them (a batch is imported oldest first); held orders and
    # repeats, tried again and again, used up no number.
    numbers = {int(order_id): order["number"] for order_id, order in orders.items()}
    assert numbers == {723: 1, 727: 2, 728: 3, 729: 4, 609: 5, 963: 6, 560: 7, 154: 8, 211: 9,
                       459: 10}  # fmt: skip
    assert orders["459"]["payload_status"] == "cancelled"  # the newest payload kept
    assert orders["560"]["billing_email"] == "paula.example+orders@example.com"  # the order's
    assert orders["963"]["store_totals"] == {
        "total": "31.20",
        "total_tax": "1.20",
        "shipping_total": "0.00",
        "shipping_tax": "0.00",
        "discount_total": "30.00",
        "discount_tax": "1.20",
        "cart_tax": "1.20",
        "fee_total": "125.50",
        "lines_total": "30.00",
    }
    assert orders["560"]["store_totals"]["lines_total"] == "908.10"
    assert orders["963"]["store_created_at"] == "2018-04-03T23:05:12+00:00"


def check_held_orders_and_journal(got: dict) -> None:
    # Held since their first post, tried again with each later one.
    assert [(h["store_order_id"], h["attempts"], h["reason"]) for h in got["held"]] == [
        (960, 3, POSTER_REASON),
        (961, 3, POSTER_REASON),
    ]
    # The connection page's journal: 16 orders received in 5 posts, no call failed (held
    # orders are listed in the Orders panel, not as errors of the call).
    assert got["journal"] == {
        "getLastSynchronizedOrderTime": {"calls": 5, "failures": 0, "items": 0},
        "putOrdersIntoCRM": {"calls": 5, "failures": 0, "items": 16},
    }
    assert got["errors"] == []
