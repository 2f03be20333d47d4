"""The plugin stand-in and the fake WooCommerce hold the end-to-end tests' judgement, so they are
tested too: against a scripted CRM (no server), on the cases where the real plugin and
WooCommerce would fail, hang or silently change data."""

import json
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.storeapi.fake_woo import FakeWoo, WooError
from tests.storeapi.plugin_client import (
    DokioStorePlugin,
    PluginHang,
    php_equals_one,
    php_json_encode,
    php_truthy,
)

KEY = "0b966238-ffa5-4be8-b54d-802c6e7548bf"
ALLOWED = {"is_sync_allowed": True, "reason": "Synchronization allowed"}
NOTHING = {
    "syncProductCategoriesToStore": {
        "queryResultCode": 1,
        "productCategories": [],
        "allProductCategoriesWooIds": [],
    },
    "syncProductAttributesToStore": {
        "queryResultCode": 1,
        "productAttributes": [],
        "allProductAttributesWooIds": [],
    },
    "syncAttributeTermsToStore": {"queryResultCode": 1, "attributeTerms": [], "allTermsWooIds": []},
    "countProductsToStoreSync": {"queryResultCode": 1, "productCount": 0},
    "getProductWooIdsToDeleteInStore": [],
    "countVariationsToStoreSync": {"queryResultCode": 1, "productCount": 0},
}


class ScriptedCrm:
    """A CRM answering from a dict: endpoint -> JSON value, raw bytes, or a function of the
    request's query and body. Id reports answer the raw `1` unless scripted."""

    def __init__(self, replies: dict):
        self.replies = {"isLetSync": ALLOWED, **NOTHING, **replies}
        self.requests: list[tuple[str, str, bytes | None, dict]] = []

    def __call__(self, method, target, body, headers):
        self.requests.append((method, target, body, headers))
        endpoint, _, query = target.partition("?")
        reply = self.replies.get(endpoint, b"1" if method == "POST" else None)
        if callable(reply):
            reply = reply(dict(urllib.parse.parse_qsl(query)), body)
        if reply is None:
            return 404, {}, b"Not Found"
        if not isinstance(reply, bytes):
            reply = json.dumps(reply).encode()
        return 200, {"Content-Type": "application/json"}, reply

    def posted(self, endpoint: str) -> list:
        return [
            json.loads(body)["idsSet"]
            for method, target, body, _ in self.requests
            if method == "POST" and target == endpoint
        ]


def plugin_for(crm: ScriptedCrm, woo: FakeWoo | None = None) -> DokioStorePlugin:
    return DokioStorePlugin(
        api_address="http://crm.invalid/api/public/woo_v3",
        secret_key=KEY,
        woo=woo,
        transport=crm,
    )


def category(crm_id, parent=0, woo_id=None, name=None) -> dict:
    return {
        "crm_id": crm_id,
        "woo_id": woo_id,
        "parent_crm_id": parent,
        "name": name or f"Category {crm_id}",
        "slug": "",
        "description": "",
        "display": "default",
        "menu_order": 0,
        "img_address": None,
        "img_original_name": "",
        "img_alt": "",
    }


def categories_reply(*items, all_woo_ids=()) -> dict:
    return {
        "queryResultCode": 1,
        "productCategories": list(items),
        "allProductCategoriesWooIds": list(all_woo_ids),
    }


# -- PHP ------------------------------------------------------------------------------------------


