"""The demo's two stores, EN and DE, each synced into its own WooCommerce: each gets the texts
of its language (the demo's German translations, base texts where none) and the prices of its
own price types."""

import pytest

from tests.storeapi.e2e.checks import wire_problems
from tests.storeapi.e2e.expected import RELATED

pytestmark = pytest.mark.server

DE_PRICES = {"demo-tshirt-red-s": "17", "demo-tshirt-green": "13", "demo-candle": "15"}
"""The DE store's own regular prices ("Retail DE"); its sale price type stays "Sale"."""


def cycle_of(served, language: str):
    plugin = served.plugin(language)
    cycle = plugin.run_catalog_cycle()
    assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    assert wire_problems(cycle) == []
    return plugin, cycle


def prices(woo, sku: str) -> tuple[str, str]:
    found = [p for p in woo.products.values() if p["sku"] == sku] or [woo.variation_by_sku(sku)]
    return found[0]["regular_price"], found[0]["sale_price"]


def test_each_store_gets_its_language_and_its_prices(served):
    served.site.action(
        "use_own_regular_prices",
        store_id=served.store("DE")["id"],
        price_type="Retail DE",
        prices=DE_PRICES,
    )

    english, english_cycle = cycle_of(served, "EN")
    german, german_cycle = cycle_of(served, "DE")

    assert german.woo.category_paths() == {
        "Kleidung",
        "Kleidung > T-Shirts",
        "Kleidung > Kapuzenpullover",
        "Accessoires",
        "Wohnen",
    }
    assert {"Clothing", "Clothing > T-shirts", "Home"} <= english.woo.category_paths()
    assert [
        c["description"] for c in german.woo.categories.values() if c["name"] == "Kleidung"
    ] == ["Oberteile und Pullover für jeden Tag."]
    assert {a["name"]: german.woo.term_names(a["id"]) for a in german.woo.attributes.values()} == {
        "Farbe": {"Rot", "Grün", "Blau"},
        # Size is shared with the sample catalog: its terms without a German text keep theirs.
        "Größe": {"S", "M", "L", "Large", "Medium", "Small"},
    }
    sizes = german.woo.attribute_by_name("Größe")["id"]
    assert {t["name"]: t["description"] for t in german.woo.terms[sizes].values()} == {
        "S": "Klein",
        "M": "Mittel",
        "L": "Groß",
        "Large": "",
        "Medium": "",
        "Small": "",
    }

    tshirt_de = german.woo.product_by_sku("demo-tshirt")
    tshirt_en = english.woo.product_by_sku("demo-tshirt")
    assert (tshirt_de["name"], tshirt_de["short_description"]) == (
        "Klassisches T-Shirt",
        "Ein weiches Baumwoll-T-Shirt in drei Farben.",
    )
    assert tshirt_en["name"] == "Classic T-shirt"
    assert {a["name"]: sorted(a["options"]) for a in tshirt_de["attributes"]} == {
        "Farbe": ["Blau", "Grün", "Rot"],
        "Größe": ["L", "M", "S"],
    }
    assert {a["name"]: sorted(a["options"]) for a in tshirt_en["attributes"]} == {
        "Colour": ["Blue", "Green", "Red"],
        "Size": ["L", "M", "S"],
    }
    red_s = german.woo.variation_by_sku("demo-tshirt-red-s")
    assert {a["name"]: a["option"] for a in red_s["attributes"]} == {"Farbe": "Rot", "Größe": "S"}
    names = {v["sku"]: v["name"] for v in german_cycle["variations"].received}
    assert names["demo-tshirt-red-s"] == "Klassisches T-Shirt - Rot, S"
    # A product without a German text keeps its base text (the sample is not in the DE store).
    assert german.woo.product_by_sku("demo-mug")["name"] == "Keramikbecher"

    # Prices: the regular price type of each store; a sale price only below its regular one.
    assert prices(english.woo, "demo-tshirt-red-s") == ("15.00", "12.00")
    assert prices(german.woo, "demo-tshirt-red-s") == ("17.00", "12.00")
    assert prices(english.woo, "demo-tshirt-green") == ("16.50", "13.90")
    assert prices(german.woo, "demo-tshirt-green") == ("13.00", "")
    assert prices(english.woo, "demo-candle") == ("14.00", "11.00")
    assert prices(german.woo, "demo-candle") == ("15.00", "11.00")
    assert prices(english.woo, "demo-mug") == ("9.90", "")
    assert prices(german.woo, "demo-mug") == ("", "")
    # Same stock in both: both stores count both departments.
    assert german.woo.product_by_sku("demo-tote")["stock_quantity"] == 40
    assert english.woo.product_by_sku("demo-tote")["stock_quantity"] == 40

    # Each store's reports confirmed its own items: the next cycle completes the products
    # offering others, and then both are clean.
    for plugin in (english, german):
        second = plugin.run_catalog_cycle()
        assert {item["sku"] for item in second["products"].received} == set(RELATED)
        assert plugin.run_catalog_cycle()["products"].count == 0
