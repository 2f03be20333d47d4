"""The plugin's first catalog cycle against the demo with WooCommerce's sample catalog sends
everything, with the values the sample file holds; the second only completes the products
offering others (their store ids were not known in the first); the third sends nothing."""

import copy
import csv

import pytest

from tests.storeapi.e2e.checks import wire_problems
from tests.storeapi.e2e.conftest import SAMPLE_CSV
from tests.storeapi.e2e.expected import (
    DEMO_SKUS,
    RELATED,
    SAMPLE_SKUS,
    SHOP_CATEGORIES,
    SHOP_TERMS,
    VARIATION_SKUS,
)

pytestmark = pytest.mark.server


def sample_row(sku: str) -> dict[str, str]:
    with SAMPLE_CSV.open(encoding="utf-8-sig", newline="") as source:
        (row,) = [row for row in csv.DictReader(source) if row["SKU"] == sku]
    return row


def shop_attributes(woo, product: dict) -> dict[str, dict]:
    """A product's attributes in the shop by name: options, and whether used for variations."""
    return {
        attribute["name"]: {"options": attribute["options"], "variation": attribute["variation"]}
        for attribute in product["attributes"]
    }


def test_first_cycle_sends_the_whole_catalog(served):
    plugin = served.plugin("EN")

    cycle = plugin.run_catalog_cycle()

    woo = plugin.woo
    assert cycle.gate == {"is_sync_allowed": True, "reason": "Synchronization allowed"}
    assert (cycle.errors, cycle.violations, woo.warnings) == ([], [], [])
    assert len(cycle.calls("isLetSync")) == 5
    assert [step.failed for step in cycle.steps.values()] == [None] * 5
    assert woo.category_paths() == SHOP_CATEGORIES
    assert {a["name"]: woo.term_names(a["id"]) for a in woo.attributes.values()} == SHOP_TERMS
    assert {p["sku"] for p in woo.products.values()} == DEMO_SKUS | SAMPLE_SKUS
    assert {v["sku"] for v in woo.all_variations()} == VARIATION_SKUS
    # Every item created was reported in one id report per step, crm ids echoed.
    for step in ("categories", "attributes", "terms", "products", "variations"):
        sent = {item["crm_id"] for item in cycle[step].received}
        assert sorted(pair["id"] for pair in cycle[step].pairs) == sorted(cycle[step].created)
        assert {pair["crm_id"] for pair in cycle[step].pairs} == sent
        assert cycle[step].ids_reply == "1"
    assert len(cycle.calls("syncProductsIds")) == 1
    assert cycle["products"].count == len(DEMO_SKUS | SAMPLE_SKUS)
    assert cycle["variations"].count == len(VARIATION_SKUS)
    assert cycle["products"].to_delete == []
    assert cycle.calls("deleteWooIdsFromProducts") == []
    assert wire_problems(cycle) == []


