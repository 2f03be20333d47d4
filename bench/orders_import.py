"""Benchmark: WooCommerce orders imported per second through the store API, as the DokioStore
plugin posts them, on SQLite and on PostgreSQL.

    ./dev bench orders              (make bench runs it after the catalog benchmark;
                                    python -m bench.orders_import [options])
    --orders N                      orders in all (default 1,000), sent 10 a cycle
    --backends sqlite,postgresql    which databases (PostgreSQL: DATABASE_URL's server, else
                                    postgres@127.0.0.1:5432; skipped when it cannot be reached)

Every order is the worst ordinary case: a buyer Backroom has never seen (a registered customer
id, an e-mail and a phone that match no one, so all three look-ups run and a customer is made),
3 lines of 3 different products found by the store's ids, and a store that auto-reserves, so
every line takes a reservation (row locks on PostgreSQL) and marks its product for re-sync. The
catalog: 300 simple products with ample stock in the orders' department, each with the store's
id recorded as a first sync would have left it.

The shop is the plugin stand-in's in-memory WooCommerce (tests/storeapi/fake_woo.py): before
each orders cycle it receives 10 new orders (a minute apart), then the plugin runs its cycle
(tests/storeapi/plugin_client.py): isLetSync, getLastSynchronizedOrderTime, WooCommerce's list
after that watermark (10 a page, as the real plugin reads it), putOrdersIntoCRM with the 10
orders, re-encoded as PHP does. The calls go through Django's test Client into the real views
and middleware, in this process, so each call's time and SQL queries are the server's work (no
network, no gunicorn). "Import" is the time of the putOrdersIntoCRM calls; "cycle" adds the two
other calls each cycle makes.

Each database runs in a child process of its own, as in bench.catalog_sync (whose helpers this
reuses). The table goes to standard output, the figures to bench-results/orders_import.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench.catalog_sync import API_PATH, CountingTransport
from bench.child import run_in_child, write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench-results" / "orders_import.json"
PRODUCTS = 300
LINES_PER_ORDER = 3
BATCH = 10
"""Orders per cycle: WooCommerce's page size, all the plugin ever sends at once."""
FIRST_ORDER_AT = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
WOO_ID_OFFSET = 5000
"""The shop's product id of product n: WOO_ID_OFFSET + n (any ids would do)."""


# -- the parent: one child per database, a table at the end -----------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.orders < BATCH or args.orders % BATCH:
        parser.error(f"--orders must be a multiple of {BATCH}")
    if args.child:
        Path(args.out).write_text(json.dumps(run_child(orders=args.orders)))
        return 0
    results = {}
    for backend in [name.strip() for name in args.backends.split(",") if name.strip()]:
        print(f"bench: {backend}: {args.orders} orders of {LINES_PER_ORDER} lines ...")
        result = run_backend(backend, orders=args.orders)
        if result is not None:
            results[backend] = result
    print_table(results)
    write_results(RESULTS, benchmark="orders_import", results=results)
    return 0 if results else 1


def run_backend(backend: str, *, orders: int) -> dict | None:
    return run_in_child(backend, module="bench.orders_import", args=["--orders", str(orders)])


def print_table(results: dict[str, dict]) -> None:
    if not results:
        return
    print()
    header = (
        f"{'database':28} {'orders':>7} {'import s':>9} {'orders/s':>9} {'ms/batch':>9} "
        f"{'slowest ms':>11} {'queries/order':>14} {'cycle orders/s':>15}"
    )
    print(header)
    print("-" * len(header))
    for backend, row in results.items():
        print(
            f"{backend + ' (' + row['server_version'] + ')':28} {row['orders']:>7} "
            f"{row['import_seconds']:>9.2f} {row['orders_per_second']:>9.1f} "
            f"{row['batch_ms_median']:>9.1f} {row['batch_ms_slowest']:>11.1f} "
            f"{row['queries_per_order']:>14.1f} {row['cycle_orders_per_second']:>15.1f}"
        )
    print()


# -- the child: build, then import -------------------------------------------------------------


