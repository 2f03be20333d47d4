"""Each endpoint's reply, exactly, with JSON types checked (protocol notes sections 3 and 6):
one catalog cycle as the plugin runs it, the ids it reports, and the next cycle."""

import pytest

from backroom.stores.models import SyncState
from tests.storeapi.conftest import assert_json, body_json

PAGE = {"first_result": "0", "max_results": "100"}


def category(shop, name, **changes):
    clothing = shop["clothing"]
    row = {
        "Clothing": {
            "crm_id": clothing.pk,
            "woo_id": None,
            "parent_crm_id": 0,
            "parent_woo_id": None,
            "name": "Clothing",
            "description": "All clothes",
            "slug": "clothing",
            "display": "products",
            "menu_order": 1,
            "img_address": "https://img.example/clothing.jpg",
            "img_original_name": "clothing.jpg",
            "img_alt": "Clothes",
            "img_anonyme_access": True,
        },
        "T-shirts": {
            "crm_id": shop["tshirts"].pk,
            "woo_id": None,
            "parent_crm_id": clothing.pk,
            "parent_woo_id": None,
            "name": "T-shirts",
            "description": "",
            "slug": "t-shirts",
            "display": "default",
            "menu_order": 0,
            "img_address": None,
            "img_original_name": "",
            "img_alt": "",
            "img_anonyme_access": False,
        },
    }[name]
    return {**row, **changes}


def test_connection_test_answers_a_bare_1(plugin):
    response = plugin.get("DokioCrmConnectionTest")

    assert response.content == b"1"
    assert_json(body_json(response), 1)


def test_is_let_sync_allows_with_a_real_boolean(plugin):
    response = plugin.get("isLetSync", plugin_version="1.3.0-1")

    assert response.content == b'{"is_sync_allowed":true,"reason":"Synchronization allowed"}'
    assert_json(body_json(response), {"is_sync_allowed": True, "reason": "Synchronization allowed"})


def test_categories_send_the_whole_tree_parents_first_then_nothing(plugin, shop):
    first = body_json(plugin.get("syncProductCategoriesToStore"))
    assert_json(
        first,
        {
            "queryResultCode": 1,
            "productCategories": [category(shop, "Clothing"), category(shop, "T-shirts")],
            "allProductCategoriesWooIds": [],
        },
    )

    reported = plugin.report(
        "syncProductCategoriesIds", {shop["clothing"].pk: 57, shop["tshirts"].pk: 58}
    )
    assert (reported.status_code, reported.content) == (200, b"1")
    assert reported["Content-Type"] == "text/plain; charset=utf-8"

    second = body_json(plugin.get("syncProductCategoriesToStore"))
    assert_json(
        second,
        {"queryResultCode": 1, "productCategories": [], "allProductCategoriesWooIds": [57, 58]},
    )


def test_one_category_changed_sends_the_tree_with_the_known_ids(plugin, shop):
    plugin.get("syncProductCategoriesToStore")
    plugin.report("syncProductCategoriesIds", {shop["clothing"].pk: 57, shop["tshirts"].pk: 58})
    SyncState.objects.filter(kind="category", item_id=shop["tshirts"].pk).update(version=5)

    third = body_json(plugin.get("syncProductCategoriesToStore"))

    assert_json(
        third,
        {
            "queryResultCode": 1,
            "productCategories": [
                category(shop, "Clothing", woo_id=57),
                category(shop, "T-shirts", woo_id=58, parent_woo_id=57),
            ],
            "allProductCategoriesWooIds": [57, 58],
        },
    )


def test_attributes_then_their_ids(plugin, shop):
    colour = shop["colour"]
    first = body_json(plugin.get("syncProductAttributesToStore"))
    assert_json(
        first,
        {
            "queryResultCode": 1,
            "productAttributes": [
                {
                    "crm_id": colour.pk,
                    "woo_id": None,
                    "name": "Colour",
                    "type": "select",
                    "slug": "colour",
                    "order_by": "menu_order",
                    "has_archives": False,
                }
            ],
            "allProductAttributesWooIds": [],
        },
    )
    assert plugin.report("syncProductAttributesIds", {colour.pk: 3}).content == b"1"
    assert_json(
        body_json(plugin.get("syncProductAttributesToStore")),
        {"queryResultCode": 1, "productAttributes": [], "allProductAttributesWooIds": [3]},
    )