def test_first_cycle_values_of_the_sample_products(served):
    plugin = served.plugin("EN")

    plugin.run_catalog_cycle()

    woo = plugin.woo
    logo = woo.product_by_sku("woo-hoodie-with-logo")
    row = sample_row("woo-hoodie-with-logo")
    assert {key: logo[key] for key in ("name", "type", "regular_price", "sale_price")} == {
        "name": "Hoodie with Logo",
        "type": "simple",
        "regular_price": "45.00",
        "sale_price": "",
    }
    assert logo["short_description"] == "This is a simple product."
    assert logo["description"] == row["Description"]
    assert [woo.category_path(c["id"]) for c in logo["categories"]] == ["Clothing > Hoodies"]
    assert shop_attributes(woo, logo) == {"Color": {"options": ["Blue"], "variation": False}}
    assert [(image["src"], image["name"]) for image in logo["images"]] == [
        (row["Images"], "hoodie-with-logo-2.jpg")
    ]
    assert (logo["stock_quantity"], logo["manage_stock"]) == (0, False)

    hoodie = woo.product_by_sku("woo-hoodie")
    assert (hoodie["name"], hoodie["type"], hoodie["regular_price"]) == ("Hoodie", "variable", "")
    assert [woo.category_path(c["id"]) for c in hoodie["categories"]] == ["Clothing > Hoodies"]
    attributes = shop_attributes(woo, hoodie)
    assert {name: sorted(a["options"]) for name, a in attributes.items()} == {
        "Color": ["Blue", "Green", "Red"],
        "Logo": ["No", "Yes"],
    }
    assert {name: a["variation"] for name, a in attributes.items()} == {
        "Color": True,
        "Logo": True,
    }
    assert len(hoodie["images"]) == 4
    assert sorted(woo.variations[hoodie["id"]]) == sorted(hoodie["variations"])
    assert {woo.variations[hoodie["id"]][v]["sku"] for v in hoodie["variations"]} == {
        "woo-hoodie-red",
        "woo-hoodie-green",
        "woo-hoodie-blue",
        "woo-hoodie-blue-logo",
    }

    red = woo.variation_by_sku("woo-hoodie-red")
    assert red["parent_id"] == hoodie["id"]
    assert (red["regular_price"], red["sale_price"]) == ("45.00", "42.00")
    assert red["stock_quantity"] == 5  # 3.7 in the Warehouse + 2 on the Shop floor, rounded down
    assert {a["name"]: a["option"] for a in red["attributes"]} == {"Color": "Red", "Logo": "No"}
    assert red["image"]["src"] == sample_row("woo-hoodie-red")["Images"]

    beanie = woo.product_by_sku("woo-beanie")
    assert (beanie["regular_price"], beanie["sale_price"], beanie["stock_quantity"]) == (
        "20.00",
        "18.00",
        12,  # 12.999 rounded down
    )
    single = woo.product_by_sku("woo-single")
    assert (single["regular_price"], single["sale_price"]) == ("3.00", "2.00")
    assert [woo.category_path(c["id"]) for c in single["categories"]] == ["Music"]
    vneck = woo.variation_by_sku("woo-vneck-tee-blue")
    assert (vneck["regular_price"], vneck["sale_price"]) == ("15.00", "")


def test_second_cycle_completes_the_related_products_and_the_third_sends_nothing(served):
    plugin = served.plugin("EN")
    woo = plugin.woo
    first = plugin.run_catalog_cycle()
    assert first.errors == []
    for sku, (field, _) in RELATED.items():
        assert woo.product_by_sku(sku)[field] == [], sku  # not known yet: left out, no null

    second = plugin.run_catalog_cycle()

    assert (second.errors, second.violations, woo.warnings) == ([], [], [])
    assert {item["sku"] for item in second["products"].received} == set(RELATED)
    assert second["products"].created == []
    for sku, (field, offered) in RELATED.items():
        assert woo.product_by_sku(sku)[field] == [woo.product_by_sku(offered)["id"]], sku
    for step in ("categories", "attributes", "terms"):
        assert second[step].received == [], step
    assert second["variations"].count == 0
    before = copy.deepcopy((woo.categories, woo.attributes, woo.terms, woo.products))
    term_ids = {term for terms in woo.terms.values() for term in terms}

    third = plugin.run_catalog_cycle()

    assert (third.errors, third.violations, woo.warnings) == ([], [], [])
    for step in ("categories", "attributes", "terms"):
        assert third[step].received == []
        assert third[step].pairs is None
        assert third[step].deleted == []
    assert set(third["categories"].all_woo_ids) == set(woo.categories) - {woo.default_product_cat}
    assert set(third["attributes"].all_woo_ids) == set(woo.attributes)
    assert set(third["terms"].all_woo_ids) == term_ids
    assert (third["products"].count, third["products"].pages) == (0, [])
    assert third["products"].to_delete == []
    assert (third["variations"].count, third["variations"].pages) == (0, [])
    # The only report of the cycle: the empty one the plugin always sends for variations.
    assert third.posted_ids() == {"syncVariationsIds": []}
    assert third["variations"].ids_reply == "1"
    assert (woo.categories, woo.attributes, woo.terms, woo.products) == before