def run_child(*, orders: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    store, key, products = build_shop()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_seconds = time.perf_counter() - started

    from tests.storeapi.plugin_client import DokioStorePlugin

    transport = CountingTransport()
    plugin = DokioStorePlugin(
        api_address=f"http://testserver{API_PATH}", secret_key=key, transport=transport
    )
    posts = []
    started = time.perf_counter()
    for first in range(0, orders, BATCH):
        for number in range(first, first + BATCH):
            plugin.woo.add_order(woo_order(number, products))
        cycle = plugin.run_orders_cycle()
        if not cycle.clean or len(cycle.orders) != BATCH:
            raise SystemExit(f"bench: cycle {first // BATCH + 1} went wrong: {cycle.errors}")
        name, seconds, queries = transport.calls[-1]
        assert name == "putOrdersIntoCRM", name
        posts.append((seconds, queries))
    wall_seconds = time.perf_counter() - started
    check_imported(store=store, orders=orders)
    import_seconds = sum(seconds for seconds, _ in posts)
    cycle_seconds = sum(seconds for _, seconds, _ in transport.calls)
    return {
        "vendor": connection.vendor,
        "server_version": server_version(connection),
        "orders": orders,
        "lines_per_order": LINES_PER_ORDER,
        "batch": BATCH,
        "build_seconds": round(build_seconds, 2),
        "wall_seconds": round(wall_seconds, 2),
        "import_seconds": round(import_seconds, 3),
        "orders_per_second": round(orders / import_seconds, 1),
        "batch_ms_median": round(1000 * statistics.median(s for s, _ in posts), 1),
        "batch_ms_slowest": round(1000 * max(s for s, _ in posts), 1),
        "queries_per_batch_min": min(q for _, q in posts),
        "queries_per_batch_max": max(q for _, q in posts),
        "queries_per_order": round(sum(q for _, q in posts) / orders, 1),
        "cycle_seconds": round(cycle_seconds, 3),
        "cycle_orders_per_second": round(orders / cycle_seconds, 1),
        "endpoints": transport.summary(),
    }


def server_version(connection) -> str:
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def check_imported(*, store, orders: int) -> None:
    """Every order imported once, a customer each, every line reserved, nothing held."""
    from backroom.customers.models import Customer
    from backroom.inventory.models import Reservation
    from backroom.orders.models import CustomerOrder
    from backroom.stores.models import HeldOrder

    counts = {
        "orders": CustomerOrder.objects.filter(store=store).count(),
        "customers": Customer.objects.filter(company=store.company).count(),
        "reservations": Reservation.objects.filter(order_line__order__store=store).count(),
        "held": HeldOrder.objects.filter(store=store).count(),
    }
    wanted = {
        "orders": orders,
        "customers": orders,
        "reservations": orders * LINES_PER_ORDER,
        "held": 0,
    }
    if counts != wanted:
        raise SystemExit(f"bench: the import went wrong: {counts}, wanted {wanted}")


def build_shop():
    """The company, its catalog with stock, and the store; returns (store, key, [(woo id,
    sku, name, price)] of the products)."""
    from backroom.accounts.services import create_account
    from backroom.catalog.models import PriceType, Product
    from backroom.companies.models import Department
    from backroom.inventory.models import StockLevel
    from backroom.stores.models import Store, SyncState
    from backroom.stores.services import StoreInput, create_store

    _, company, owner = create_account(
        name="Bench",
        owner_username="bench-owner",
        owner_password="bench-owner-password",  # noqa: S106 - a throw-away database
        owner_email="owner@example.com",
        company_name="Bench Shop",
        company_country="GB",
    )
    department = Department.objects.create(company=company, name="Warehouse")
    retail = PriceType.objects.create(company=company, name="Retail")
    products = Product.objects.bulk_create(
        Product(
            company=company,
            type=Product.Type.SIMPLE,
            sku=f"SKU-{n:04d}",
            name=f"Product {n}",
            slug=f"product-{n}",
            manage_stock=True,
        )
        for n in range(1, PRODUCTS + 1)
    )
    StockLevel.objects.bulk_create(
        StockLevel(product=product, department=department, on_hand=Decimal(1_000_000))
        for product in products
    )
    store, key = create_store(
        user=owner,
        data=StoreInput(
            company_id=company.pk,
            name="Bench store",
            language="EN",
            allowed_addresses=["127.0.0.1"],
            is_let_sync=True,
            regular_price_type_id=retail.pk,
            sale_price_type_id=None,
            orders_department_id=department.pk,
            order_creator_id=owner.pk,
            if_customer_not_found=Store.IfCustomerNotFound.CREATE_NEW,
            default_customer_id=None,
            days_to_shipment=2,
            auto_reserve=True,
            department_ids=[department.pk],
        ),
    )
    SyncState.objects.bulk_create(
        SyncState(
            store=store,
            kind=SyncState.Kind.PRODUCT,
            item_id=product.pk,
            woo_id=WOO_ID_OFFSET + n,
            version=1,
            served_version=1,
            confirmed_version=1,
        )
        for n, product in enumerate(products, start=1)
    )
    catalog = [
        (WOO_ID_OFFSET + n, product.sku, product.name, Decimal(5 + n % 40) + Decimal("0.99"))
        for n, product in enumerate(products, start=1)
    ]
    return store, key, catalog


def woo_order(number: int, products: list[tuple[int, str, str, Decimal]]) -> dict:
    """Order `number` (0-based) as WooCommerce REST v3 lists it (protocol notes 5.3): a new
    registered buyer, 3 lines of different products, placed a minute after the previous one."""
    placed = FIRST_ORDER_AT + timedelta(minutes=number)
    woo_id = 10_000 + number
    buyer = {
        "first_name": f"Buyer{number}",
        "last_name": "Bench",
        "company": "",
        "address_1": f"{number} Bench Street",
        "address_2": "",
        "city": "Leeds",
        "state": "",
        "postcode": "LS1 4AP",
        "country": "GB",
    }
    lines = []
    for position in range(LINES_PER_ORDER):
        product_id, sku, name, price = products[
            (number * LINES_PER_ORDER + position) % len(products)
        ]
        quantity = 1 + (number + position) % 3
        lines.append(
            {
                "id": woo_id * 10 + position,
                "name": name,
                "product_id": product_id,
                "variation_id": 0,
                "quantity": quantity,
                "tax_class": "",
                "subtotal": str(price * quantity),
                "subtotal_tax": "0.00",
                "total": str(price * quantity),
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
                "sku": sku,
                "price": float(price),  # a JSON number, as WooCommerce sends it
                "parent_name": None,
            }
        )
    lines_total = sum((Decimal(line["total"]) for line in lines), Decimal(0))
    stamp = placed.strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "id": woo_id,
        "parent_id": 0,
        "number": str(woo_id),
        "order_key": f"wc_order_bench{woo_id}",
        "created_via": "checkout",
        "version": "8.9.1",
        "status": "processing",
        "currency": "GBP",
        "prices_include_tax": False,
        "date_created": stamp,
        "date_created_gmt": stamp,
        "date_modified": stamp,
        "date_modified_gmt": stamp,
        "discount_total": "0.00",
        "discount_tax": "0.00",
        "shipping_total": "4.95",
        "shipping_tax": "0.00",
        "cart_tax": "0.00",
        "total": str(lines_total + Decimal("4.95")),
        "total_tax": "0.00",
        "customer_id": 100_000 + number,
        "customer_ip_address": "203.0.113.9",
        "customer_user_agent": "Mozilla/5.0 (bench)",
        "customer_note": "",
        "billing": {
            **buyer,
            "email": f"buyer{number}@example.com",
            "phone": f"+44 7700 9{number:05d}",
        },
        "shipping": {**buyer, "phone": ""},
        "payment_method": "cod",
        "payment_method_title": "Cash on delivery",
        "transaction_id": "",
        "date_paid": None,
        "date_paid_gmt": None,
        "date_completed": None,
        "date_completed_gmt": None,
        "cart_hash": f"{woo_id:032x}",
        "meta_data": [{"id": woo_id, "key": "_bench", "value": {"n": number}}],
        "line_items": lines,
        "tax_lines": [],
        "shipping_lines": [
            {
                "id": woo_id * 10 + 9,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "total": "4.95",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
            }
        ],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [],
        "currency_symbol": "£",
        "_links": {"self": [{"href": f"https://shop.example/wp-json/wc/v3/orders/{woo_id}"}]},
    }


if __name__ == "__main__":
    sys.exit(main())