def test_json_encode_escapes_like_php():
    assert php_json_encode({"a": "x/y", "b": "Größe €", "c": "😀", "d": [1, None, True]}) == (
        '{"a":"x\\/y","b":"Gr\\u00f6\\u00dfe \\u20ac","c":"\\ud83d\\ude00","d":[1,null,true]}'
    )


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), st.lists))
def test_json_encode_is_ascii_json_of_the_same_value(value):
    text = php_json_encode(value)

    assert text.isascii()
    assert json.loads(text) == value
    assert "/" not in text.replace("\\/", "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, True), ("1", True), (True, True), (1.0, True), (" 1", True), ("01", True),
     (2, False), ("-200", False), (None, False), ("", False), ("one", False), (False, False)],
)  # fmt: skip
def test_loose_equals_one(value, expected):
    assert php_equals_one(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("false", True), ("0", False), ("", False), (0, False), (None, False),
     ([], False), ([0], True)],
)  # fmt: skip
def test_loose_truth(value, expected):
    assert php_truthy(value) is expected


# -- the wire -----------------------------------------------------------------------------------


def test_gets_paste_the_key_in_and_posts_are_built_around_json_encode():
    crm = ScriptedCrm({})

    plugin_for(crm).run_catalog_cycle()

    method, target, body, headers = crm.requests[0]
    assert (method, target, body) == ("GET", f"isLetSync?key={KEY}&plugin_version=1.3.0-1", None)
    method, target, body, headers = crm.requests[-1]
    assert (method, target) == ("POST", "syncVariationsIds")
    assert body == f'{{"crmSecretKey":"{KEY}","idsSet":[]}}'.encode()
    assert headers == {"Content-Type": "application/json"}


def test_a_refusal_stops_the_cycle_after_the_gate():
    crm = ScriptedCrm({"isLetSync": {"is_sync_allowed": False, "reason": "The store is deleted"}})

    cycle = plugin_for(crm).run_catalog_cycle()

    assert (cycle.allowed, len(crm.requests)) == (False, 1)
    assert cycle.log == ["Connection possibility rejected. Reason: The store is deleted"]


def test_a_string_false_is_allowed_as_php_reads_it_and_noted():
    crm = ScriptedCrm({"isLetSync": {"is_sync_allowed": "false", "reason": "no"}})

    cycle = plugin_for(crm).run_catalog_cycle()

    assert cycle.allowed
    assert "isLetSync: is_sync_allowed is 'false', not a JSON boolean" in cycle.violations


def test_the_empty_variations_report_is_always_posted_and_nothing_else():
    crm = ScriptedCrm({})

    cycle = plugin_for(crm).run_catalog_cycle()

    assert (cycle.errors, cycle.violations) == ([], [])
    assert cycle.posted_ids() == {"syncVariationsIds": []}
    assert [target.split("?")[0] for _, target, _, _ in crm.requests].count("isLetSync") == 5


# -- categories -----------------------------------------------------------------------------------


def test_categories_are_written_parents_first_and_unknown_ones_deleted():
    woo = FakeWoo()
    stray = woo.request("POST", "products/categories", {"name": "Made by hand"})["id"]
    crm = ScriptedCrm(
        {"syncProductCategoriesToStore": categories_reply(category(12, parent=11), category(11))}
    )

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    assert cycle["categories"].deleted == [stray]
    assert woo.category_paths() == {"Category 11", "Category 11 > Category 12"}
    (pairs,) = crm.posted("syncProductCategoriesIds")
    assert [pair["crm_id"] for pair in pairs] == [11, 12]


def test_a_parent_missing_from_the_batch_makes_a_root_and_moves_an_existing_category_up():
    woo = FakeWoo()
    top = woo.request("POST", "products/categories", {"name": "Top"})["id"]
    child = woo.request("POST", "products/categories", {"name": "Child", "parent": top})["id"]
    crm = ScriptedCrm(
        {
            "syncProductCategoriesToStore": categories_reply(
                category(2, parent=1, woo_id=child, name="Child"), all_woo_ids=[top, child]
            )
        }
    )

    plugin_for(crm, woo).run_catalog_cycle()

    assert woo.category_paths() == {"Top", "Child"}


def test_duplicate_category_ids_would_hang_the_plugin():
    crm = ScriptedCrm(
        {
            "syncProductCategoriesToStore": categories_reply(
                category(5, parent=6), category(6, parent=5)
            )
        }
    )

    with pytest.raises(PluginHang):
        plugin_for(crm).run_catalog_cycle()