def test_terms_wait_for_their_attribute_then_come(plugin, shop):
    colour, red, blue = shop["colour"], shop["red"], shop["blue"]
    assert_json(
        body_json(plugin.get("syncAttributeTermsToStore")),
        {"queryResultCode": 1, "attributeTerms": [], "allTermsWooIds": []},
    )
    plugin.get("syncProductAttributesToStore")
    plugin.report("syncProductAttributesIds", {colour.pk: 3})

    terms = body_json(plugin.get("syncAttributeTermsToStore"))

    def term(row, menu_order):
        return {
            "crm_id": row.pk,
            "woo_id": None,
            "attribute_crm_id": colour.pk,
            "attribute_woo_id": 3,
            "name": row.name,
            "description": "",
            "slug": row.slug,
            "menu_order": menu_order,
        }

    assert_json(
        terms,
        {
            "queryResultCode": 1,
            "attributeTerms": [term(red, 0), term(blue, 1)],
            "allTermsWooIds": [],
        },
    )
    assert plugin.report("syncAttributeTermsIds", {red.pk: 21, blue.pk: 22}).content == b"1"
    assert_json(
        body_json(plugin.get("syncAttributeTermsToStore")),
        {"queryResultCode": 1, "attributeTerms": [], "allTermsWooIds": [21, 22]},
    )


@pytest.fixture
def synced_up_to_products(plugin, shop):
    """Categories, attributes and terms written to the store and their ids reported."""
    plugin.get("syncProductCategoriesToStore")
    plugin.report("syncProductCategoriesIds", {shop["clothing"].pk: 57, shop["tshirts"].pk: 58})
    plugin.get("syncProductAttributesToStore")
    plugin.report("syncProductAttributesIds", {shop["colour"].pk: 3})
    plugin.get("syncAttributeTermsToStore")
    plugin.report("syncAttributeTermsIds", {shop["red"].pk: 21, shop["blue"].pk: 22})
    return plugin


def hoodie(shop, **changes):
    return {
        "crm_id": shop["hoodie"].pk,
        "woo_id": None,
        "name": "Hoodie",
        "slug": None,
        "type": "simple",
        "regular_price": "45.00",
        "sale_price": "39.90",
        "description": "Warm & soft",
        "short_description": "Warm",
        "stock_status": "instock",
        "sku": "HOOD-1",
        "stock_quantity": 9,
        "sold_individually": False,
        "manage_stock": True,
        "backorders": "no",
        "purchase_note": "Thanks!",
        "menu_order": 2,
        "reviews_allowed": True,
        "categories": [57],
        "images": [
            {
                "img_address": "https://img.example/hoodie.png",
                "img_original_name": "hoodie.png",
                "img_alt": "A hoodie",
            }
        ],
        "attributes": [],
        "defaultAttributes": [],
        "upsells": [],
        "crosssells": [],
        "variations_woo_ids": [],
        **changes,
    }


def tee(shop, **changes):
    colour = shop["colour"]
    return {
        "crm_id": shop["tee"].pk,
        "woo_id": None,
        "name": "Tee",
        "slug": None,
        "type": "variable",
        "regular_price": "20.00",
        "sale_price": "",
        "description": "",
        "short_description": "",
        "stock_status": "instock",
        "sku": "TEE",
        "stock_quantity": 0,
        "sold_individually": False,
        "manage_stock": False,
        "backorders": "no",
        "purchase_note": "",
        "menu_order": 0,
        "reviews_allowed": False,
        "categories": [58],
        "images": [],
        "attributes": [
            {
                "crm_id": colour.pk,
                "woo_id": 3,
                "position": 0,
                "visible": True,
                "variation": True,
                "options": ["Red", "Blue"],
            }
        ],
        "defaultAttributes": [
            {
                "woo_attribute_id": 3,
                "crm_attribute_id": colour.pk,
                "name": "Colour",
                "option": "Red",
            }
        ],
        "upsells": [],
        "crosssells": [],
        "variations_woo_ids": [],
        **changes,
    }


def test_products_count_and_page(synced_up_to_products, shop):
    plugin = synced_up_to_products
    assert_json(
        body_json(plugin.get("countProductsToStoreSync")),
        {"queryResultCode": 1, "productCount": 2},
    )

    page = body_json(plugin.get("syncProductsToStore", **PAGE))

    # The sale price of Tee is not lower than the regular one: no sale. Stock: 7.5 + 2 in two
    # store departments is 9 (rounded down); Misc is not a store category, so only 57.
    assert_json(page, {"queryResultCode": 1, "products": [hoodie(shop), tee(shop)]})


def test_product_ids_then_nothing_to_send_and_nothing_to_delete(synced_up_to_products, shop):
    plugin = synced_up_to_products
    plugin.get("syncProductsToStore", **PAGE)

    reported = plugin.report("syncProductsIds", {shop["hoodie"].pk: 311, shop["tee"].pk: 312})

    assert (reported.status_code, reported.content) == (200, b"1")
    assert_json(
        body_json(plugin.get("countProductsToStoreSync")),
        {"queryResultCode": 1, "productCount": 0},
    )
    assert_json(
        body_json(plugin.get("syncProductsToStore", **PAGE)),
        {"queryResultCode": 1, "products": []},
    )
    deletions = plugin.get("getProductWooIdsToDeleteInStore")
    assert deletions.content == b"[]"
    assert_json(body_json(deletions), [])


