"""250 more products, imported through the WooCommerce importer, page through the plugin's
pages of 100 without a gap or a repeat, and every item of every page has the wire's types."""

import csv

import pytest

from tests.storeapi.e2e.checks import wire_problems
from tests.storeapi.e2e.expected import DEMO_SKUS, RELATED, SAMPLE_SKUS
from tests.storeapi.plugin_client import PAGE_SIZE

pytestmark = pytest.mark.server

BULK = 250


def write_bulk_csv(path) -> list[str]:
    """A WooCommerce export of BULK simple products in one category; returns their SKUs."""
    skus = [f"bulk-{number:04d}" for number in range(1, BULK + 1)]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Type", "SKU", "Name", "Regular price", "Categories", "Stock"])
        for number, sku in enumerate(skus, start=1):
            writer.writerow(
                ["simple", sku, f"Bulk item {number}", f"{number}.99", "Bulk > Items", number % 7]
            )
    return skus


def test_250_more_products_page_without_gaps_or_repeats(served, tmp_path):
    demo = served.demo
    skus = write_bulk_csv(tmp_path / "bulk.csv")
    served.site.run(
        "import_products",
        str(tmp_path / "bulk.csv"),
        "--company",
        str(demo["company_id"]),
        "--regular-price-type",
        str(demo["price_types"]["Retail"]),
        "--department",
        str(demo["departments"]["Warehouse"]),
        "--store",
        str(served.store("EN")["id"]),
    )
    every_sku = DEMO_SKUS | SAMPLE_SKUS | set(skus)
    expected_ids = set(served.site.action("product_ids", skus=sorted(every_sku)).values())
    plugin = served.plugin("EN")

    cycle = plugin.run_catalog_cycle()

    assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    products = cycle["products"]
    assert products.count == len(every_sku) == 272
    pages = cycle.calls("syncProductsToStore")
    assert [(call.query["first_result"], call.query["max_results"]) for call in pages] == [
        ("0", "100"),
        ("100", "100"),
        ("200", "100"),
    ]
    assert [len(page["products"]) for page in products.pages] == [PAGE_SIZE, PAGE_SIZE, 72]
    crm_ids = [item["crm_id"] for item in products.received]
    assert len(crm_ids) == len(set(crm_ids))
    assert set(crm_ids) == expected_ids
    assert {p["sku"] for p in plugin.woo.products.values()} == every_sku
    # One report with every pair (its body is large: sent with Expect: 100-continue).
    (report,) = cycle.calls("syncProductsIds")
    assert len(products.pairs) == 272
    assert report.body == b"1"
    assert wire_problems(cycle) == []
    bulk_7 = plugin.woo.product_by_sku("bulk-0007")
    assert (bulk_7["name"], bulk_7["regular_price"], bulk_7["stock_quantity"]) == (
        "Bulk item 7",
        "7.99",
        0,
    )
    bulk_250 = plugin.woo.product_by_sku("bulk-0250")
    assert (bulk_250["regular_price"], bulk_250["stock_quantity"]) == ("250.99", 5)
    assert "Bulk > Items" in plugin.woo.category_paths()

    again = plugin.run_catalog_cycle()

    assert {item["sku"] for item in again["products"].received} == set(RELATED)
    assert plugin.run_catalog_cycle()["products"].count == 0