def test_a_missing_all_ids_list_fails_the_step_like_php8():
    reply = {"queryResultCode": 1, "productCategories": [category(1)]}
    crm = ScriptedCrm({"syncProductCategoriesToStore": reply})

    cycle = plugin_for(crm).run_catalog_cycle()

    assert cycle["categories"].failed.startswith("count(): Argument #1")
    assert "allProductCategoriesWooIds is None, not a JSON array" in cycle.violations
    assert crm.posted("syncProductCategoriesIds") == []


# -- products and variations ----------------------------------------------------------------------


def product(crm_id, **fields) -> dict:
    return {
        "crm_id": crm_id,
        "woo_id": None,
        "name": f"Product {crm_id}",
        "slug": None,
        "type": "simple",
        "regular_price": "10.00",
        "sale_price": "",
        "description": "",
        "short_description": "",
        "stock_status": "instock",
        "sku": f"SKU-{crm_id}",
        "stock_quantity": 3,
        "sold_individually": False,
        "manage_stock": True,
        "backorders": "no",
        "purchase_note": "",
        "menu_order": 0,
        "reviews_allowed": True,
        "categories": [],
        "images": [],
        "attributes": [],
        "defaultAttributes": [],
        "upsells": [],
        "crosssells": [],
        "variations_woo_ids": [],
        **fields,
    }


def products_script(*items, reports=b"1") -> dict:
    def page(query, body):
        first = int(query["first_result"])
        return {"queryResultCode": 1, "products": list(items)[first : first + 100]}

    return {
        "countProductsToStoreSync": {"queryResultCode": 1, "productCount": len(items)},
        "syncProductsToStore": page,
        "syncProductsIds": reports,
    }


def test_products_come_in_pages_of_100_with_one_report():
    crm = ScriptedCrm(products_script(*[product(n) for n in range(1, 251)]))
    woo = FakeWoo()

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    pages = [target for _, target, _, _ in crm.requests if target.startswith("syncProductsToStore")]
    assert pages == [
        f"syncProductsToStore?key={KEY}&first_result={first}&max_results=100"
        for first in (0, 100, 200)
    ]
    (pairs,) = crm.posted("syncProductsIds")
    assert [pair["crm_id"] for pair in pairs] == list(range(1, 251))
    assert len(woo.products) == 250
    (report,) = [r for r in crm.requests if r[1] == "syncProductsIds"]
    assert report[3]["Expect"] == "100-continue"
    assert cycle.errors == []


def test_a_failed_report_rolls_back_the_products_created():
    crm = ScriptedCrm(products_script(product(1), product(2), reports=b"-200"))
    woo = FakeWoo()

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    assert woo.products == {}
    assert len(cycle["products"].rolled_back) == 2


def test_a_json_quoted_one_is_not_the_raw_one():
    crm = ScriptedCrm(products_script(product(1), reports=b'"1"'))
    woo = FakeWoo()

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    assert len(woo.products) == 1  # neither success nor failure: nothing rolled back
    assert "syncProductsIds: reply 200 '\"1\"', not the raw 1" in cycle.errors


def test_a_price_sent_as_a_number_makes_woocommerce_refuse_and_the_step_roll_back():
    crm = ScriptedCrm(products_script(product(1), product(2, regular_price=12.5)))
    woo = FakeWoo()

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    assert woo.products == {}
    assert cycle["products"].failed == (
        "Error: Invalid parameter(s): regular_price (regular_price is not of type string.) "
        "[rest_invalid_param]"
    )
    assert crm.posted("syncProductsIds") == []


ATTRIBUTE = {"woo_id": 3, "position": 0, "visible": True, "variation": False, "options": []}
IMAGE = {"img_address": "https://x.test/a.jpg", "img_original_name": "a.jpg", "img_alt": ""}