def test_variations_of_reported_products(synced_up_to_products, shop):
    plugin = synced_up_to_products
    assert_json(
        body_json(plugin.get("countVariationsToStoreSync")),
        {"queryResultCode": 1, "productCount": 0},
    )
    plugin.get("syncProductsToStore", **PAGE)
    plugin.report("syncProductsIds", {shop["hoodie"].pk: 311, shop["tee"].pk: 312})
    assert_json(
        body_json(plugin.get("countVariationsToStoreSync")),
        {"queryResultCode": 1, "productCount": 1},
    )

    page = body_json(plugin.get("syncVariationsToStore", **PAGE))

    assert_json(
        page,
        {
            "queryResultCode": 1,
            "variations": [
                {
                    "crm_id": shop["tee_red"].pk,
                    "woo_id": None,
                    "name": "Tee red",
                    "slug": None,
                    "regular_price": "20.00",
                    "sale_price": "18.00",
                    "description": "",
                    "short_description": "",
                    "stock_status": "instock",
                    "sku": "TEE-R",
                    "stock_quantity": 3,
                    "sold_individually": False,
                    "manage_stock": True,
                    "backorders": "no",
                    "purchase_note": "",
                    "menu_order": 0,
                    "reviews_allowed": True,
                    "image": {"img_address": None, "img_original_name": None, "img_alt": None},
                    "parent_product_woo_id": 312,
                    "listOfVariationAttributes": [{"id": 3, "option": "Red"}],
                }
            ],
        },
    )
    assert plugin.report("syncVariationsIds", {shop["tee_red"].pk: 1201}).content == b"1"
    assert plugin.post("syncVariationsIds", []).content == b"1"  # the cycle's end marker
    assert_json(
        body_json(plugin.get("countVariationsToStoreSync")),
        {"queryResultCode": 1, "productCount": 0},
    )
    SyncState.objects.filter(kind="product", item_id=shop["tee"].pk).update(version=9)
    again = body_json(plugin.get("syncProductsToStore", **PAGE))
    assert_json(
        again,
        {"queryResultCode": 1, "products": [tee(shop, woo_id=312, variations_woo_ids=[1201])]},
    )


def test_a_removed_product_is_listed_until_the_store_confirms(synced_up_to_products, shop):
    plugin = synced_up_to_products
    plugin.get("syncProductsToStore", **PAGE)
    plugin.report("syncProductsIds", {shop["hoodie"].pk: 311, shop["tee"].pk: 312})
    shop["hoodie"].categories.remove(shop["clothing"])

    listed = plugin.get("getProductWooIdsToDeleteInStore")

    assert listed.content == b"[311]"
    assert_json(body_json(listed), [311])
    assert_json(body_json(plugin.get("getProductWooIdsToDeleteInStore")), [311])
    confirmed = plugin.post("deleteWooIdsFromProducts", [311])
    assert (confirmed.status_code, confirmed.content) == (200, b"1")
    assert_json(body_json(plugin.get("getProductWooIdsToDeleteInStore")), [])
    assert plugin.post("deleteWooIdsFromProducts", [311]).content == b"1"  # again: harmless


def test_ids_may_come_as_numeric_strings(plugin, shop):
    plugin.get("syncProductAttributesToStore")

    reported = plugin.post(
        "syncProductAttributesIds", [{"id": "3", "crm_id": str(shop["colour"].pk)}]
    )

    assert reported.content == b"1"
    assert SyncState.objects.get(kind="attribute", item_id=shop["colour"].pk).woo_id == 3


def test_a_second_language_gets_its_own_texts_and_prices(
    plugin, shop, store_input, owner, company, warehouse
):
    """A German store of the same company, its regular price the sale price type."""
    from backroom.catalog.models import ProductTranslation
    from backroom.stores.services import create_store
    from tests.storeapi.conftest import Plugin

    german, german_key = create_store(
        user=owner,
        data=store_input(
            name="Laden",
            language="de",
            regular_price_type_id=store_input().sale_price_type_id,
            sale_price_type_id=None,
            department_ids=[warehouse.pk],
        ),
    )
    german.categories.add(shop["clothing"])
    ProductTranslation.objects.create(
        product=shop["hoodie"], language="DE", name="Kapuzenpulli", description=""
    )
    german_plugin = Plugin(german_key)

    page = body_json(german_plugin.get("syncProductsToStore", **PAGE))

    assert_json(
        page,
        {
            "queryResultCode": 1,
            "products": [
                hoodie(
                    shop,
                    name="Kapuzenpulli",
                    regular_price="39.90",
                    sale_price="",
                    stock_quantity=7,
                    categories=[],
                )
            ],
        },
    )
