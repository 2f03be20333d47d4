"""The real WooCommerce orders of ../shared/data/woocommerce-orders, as a shop selling the demo's
catalog would hold them: each order exactly as the file has it, except that its lines point at
the ids the catalog sync gave the shop (the only change the issue allows).

The files come from other shops, so their lines name products we do not have ("Woo Ninja",
"Fruits Basket"). Where a line's SKU is in the prepared catalog (the demo plus WooCommerce's
sample), it points at that product; otherwise LINE_PRODUCTS chooses a product of the prepared
catalog by what the line sells (a hoodie for a hoodie, a T-shirt for a T-shirt), with stock where
the scenario wants a reservation. A line mapped to None keeps the shop's own ids: the Poster
(orders 960 and 961) is something Backroom does not sell, so those orders are held; the Beanie
of order 211 keeps ids the sync never gave, so it is found by its SKU, as an order for a product
created by hand in the shop would be.
"""

from __future__ import annotations

import copy
import json

from tests.conftest import SHARED_DATA
from tests.storeapi.fake_woo import FakeWoo

ORDERS_DIR = SHARED_DATA / "woocommerce-orders"

SOURCES = {
    # store order id -> the file it is taken from (727 is in three files: the list's version,
    # "processing", is the one the shop holds; 723 is the same in both of its files).
    723: "docs-v3-list-orders.json",
    727: "docs-v3-list-orders.json",
    728: "docs-v3-batch-orders-response.json",
    729: "docs-v3-batch-orders-response.json",
    609: "ios-order-609-fully-refunded.json",
    960: "ios-orders-list-4-orders.json",
    961: "ios-orders-list-4-orders.json",
    963: "ios-orders-list-4-orders.json",
    560: "ios-orders-list-4-orders.json",
    154: "ios-order-154-guest-gbp-variation.json",
    211: "ios-order-211-guest-prices-include-tax.json",
    459: "ios-order-459-attribution-meta.json",
}
"""Every order of the folder (docs-v3-list-order-refunds.json holds refunds, not orders)."""

LINE_PRODUCTS: dict[tuple[int, int], str | None] = {
    # (store order id, line id): the SKU of the prepared catalog the line sells, or None
    (723, 311): "woo-album",  # Woo Album #2
    (723, 313): "demo-tshirt-red-m",  # Woo Ninja (a T-shirt)
    (727, 315): "woo-single",  # Woo Single #1
    (727, 316): "demo-tshirt-blue-m",  # Ship Your Idea - Color: Black, Size: M
    (728, 319): "Woo-tshirt-logo",  # Woo Logo
    (728, 320): "woo-single",  # Woo Single #1
    (728, 321): "demo-tshirt-blue-m",  # Ship Your Idea - Color: Black, Size: M
    (729, 324): "demo-tshirt-blue-m",  # Ship Your Idea - Color: Black, Size: M
    (729, 325): "demo-tshirt-green",  # Ship Your Idea - Color: Green, Size: S
    (609, 667): "demo-mug",  # Yellow Pants (H&M)
    (960, 886): None,  # Poster (Product Add-On): not sold here
    (961, 888): None,  # Poster (Product Add-On): not sold here
    (963, 890): "demo-candle",  # Fruits Basket (Mix & Match Product)
    (963, 891): "demo-tote",  # Fruits Bundle, 1.5 of them
    (560, 58): "demo-tshirt-red-s",  # Happy Ninja (T-shirt)
    (560, 59): "woo-hoodie-red",  # Happy Ninja (hoodie), 10 wanted
    (560, 60): "woo-tshirt",  # Ninja Silhouette
    (560, 61): "demo-hoodie-red-m",  # Patient Ninja (hoodie)
    (560, 62): "demo-tshirt-red-s",  # Premium Quality: a second line of the same product
    (560, 63): "demo-hoodie-blue-l",  # Ship Your Idea - Black, L
    (560, 64): "woo-hoodie-with-logo",  # Woo Logo (hoodie)
    (560, 65): "woo-hoodie-blue",  # Ship Your Idea - Blue, XL
    (154, 2): "woo-hoodie-green",  # its own SKU
    (211, 302): None,  # Beanie, SKU woo-beanie: ids left as the shop gave them, found by SKU
    (459, 921): "Woo-beanie-logo",  # its own SKU
}


def _orders_in(data: object) -> list[dict]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "line_items" not in data:  # a batch reply
        return [order for part in ("create", "update") for order in data.get(part, [])]
    return [data]


def real_order(order_id: int) -> dict:
    """The order as its file holds it (a fresh copy)."""
    data = json.loads((ORDERS_DIR / SOURCES[order_id]).read_text(encoding="utf-8"))
    (order,) = [order for order in _orders_in(data) if order.get("id") == order_id]
    return copy.deepcopy(order)


def shop_ids(woo: FakeWoo, sku: str) -> tuple[int, int]:
    """(product_id, variation_id) of a SKU in the shop, as WooCommerce puts them on a line."""
    variations = [row for row in woo.all_variations() if row["sku"] == sku]
    if variations:
        (variation,) = variations
        return variation["parent_id"], variation["id"]
    return woo.product_by_sku(sku)["id"], 0


def shop_order(woo: FakeWoo, order_id: int) -> dict:
    """The real order with its lines pointed at the shop's ids (LINE_PRODUCTS)."""
    order = real_order(order_id)
    for line in order["line_items"]:
        sku = LINE_PRODUCTS[order_id, line["id"]]
        if sku is not None:
            line["product_id"], line["variation_id"] = shop_ids(woo, sku)
    return order