@pytest.mark.parametrize(
    "fields",
    [
        {"upsells": [None]},
        {"categories": [None]},
        {"attributes": [{**ATTRIBUTE, "woo_id": None}]},
        {"images": [{**IMAGE, "img_original_name": None}]},
        {"stock_quantity": "3 units"},
        {"manage_stock": "maybe"},
        {"stock_status": "available"},
    ],
)  # fmt: skip
def test_woocommerce_refuses_nulls_in_lists_and_wrong_types(fields):
    crm = ScriptedCrm(products_script(product(1, **fields)))

    cycle = plugin_for(crm).run_catalog_cycle()

    assert cycle["products"].failed.endswith("[rest_invalid_param]")


def test_a_null_field_passes_but_is_noted_as_a_silent_change():
    crm = ScriptedCrm(products_script(product(1, sku=None)))
    woo = FakeWoo()

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    assert cycle["products"].failed is None
    assert woo.warnings == ["POST products: sku is null; WordPress casts it and saves that"]


def test_the_deletion_list_deletes_known_products_and_is_echoed():
    woo = FakeWoo()
    known = woo.request("POST", "products", {"name": "Old"})["id"]
    crm = ScriptedCrm({"getProductWooIdsToDeleteInStore": [known, 999]})

    cycle = plugin_for(crm, woo).run_catalog_cycle()

    assert cycle["products"].deleted == [known]
    assert woo.products == {}
    assert crm.posted("deleteWooIdsFromProducts") == [[known, 999]]


def test_a_variation_without_parent_id_aborts_the_step_without_report():
    variation = {
        "crm_id": 7,
        "woo_id": None,
        "parent_product_woo_id": None,
        "regular_price": "1.00",
        "sale_price": "",
        "description": "",
        "stock_status": "instock",
        "sku": "",
        "stock_quantity": 0,
        "manage_stock": False,
        "backorders": "no",
        "menu_order": 0,
        "image": {"img_address": None, "img_original_name": None, "img_alt": None},
        "listOfVariationAttributes": [],
    }
    crm = ScriptedCrm(
        {
            "countVariationsToStoreSync": {"queryResultCode": 1, "productCount": 1},
            "syncVariationsToStore": {"queryResultCode": 1, "variations": [variation]},
        }
    )

    cycle = plugin_for(crm).run_catalog_cycle()

    assert cycle["variations"].failed.endswith("[rest_no_route]")
    assert crm.posted("syncVariationsIds") == []


# -- the fake WooCommerce's own rules -------------------------------------------------------------


def test_woocommerce_refuses_a_duplicate_sku_and_term_and_a_long_attribute_slug():
    woo = FakeWoo()
    woo.request("POST", "products", {"name": "A", "sku": "S-1"})
    colour = woo.request("POST", "products/attributes", {"name": "Colour"})["id"]
    woo.request("POST", f"products/attributes/{colour}/terms", {"name": "Red"})

    with pytest.raises(WooError, match="product_invalid_sku"):
        woo.request("POST", "products", {"name": "B", "sku": "S-1"})
    with pytest.raises(WooError, match="term_exists"):
        woo.request("POST", f"products/attributes/{colour}/terms", {"name": "Red"})
    with pytest.raises(WooError, match="slug_too_long"):
        woo.request("POST", "products/attributes", {"name": "Цвет и размер изделия"})


def test_woocommerce_lists_ten_terms_unless_asked_for_more():
    woo = FakeWoo()
    size = woo.request("POST", "products/attributes", {"name": "Size"})["id"]
    for number in range(12):
        woo.request("POST", f"products/attributes/{size}/terms", {"name": f"T{number:02d}"})

    assert len(woo.request("GET", f"products/attributes/{size}/terms")) == 10
    assert (
        len(woo.request("GET", f"products/attributes/{size}/terms", query={"per_page": 100})) == 12
    )
