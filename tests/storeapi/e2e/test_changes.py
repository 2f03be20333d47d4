"""After a first cycle, a change in Backroom reaches the shop in the next cycle: an edit sends
exactly the item edited, a product that leaves the store is deleted there and then forgotten."""

import pytest

from tests.storeapi.e2e.expected import RELATED

pytestmark = pytest.mark.server


def synced(served, language: str = "EN"):
    """The plugin of the store after a clean first cycle and the second, which completes the
    products offering others (expected.RELATED): nothing is waiting any more."""
    plugin = served.plugin(language)
    for _ in range(2):
        cycle = plugin.run_catalog_cycle()
        assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    assert {item["sku"] for item in cycle["products"].received} == set(RELATED)
    return plugin


def received(cycle, step: str) -> list[int]:
    return [item["crm_id"] for item in cycle[step].received]


def test_a_price_change_sends_exactly_that_product(served):
    plugin = synced(served)
    ids = served.site.action("product_ids", skus=["woo-hoodie-with-logo"])
    served.site.action("set_price", sku="woo-hoodie-with-logo", price_type="Retail", value="47.5")

    cycle = plugin.run_catalog_cycle()

    assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    assert received(cycle, "products") == [ids["woo-hoodie-with-logo"]]
    assert cycle["products"].count == 1
    assert [item["regular_price"] for item in cycle["products"].received] == ["47.50"]
    assert cycle["products"].created == []
    assert cycle["products"].updated == [plugin.woo.product_by_sku("woo-hoodie-with-logo")["id"]]
    assert plugin.woo.product_by_sku("woo-hoodie-with-logo")["regular_price"] == "47.50"
    for step in ("categories", "attributes", "terms", "variations"):
        assert cycle[step].received == [], step
    woo_id = plugin.woo.product_by_sku("woo-hoodie-with-logo")["id"]
    assert cycle.posted_ids() == {
        "syncProductsIds": [{"id": woo_id, "crm_id": ids["woo-hoodie-with-logo"]}],
        "syncVariationsIds": [],
    }
    # Confirmed: the third cycle sends nothing again.
    assert plugin.run_catalog_cycle()["products"].count == 0


def test_a_stock_change_of_a_variation_sends_that_variation(served):
    plugin = synced(served)
    ids = served.site.action("product_ids", skus=["woo-hoodie-red"])
    served.site.action("set_stock", sku="woo-hoodie-red", department="Shop floor", quantity="7")

    cycle = plugin.run_catalog_cycle()

    assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    assert received(cycle, "variations") == [ids["woo-hoodie-red"]]
    assert [item["stock_quantity"] for item in cycle["variations"].received] == [10]
    red = plugin.woo.variation_by_sku("woo-hoodie-red")
    assert red["stock_quantity"] == 10  # 3.7 + 7, rounded down
    assert cycle["variations"].updated == [red["id"]]
    assert cycle["variations"].created == []
    for step in ("categories", "attributes", "terms"):
        assert cycle[step].received == [], step
    # The parent may be sent again, but the shop keeps all four of its variations.
    hoodie = plugin.woo.product_by_sku("woo-hoodie")
    assert len(plugin.woo.variations[hoodie["id"]]) == 4


def test_a_rename_sends_the_new_name_and_nothing_else(served):
    plugin = synced(served)
    ids = served.site.action("product_ids", skus=["woo-cap"])
    served.site.action("rename", sku="woo-cap", name="Cap — ünïcode / édition")

    cycle = plugin.run_catalog_cycle()

    assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    assert received(cycle, "products") == [ids["woo-cap"]]
    assert plugin.woo.product_by_sku("woo-cap")["name"] == "Cap — ünïcode / édition"
    assert received(cycle, "variations") == []


def test_a_product_moved_out_of_the_store_is_deleted_in_the_shop_then_forgotten(served):
    plugin = synced(served)
    woo_id = plugin.woo.product_by_sku("woo-belt")["id"]
    assert served.site.action("woo_id", store_id=served.store("EN")["id"], sku="woo-belt") == woo_id
    served.site.action("move_out_of_stores", sku="woo-belt")

    removal = plugin.run_catalog_cycle()

    assert (removal.errors, removal.violations, plugin.woo.warnings) == ([], [], [])
    assert removal["products"].to_delete == [woo_id]
    assert removal["products"].deleted == [woo_id]
    assert woo_id not in plugin.woo.products
    assert removal.posted_ids()["deleteWooIdsFromProducts"] == [woo_id]
    assert removal["products"].delete_reply == "1"
    assert received(removal, "products") == []
    assert served.site.action("woo_id", store_id=served.store("EN")["id"], sku="woo-belt") is None

    after = plugin.run_catalog_cycle()

    assert after["products"].to_delete == []
    assert "deleteWooIdsFromProducts" not in after.posted_ids()
    assert after.errors == []


def test_a_variable_product_moved_out_takes_its_variations_along(served):
    plugin = synced(served)
    hoodie = plugin.woo.product_by_sku("woo-hoodie")
    served.site.action("move_out_of_stores", sku="woo-hoodie")

    cycle = plugin.run_catalog_cycle()

    assert cycle.errors == []
    assert cycle["products"].to_delete == [hoodie["id"]]
    assert hoodie["id"] not in plugin.woo.products
    assert not any(v["sku"].startswith("woo-hoodie-") for v in plugin.woo.all_variations())
    # Its variations are no longer carried: none is offered with a dangling parent.
    assert received(cycle, "variations") == []
    assert plugin.run_catalog_cycle()["products"].to_delete == []


def test_an_id_report_for_a_product_deleted_in_the_shop_meanwhile_is_overwritten(served):
    """A product removed by hand in WooCommerce is created again when next sent, and the new
    id replaces the stale one in Backroom."""
    plugin = synced(served)
    stale = plugin.woo.product_by_sku("woo-polo")["id"]
    plugin.woo.request("DELETE", f"products/{stale}", query={"force": 1})
    served.site.action("set_price", sku="woo-polo", price_type="Retail", value="21")

    cycle = plugin.run_catalog_cycle()

    fresh = plugin.woo.product_by_sku("woo-polo")["id"]
    assert fresh != stale
    assert cycle["products"].created == [fresh]
    assert served.site.action("woo_id", store_id=served.store("EN")["id"], sku="woo-polo") == fresh
    assert plugin.run_catalog_cycle()["products"].count == 0
