"""Benchmark: a full first catalog sync of a large catalog, served as the DokioStore plugin
pulls it, on SQLite and on PostgreSQL.

    ./dev bench                     (or make bench; python -m bench.catalog_sync [options])
    --products N                    variable products (default 10,000)
    --variations K                  variations per product (default 3)
    --backends sqlite,postgresql    which databases (PostgreSQL: DATABASE_URL's server, else
                                    postgres@127.0.0.1:5432; skipped when it cannot be reached)

The catalog: N variable products with K variations each, in 20 online-store categories (a tree
of 4 x 4 under roots), a Colour attribute used for the variations (one term per variation)
and a Size attribute shown on the parents; stock of every variation in 3 departments; a
regular and a sale price (sale on every other variation) in 2 price types; one picture per
product; one store carrying everything and showing the 3 departments. It is written with
bulk_create (the sync, not the writing, is measured), except the company, the store and its
links, which go through the services.

The sync is the plugin's own cycle (tests/storeapi/plugin_client.py) with its in-memory
WooCommerce: isLetSync, categories, attributes, terms, products in pages of 100 with one id
report, the deletion list, variations in pages of 100 with one id report. The calls go through
Django's test Client into the real views and middleware, in this process, so every call's SQL
queries can be counted (no network, no gunicorn: the figures are the server's work). A second
cycle, which must find nothing, is timed too.

Each database runs in a child process of its own (settings are read once per process): SQLite
in a temporary folder, PostgreSQL in a database `br_bench_<pid>` created and dropped here.
The table goes to standard output, the figures to bench-results/catalog_sync.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from bench.child import run_in_child, write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench-results" / "catalog_sync.json"
API_PATH = "/api/public/woo_v3"
DEPARTMENTS = 3
COLOURS = ["Red", "Green", "Blue", "Black", "White", "Grey", "Yellow", "Pink", "Navy", "Teal"]
SIZES = ["S", "M", "L"]
BATCH = 2000


# -- the parent: one child per database, a table at the end -----------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--variations", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.variations <= len(COLOURS):
        parser.error(f"--variations must be 1 to {len(COLOURS)}")
    if args.child:
        result = run_child(products=args.products, variations=args.variations)
        Path(args.out).write_text(json.dumps(result))
        return 0
    results = {}
    for backend in [name.strip() for name in args.backends.split(",") if name.strip()]:
        print(f"bench: {backend}: {args.products} products x {args.variations} variations ...")
        result = run_backend(backend, products=args.products, variations=args.variations)
        if result is not None:
            results[backend] = result
            print_table(backend, result)
    write_results(RESULTS, benchmark="catalog_sync", results=results)
    return 0 if results else 1


def run_backend(backend: str, *, products: int, variations: int) -> dict | None:
    return run_in_child(
        backend,
        module="bench.catalog_sync",
        args=["--products", str(products), "--variations", str(variations)],
    )


def print_table(backend: str, result: dict) -> None:
    print()
    print(
        f"{backend} ({result['vendor']}): {result['products']} products + "
        f"{result['variations']} variations, built in {result['build_seconds']:.1f} s"
    )
    print(
        f"first sync: {result['cycle_seconds']:.1f} s wall clock, of which "
        f"{result['server_seconds']:.1f} s serving the {result['calls']} calls "
        f"(the rest: the plugin and its in-memory WooCommerce); second sync "
        f"{result['second_cycle_seconds']:.2f} s, {result['second_cycle_queries']} queries"
    )
    header = (
        f"{'endpoint':34} {'calls':>6} {'total s':>9} {'ms/call':>9} {'slowest ms':>11} "
        f"{'queries/call':>13}"
    )
    print(header)
    print("-" * len(header))
    for name, row in result["endpoints"].items():
        queries = (
            str(row["queries_min"])
            if row["queries_min"] == row["queries_max"]
            else f"{row['queries_min']}-{row['queries_max']}"
        )
        print(
            f"{name:34} {row['calls']:>6} {row['seconds']:>9.2f} "
            f"{1000 * row['seconds'] / row['calls']:>9.1f} "
            f"{1000 * row['slowest_seconds']:>11.1f} {queries:>13}"
        )
    print()


# -- the child: build, then sync ----------------------------------------------------------------


def run_child(*, products: int, variations: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    store, key = build_catalog(products=products, variations=variations)
    if connection.vendor == "postgresql" and not os.environ.get("BENCH_NO_ANALYZE"):
        # Statistics for the planner, as autovacuum gathers them shortly after a bulk load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build_seconds = time.perf_counter() - started

    from tests.storeapi.plugin_client import DokioStorePlugin

    transport = CountingTransport()
    plugin = DokioStorePlugin(
        api_address=f"http://testserver{API_PATH}", secret_key=key, transport=transport
    )
    started = time.perf_counter()
    cycle = plugin.run_catalog_cycle()
    cycle_seconds = time.perf_counter() - started
    problems = cycle.errors + cycle.violations + plugin.woo.warnings
    if problems or len(plugin.woo.products) != products:
        raise SystemExit(f"bench: the sync went wrong: {problems[:10]}")
    if len(plugin.woo.all_variations()) != products * variations:
        raise SystemExit(f"bench: {len(plugin.woo.all_variations())} variations in the shop")
    first = transport.summary()

    transport.calls.clear()
    started = time.perf_counter()
    second = plugin.run_catalog_cycle()
    second_seconds = time.perf_counter() - started
    if second["products"].count or second["variations"].count or second.errors:
        raise SystemExit("bench: the second sync was not empty")
    return {
        "vendor": connection.vendor,
        "products": products,
        "variations": products * variations,
        "store_id": store.pk,
        "build_seconds": round(build_seconds, 2),
        "cycle_seconds": round(cycle_seconds, 2),
        "server_seconds": round(sum(row["seconds"] for row in first.values()), 2),
        "calls": sum(row["calls"] for row in first.values()),
        "endpoints": first,
        "second_cycle_seconds": round(second_seconds, 3),
        "second_cycle_queries": sum(queries for _, _, queries in transport.calls),
    }


class CountingTransport:
    """The plugin's wire through Django's test Client (REMOTE_ADDR 127.0.0.1): per call the
    endpoint, the seconds the view took and the SQL queries it ran."""

    def __init__(self):
        from django.test import Client

        self.client = Client(REMOTE_ADDR="127.0.0.1")
        self.calls: list[tuple[str, float, int]] = []

    def __call__(self, method, target, body, headers):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        path = f"{API_PATH}/{target}"
        connection.queries_log.clear()  # it keeps 9000: a call must not start at the cap
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            if method == "GET":
                response = self.client.generic("GET", path)
            else:
                response = self.client.generic(
                    "POST", path, data=body, content_type=headers["Content-Type"]
                )
            seconds = time.perf_counter() - started
        self.calls.append((target.split("?")[0], seconds, len(queries)))
        return response.status_code, dict(response.headers), response.content

    def summary(self) -> dict[str, dict]:
        rows: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for name, seconds, queries in self.calls:
            rows[name].append((seconds, queries))
        return {
            name: {
                "calls": len(values),
                "seconds": round(sum(seconds for seconds, _ in values), 3),
                "slowest_seconds": round(max(seconds for seconds, _ in values), 3),
                "queries_min": min(queries for _, queries in values),
                "queries_max": max(queries for _, queries in values),
                "queries_total": sum(queries for _, queries in values),
            }
            for name, values in rows.items()
        }


def build_catalog(*, products: int, variations: int):
    """The catalog of the module docstring; returns (store, its key)."""
    from backroom.accounts.services import create_account
    from backroom.catalog.models import (
        Attribute,
        Category,
        Image,
        PriceType,
        Product,
        ProductAttribute,
        ProductImage,
        ProductPrice,
        Term,
        VariationAttribute,
    )
    from backroom.companies.models import Department
    from backroom.inventory.models import StockLevel
    from backroom.stores.models import Store
    from backroom.stores.services import (
        StoreInput,
        create_store,
        link_attributes,
        link_categories,
    )

    _, company, owner = create_account(
        name="Bench",
        owner_username="bench-owner",
        owner_password="bench-owner-password",  # noqa: S106 - a throw-away database
        company_name="Bench Shop",
    )
    departments = Department.objects.bulk_create(
        Department(company=company, name=f"Department {number}")
        for number in range(1, DEPARTMENTS + 1)
    )
    retail, sale = PriceType.objects.bulk_create(
        [PriceType(company=company, name="Retail"), PriceType(company=company, name="Sale")]
    )
    roots = Category.objects.bulk_create(
        Category(company=company, name=f"Group {n}", slug=f"group-{n}", is_store_category=True)
        for n in range(1, 5)
    )
    leaves = Category.objects.bulk_create(
        Category(
            company=company,
            parent=root,
            name=f"Shelf {root.pk}.{n}",
            slug=f"shelf-{root.pk}-{n}",
            is_store_category=True,
        )
        for root in roots
        for n in range(1, 5)
    )
    colour, size = Attribute.objects.bulk_create(
        [
            Attribute(company=company, name="Colour", slug="colour"),
            Attribute(company=company, name="Size", slug="size"),
        ]
    )
    colours = Term.objects.bulk_create(
        Term(attribute=colour, name=name, slug=name.lower(), menu_order=order)
        for order, name in enumerate(COLOURS[:variations])
    )
    sizes = Term.objects.bulk_create(
        Term(attribute=size, name=name, slug=name.lower(), menu_order=order)
        for order, name in enumerate(SIZES)
    )

    parents = Product.objects.bulk_create(
        (
            Product(
                company=company,
                type=Product.Type.VARIABLE,
                sku=f"P{n:06d}",
                name=f"Product {n}",
                slug=f"product-{n}",
                description=f"Description of product {n}.",
                short_description="A benchmark product.",
                manage_stock=False,
            )
            for n in range(1, products + 1)
        ),
        batch_size=BATCH,
    )
    children = Product.objects.bulk_create(
        (
            Product(
                company=company,
                type=Product.Type.VARIATION,
                parent=parent,
                sku=f"{parent.sku}-{term.slug}",
                name=f"{parent.name} - {term.name}",
                slug=f"{parent.slug}-{term.slug}",
                manage_stock=True,
            )
            for parent in parents
            for term in colours
        ),
        batch_size=BATCH,
    )
    Product.categories.through.objects.bulk_create(
        (
            Product.categories.through(product_id=parent.pk, category_id=leaves[i % len(leaves)].pk)
            for i, parent in enumerate(parents)
        ),
        batch_size=BATCH,
    )
    used = ProductAttribute.objects.bulk_create(
        (
            ProductAttribute(
                product=parent, attribute=attribute, position=position, used_for_variations=varies
            )
            for parent in parents
            for position, (attribute, varies) in enumerate([(colour, True), (size, False)])
        ),
        batch_size=BATCH,
    )
    ProductAttribute.terms.through.objects.bulk_create(
        (
            ProductAttribute.terms.through(productattribute_id=row.pk, term_id=term.pk)
            for row in used
            for term in (colours if row.attribute_id == colour.pk else sizes)
        ),
        batch_size=BATCH,
    )
    VariationAttribute.objects.bulk_create(
        (
            VariationAttribute(variation=child, attribute=colour, term=colours[i % variations])
            for i, child in enumerate(children)
        ),
        batch_size=BATCH,
    )
    ProductPrice.objects.bulk_create(
        (
            ProductPrice(product=child, price_type=price_type, value=value)
            for i, child in enumerate(children)
            for price_type, value in [
                (retail, Decimal(10 + i % 90) + Decimal("0.99")),
                (sale, Decimal(9 + i % 90) + Decimal("0.50")),
            ]
            if price_type is retail or i % 2 == 0
        ),
        batch_size=BATCH,
    )
    StockLevel.objects.bulk_create(
        (
            StockLevel(product=child, department=department, on_hand=Decimal(i % 13) / 2)
            for i, child in enumerate(children)
            for department in departments
        ),
        batch_size=BATCH,
    )
    images = Image.objects.bulk_create(
        (
            Image(
                company=company,
                source_url=f"https://images.example.com/bench/{parent.sku}.jpg",
                original_name=f"{parent.sku}.jpg",
                alt=parent.name,
            )
            for parent in parents
        ),
        batch_size=BATCH,
    )
    ProductImage.objects.bulk_create(
        (
            ProductImage(product=parent, image=image)
            for parent, image in zip(parents, images, strict=True)
        ),
        batch_size=BATCH,
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
            sale_price_type_id=sale.pk,
            orders_department_id=departments[0].pk,
            order_creator_id=owner.pk,
            if_customer_not_found=Store.IfCustomerNotFound.CREATE_NEW,
            default_customer_id=None,
            days_to_shipment=1,
            auto_reserve=False,
            department_ids=[department.pk for department in departments],
        ),
    )
    link_categories(
        user=owner,
        store_ids=[store.pk],
        category_ids=[category.pk for category in roots + leaves],
        mode="add",
    )
    link_attributes(
        user=owner, store_ids=[store.pk], attribute_ids=[colour.pk, size.pk], mode="add"
    )
    return store, key


if __name__ == "__main__":
    sys.exit(main())
