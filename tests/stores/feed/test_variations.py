"""count_variations_to_sync and variations_page."""

from decimal import Decimal

import pytest

from backroom.catalog.models import Product
from backroom.catalog.services import create_product, save_translation, set_product_categories
from backroom.stores.feed import (
    NO_IMAGE,
    ImageOut,
    VariationAttributeOut,
    VariationOut,
    count_variations_to_sync,
    variations_page,
)
from backroom.stores.models import Store, SyncState
from backroom.stores.sync import bump_sync_version, confirm_reported_ids
from tests.stores.feed.conftest import fresh, report, sync_fully, woo
from tests.stores.feed.test_products import page as product_page

pytestmark = pytest.mark.django_db
D = Decimal


def page(store: Store, first: int = 0, size: int = 100) -> list[VariationOut]:
    return variations_page(store=fresh(store), first_result=first, max_results=size)


def variation(row, **changes) -> VariationOut:
    values = {
        "crm_id": row.pk,
        "woo_id": None,
        "name": row.name,
        "slug": None,
        "regular_price": "",
        "sale_price": "",
        "description": "",
        "short_description": "",
        "stock_status": "instock",
        "sku": row.sku,
        "stock_quantity": 0,
        "sold_individually": False,
        "manage_stock": False,
        "backorders": "no",
        "purchase_note": "",
        "menu_order": 0,
        "reviews_allowed": True,
        "image": NO_IMAGE,
        "parent_product_woo_id": woo("product", row.parent),
        "listOfVariationAttributes": [],
    }
    return VariationOut(**(values | changes))


def test_variations_wait_for_their_parents_store_id(shop, store):
    assert count_variations_to_sync(store=fresh(store)) == 0
    assert page(store) == []
    report(store, "product", product_page(store))
    assert count_variations_to_sync(store=fresh(store)) == 2
    assert page(store) == [
        variation(
            shop.tee_red,
            regular_price="11.00",  # a sale price equal to the regular one is not sent
            stock_quantity=4,
            image=ImageOut("https://img.example/tee-red.jpg", "tee-red.jpg", ""),
        ),
        variation(shop.tee_blue),
    ]


def test_attributes_with_store_ids_and_texts_in_the_store_language(shop, store, german):
    save_translation(item=shop.tee_red, language="de", name="T-Shirt rot")
    save_translation(item=shop.red, language="de", name="Rot")
    for each in (store, german):
        sync_fully(each)
        bump_sync_version(
            store_ids=[each.pk], kind="variation", item_ids=[shop.tee_red.pk, shop.tee_blue.pk]
        )
    colour = woo("attribute", shop.colour)
    assert [(v.name, v.listOfVariationAttributes) for v in page(store)] == [
        ("Tee red", [VariationAttributeOut(colour, "Red")]),
        ("Tee blue", [VariationAttributeOut(colour, "Blue")]),
    ]
    assert [(v.name, v.listOfVariationAttributes) for v in page(german)] == [
        ("T-Shirt rot", [VariationAttributeOut(colour, "Rot")]),
        ("Tee blue", [VariationAttributeOut(colour, "Blue")]),
    ]


def test_a_changed_variation_alone_with_its_ids(shop, store):
    sync_fully(store)
    assert count_variations_to_sync(store=fresh(store)) == 0
    bump_sync_version(store_ids=[store.pk], kind="variation", item_ids=[shop.tee_blue.pk])
    [blue] = page(store)
    assert (blue.crm_id, blue.woo_id, blue.parent_product_woo_id) == (
        shop.tee_blue.pk,
        woo("variation", shop.tee_blue),
        woo("product", shop.tee),
    )


def test_a_variation_follows_its_parent_not_its_own_categories(shop, store, company):
    report(store, "product", product_page(store))
    set_product_categories(product=shop.tee_red, categories=[shop.outlet])
    set_product_categories(product=shop.tee, categories=[shop.outlet])
    assert count_variations_to_sync(store=fresh(store)) == 0


def test_deleted_variations_are_neither_sent_nor_listed(shop, store):
    sync_fully(store)
    Product.objects.filter(pk=shop.tee_blue.pk).update(is_deleted=True)
    bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[shop.tee.pk])
    bump_sync_version(
        store_ids=[store.pk], kind="variation", item_ids=[shop.tee_red.pk, shop.tee_blue.pk]
    )
    assert [v.crm_id for v in page(store)] == [shop.tee_red.pk]
    [tee] = product_page(store)
    assert tee.variations_woo_ids == [woo("variation", shop.tee_red)]


def test_a_report_confirms_the_served_version(shop, store, company):
    report(store, "product", product_page(store))
    served = page(store)
    bump_sync_version(store_ids=[store.pk], kind="variation", item_ids=[shop.tee_red.pk])
    report(store, "variation", served)
    assert [v.crm_id for v in page(store)] == [shop.tee_red.pk]
    rows = SyncState.objects.filter(store=store, kind="variation").order_by("item_id")
    assert list(rows.values_list("item_id", "woo_id", "version", "confirmed_version")) == [
        (shop.tee_red.pk, woo("variation", shop.tee_red), 2, 1),
        (shop.tee_blue.pk, woo("variation", shop.tee_blue), 1, 1),
    ]


def test_new_variation_of_a_known_parent(shop, store, company):
    sync_fully(store)
    green = create_product(
        company=company, name="Tee green", type=Product.Type.VARIATION, parent=shop.tee
    )
    assert page(store) == [variation(green)]
    confirm_reported_ids(store=store, kind="variation", pairs=[(1, green.pk)])
    assert count_variations_to_sync(store=fresh(store)) == 0


def test_queries_per_page_do_not_grow_with_the_page_size(
    rich_shop, store, django_assert_num_queries
):
    counts = []
    for size in (10, 100):
        current = fresh(store)
        with django_assert_num_queries(16) as captured:
            served = variations_page(store=current, first_result=0, max_results=size)
        assert len(served) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]
