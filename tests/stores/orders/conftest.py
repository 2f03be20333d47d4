"""Fixtures for reading WooCommerce orders and importing a store's batches: the real order files
of ../shared/data/woocommerce-orders, products linked to a store's WooCommerce ids, and small
order payloads in WooCommerce's own shape."""

import copy
import json
from pathlib import Path

import pytest

from backroom.catalog.models import Product
from backroom.stores.models import Store, SyncState

Kind = SyncState.Kind
ORDERS_FOLDER = "woocommerce-orders"
NOT_ORDERS = {"docs-v3-list-order-refunds.json"}
"""Refund objects, not orders: the plugin never posts them."""


def real_orders(folder: Path) -> dict[str, dict]:
    """Every order object of the folder, named `file` (one order), `file[i]` (a list) or
    `file:key[i]` (the batch reply's create / update / delete lists)."""
    orders: dict[str, dict] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name in NOT_ORDERS:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        name = path.stem
        if isinstance(data, list):
            orders.update({f"{name}[{i}]": order for i, order in enumerate(data)})
        elif "line_items" in data:
            orders[name] = data
        else:
            for key, items in data.items():
                orders.update({f"{name}:{key}[{i}]": order for i, order in enumerate(items)})
    return orders


@pytest.fixture
def woo_orders(shared_data) -> dict[str, dict]:
    """name -> a fresh copy of each real order (tests may change them)."""
    return copy.deepcopy(real_orders(shared_data / ORDERS_FOLDER))


def link(store: Store, kind: str, woo_id: int, product: Product) -> Product:
    """Record that the store knows `product` under `woo_id`, as a catalog sync does."""
    SyncState.objects.create(store=store, kind=kind, item_id=product.pk, woo_id=woo_id)
    return product


def product(company, name: str, *, sku: str = "", parent: Product | None = None) -> Product:
    if parent is None:
        return Product.objects.create(company=company, name=name, sku=sku)
    return Product.objects.create(
        company=company, name=name, sku=sku, type=Product.Type.VARIATION, parent=parent
    )


def link_lines(store: Store, order: dict) -> dict[tuple[str, int], Product]:
    """A Backroom product for every line of `order`, linked to the line's WooCommerce
    variation (under a variable parent) or product id; (kind, woo id) -> product."""
    made: dict[tuple[str, int], Product] = {}
    known = {(row.kind, row.woo_id): row.item_id for row in SyncState.objects.filter(store=store)}
    for item in order["line_items"]:
        variation_id, product_id = item.get("variation_id") or 0, item["product_id"]
        if variation_id:
            key = (Kind.VARIATION, variation_id)
            if key in known:
                continue
            parent = Product.objects.filter(
                pk=known.get((Kind.PRODUCT, product_id), 0)
            ).first() or Product.objects.create(
                company=store.company, name=f"Parent {product_id}", type=Product.Type.VARIABLE
            )
            known.setdefault((Kind.PRODUCT, product_id), parent.pk)
            made[key] = link(store, *key, product(store.company, item["name"], parent=parent))
        else:
            key = (Kind.PRODUCT, product_id)
            if key in known:
                continue
            made[key] = link(store, *key, product(store.company, item["name"]))
        known[key] = made[key].pk
    return made


def woo_order(order_id: int = 731, *lines: dict, **changes) -> dict:
    """A WooCommerce order as the plugin posts it (protocol notes 5.3), abridged: Anna's
    processing order placed 2023-08-19 16:11:48 UTC, with `lines` (see woo_line)."""
    order = {
        "id": order_id,
        "parent_id": 0,
        "number": str(order_id),
        "order_key": "wc_order_AbC123",
        "status": "processing",
        "currency": "EUR",
        "prices_include_tax": False,
        "date_created": "2023-08-19T18:11:48",
        "date_created_gmt": "2023-08-19T16:11:48",
        "date_modified": "2023-08-19T18:11:49",
        "date_modified_gmt": "2023-08-19T16:11:49",
        "discount_total": "0.00",
        "shipping_total": "5.00",
        "total": "30.00",
        "total_tax": "0.00",
        "customer_id": 0,
        "customer_note": "",
        "billing": {
            "first_name": "Anna",
            "last_name": "K",
            "company": "",
            "address_1": "Main st 1",
            "city": "Riga",
            "postcode": "LV-1010",
            "country": "LV",
            "email": "anna@example.com",
            "phone": "+371 2000000",
        },
        "shipping": {"first_name": "Anna", "last_name": "K", "address_1": "Main st 1"},
        "date_paid": None,
        "meta_data": [{"id": 9001, "key": "_some_plugin_key", "value": {"any": ["json"]}}],
        "line_items": list(lines),
        "fee_lines": [],
        "refunds": [],
    }
    order.update(changes)
    return order


def woo_line(product_id: int, quantity=1, price=12.5, **changes) -> dict:
    """A line item of WooCommerce product `product_id` (no variation), total = quantity x
    price as text."""
    item = {
        "id": 55,
        "name": f"Product {product_id}",
        "product_id": product_id,
        "variation_id": 0,
        "quantity": quantity,
        "subtotal": "",
        "total": "",
        "sku": "",
        "price": price,
        "meta_data": [],
    }
    try:
        total = f"{float(quantity) * float(price):.2f}"
    except (TypeError, ValueError):
        total = ""
    item.update(subtotal=total, total=total)
    item.update(changes)
    return item
