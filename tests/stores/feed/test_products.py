"""count_products_to_sync, products_page and product_woo_ids_to_delete."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db.models import F

from backroom.catalog.models import Image, Product, ProductImage
from backroom.catalog.services import (
    create_product,
    save_translation,
    set_product_categories,
    set_product_prices,
    update_product,
)
from backroom.companies.models import Department
from backroom.inventory.services import set_on_hand
from backroom.stores.feed import (
    DefaultAttributeOut,
    ImageOut,
    ProductAttributeOut,
    ProductOut,
    count_products_to_sync,
    product_woo_ids_to_delete,
    products_page,
)
from backroom.stores.models import Store, SyncState
from backroom.stores.services import link_store_items
from backroom.stores.sync import bump_sync_version, confirm_reported_ids, forget_deleted_woo_ids
from tests.stores.feed.conftest import fresh, play_cycle, sync_fully, woo

pytestmark = pytest.mark.django_db
D = Decimal


def page(store: Store, first: int = 0, size: int = 100) -> list[ProductOut]:
    return products_page(store=fresh(store), first_result=first, max_results=size)


def shirt_out(shop, **changes) -> ProductOut:
    values = {
        "crm_id": shop.shirt.pk,
        "woo_id": None,
        "name": "Oxford shirt",
        "slug": None,
        "type": "simple",
        "regular_price": "20.00",
        "sale_price": "15.50",
        "description": "<p>Rich words</p>",
        "short_description": "Short words",
        "stock_status": "instock",
        "sku": "SH-1",
        "stock_quantity": 6,
        "sold_individually": False,
        "manage_stock": True,
        "backorders": "no",
        "purchase_note": "Thanks",
        "menu_order": 3,
        "reviews_allowed": True,
        "categories": [],
        "images": [
            ImageOut("https://img.example/shirt-front.jpg", "shirt-front.jpg", ""),
            ImageOut("https://img.example/shirt-back.png", "shirt-back.png", ""),
        ],
        "attributes": [],
        "defaultAttributes": [],
        "upsells": [],
        "crosssells": [],
        "variations_woo_ids": [],
    }
    return ProductOut(**(values | changes))


def tee_out(shop, **changes) -> ProductOut:
    values = {
        "crm_id": shop.tee.pk,
        "woo_id": None,
        "name": "Tee",
        "slug": None,
        "type": "variable",
        "regular_price": "10.00",
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
        "reviews_allowed": True,
        "categories": [],
        "images": [],
        "attributes": [],
        "defaultAttributes": [],
        "upsells": [],
        "crosssells": [],
        "variations_woo_ids": [],
    }
    return ProductOut(**(values | changes))


def test_first_sync_sends_carried_products_without_unknown_ids(shop, store):
    assert count_products_to_sync(store=fresh(store)) == 2
    assert page(store) == [shirt_out(shop), tee_out(shop)]


def test_a_product_is_sent_again_once_its_upsells_have_ids(shop, store):
    assert play_cycle(store) == 3 + 2 + 3 + 2 + 2
    # the shirt was sent before the tee had an id: it goes again, with it
    assert count_products_to_sync(store=fresh(store)) == 1
    [shirt] = page(store)
    assert (shirt.crm_id, shirt.upsells, shirt.crosssells) == (
        shop.shirt.pk,
        [woo("product", shop.tee)],
        [woo("product", shop.tee)],
    )
    assert play_cycle(store) == 1
    assert play_cycle(store) == 0


def test_after_a_cycle_lists_hold_the_store_ids(shop, store):
    assert sync_fully(store) == 2
    assert count_products_to_sync(store=fresh(store)) == 0
    bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[shop.shirt.pk, shop.tee.pk])
    colour, size = woo("attribute", shop.colour), woo("attribute", shop.size)
    assert page(store) == [
        shirt_out(
            shop,
            woo_id=woo("product", shop.shirt),
            categories=[woo("category", shop.shirts)],
            # Material is not linked; options follow the terms' order (Blue 1, Red 2)
            attributes=[
                ProductAttributeOut(shop.colour.pk, colour, 0, True, False, ["Blue", "Red"]),
                ProductAttributeOut(shop.size.pk, size, 2, False, False, ["S"]),
            ],
            upsells=[woo("product", shop.tee)],  # the mug is not carried
            crosssells=[woo("product", shop.tee)],
        ),
        tee_out(
            shop,
            woo_id=woo("product", shop.tee),
            categories=[woo("category", shop.clothing), woo("category", shop.remnants)],
            attributes=[
                ProductAttributeOut(shop.colour.pk, colour, 0, True, True, ["Blue", "Red"])
            ],
            # Size is "any": not sent
            defaultAttributes=[DefaultAttributeOut(colour, shop.colour.pk, "Colour", "Red")],
            variations_woo_ids=[woo("variation", shop.tee_red), woo("variation", shop.tee_blue)],
        ),
    ]


def test_attributes_wait_for_their_store_id(shop, store):
    confirm_reported_ids(
        store=store, kind="attribute", pairs=[(woo("attribute", shop.size), shop.size.pk)]
    )
    [shirt, tee] = page(store)
    assert [a.crm_id for a in shirt.attributes] == [shop.size.pk]
    assert (tee.attributes, tee.defaultAttributes) == ([], [])


def test_default_attributes_use_this_stores_ids(shop, store, german):
    confirm_reported_ids(store=german, kind="attribute", pairs=[(77, shop.colour.pk)])
    confirm_reported_ids(store=store, kind="attribute", pairs=[(55, shop.colour.pk)])
    [_, tee] = page(german)
    assert tee.defaultAttributes == [DefaultAttributeOut(77, shop.colour.pk, "Colour", "Red")]


def test_texts_in_the_store_language_field_by_field(shop, german):
    save_translation(
        item=shop.shirt,
        language="de",
        name="Oxford-Hemd",
        description="Schlicht",
        short_description="Kurz",
    )
    save_translation(item=shop.red, language="de", name="Rot")
    save_translation(item=shop.colour, language="de", name="Farbe")
    confirm_reported_ids(store=german, kind="attribute", pairs=[(9, shop.colour.pk)])
    [shirt, tee] = page(german)
    # HTML description: no German one, so the base HTML; the short one is plain: German
    assert (shirt.name, shirt.description, shirt.short_description) == (
        "Oxford-Hemd",
        "<p>Rich words</p>",
        "Kurz",
    )
    assert shirt.attributes[0].options == ["Blue", "Rot"]
    assert tee.defaultAttributes == [DefaultAttributeOut(9, shop.colour.pk, "Farbe", "Rot")]


def test_each_store_gets_its_own_prices_and_stock(shop, german):
    # German: regular = the "Sale" price type, no sale price type, shop floor only
    [shirt, tee] = page(german)
    assert (shirt.regular_price, shirt.sale_price, shirt.stock_quantity) == ("15.50", "", 3)
    assert (tee.regular_price, tee.sale_price, tee.stock_quantity) == ("", "", 0)


@pytest.mark.parametrize(
    ("regular_value", "sale_value", "wire"),
    [
        ("20", "15.5", ("20.00", "15.50")),
        ("20", None, ("20.00", "")),
        ("20", "20", ("20.00", "")),
        ("20", "25", ("20.00", "")),
        (None, "5", ("", "")),
        ("0.5", "0", ("0.50", "0.00")),
        ("123456789012.34", "0.01", ("123456789012.34", "0.01")),
    ],
)
def test_prices_leave_as_strings_sale_only_when_lower(
    shop, store, retail, sale, regular_value, sale_value, wire
):
    values = {retail: regular_value, sale: sale_value}
    set_product_prices(
        product=shop.shirt,
        prices={kind: D(value) if value is not None else None for kind, value in values.items()},
    )
    [shirt, _] = page(store)
    assert (shirt.regular_price, shirt.sale_price) == wire


def test_stock_sums_the_store_departments_only(shop, store, company):
    elsewhere = Department.objects.create(company=company, name="Elsewhere")
    set_on_hand(department=elsewhere, quantities={shop.shirt: D("100"), shop.tee: D("7")})
    set_on_hand(department=shop.shop_floor, quantities={shop.tee: D("0.999")})
    [shirt, tee] = page(store)
    assert (shirt.stock_quantity, tee.stock_quantity) == (6, 0)
    store.departments.set([])
    [shirt, tee] = page(store)
    assert (shirt.stock_quantity, tee.stock_quantity) == (0, 0)


def test_kept_pictures_get_the_public_address(shop, store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BACKROOM_PUBLIC_URL = "https://crm.example/"
    kept = Image(company=shop.company, alt="Side")
    kept.file.save("side view.webp", ContentFile(b"RIFF....WEBP"), save=True)
    ProductImage.objects.create(product=shop.shirt, image=kept, position=-1)
    [shirt, _] = page(store)
    name = kept.file.name.rsplit("/", 1)[-1]
    assert shirt.images[0] == ImageOut(
        f"https://crm.example/api/public/images/{kept.pk}/{name.replace(' ', '%20')}", name, "Side"
    )
    assert [i.img_original_name for i in shirt.images[1:]] == ["shirt-front.jpg", "shirt-back.png"]


# -- served versions and reports (design invariant 4) -------------------------------------------


def test_serving_records_versions_and_keeps_the_set(shop, store):
    page(store, 0, 1)
    assert count_products_to_sync(store=fresh(store)) == 2
    rows = SyncState.objects.filter(store=store, kind="product")
    versions = rows.values_list("item_id", "version", "served_version", "confirmed_version")
    assert list(versions) == [(shop.shirt.pk, 1, 1, 0)]


def test_a_change_between_serve_and_report_keeps_the_item_waiting(shop, store):
    [shirt, tee] = page(store)
    update_product(product=shop.shirt, name="Renamed")
    bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[shop.shirt.pk])
    confirm_reported_ids(
        store=store,
        kind="product",
        pairs=[(woo("product", shop.shirt), shirt.crm_id), (woo("product", shop.tee), tee.crm_id)],
    )
    assert count_products_to_sync(store=fresh(store)) == 1
    [again] = page(store)
    assert (again.crm_id, again.woo_id, again.name) == (
        shop.shirt.pk,
        woo("product", shop.shirt),
        "Renamed",
    )
    confirm_reported_ids(store=store, kind="product", pairs=[(again.woo_id, again.crm_id)])
    assert count_products_to_sync(store=fresh(store)) == 0


# -- deletion list ----------------------------------------------------------------------------


def test_nothing_to_delete_while_everything_is_carried(shop, store):
    sync_fully(store)
    assert product_woo_ids_to_delete(store=fresh(store)) == []


def deleted_until_confirmed(store, expected: list[int]) -> None:
    assert product_woo_ids_to_delete(store=fresh(store)) == expected
    assert product_woo_ids_to_delete(store=fresh(store)) == expected
    assert forget_deleted_woo_ids(store=fresh(store), woo_ids=expected) == len(expected)
    assert product_woo_ids_to_delete(store=fresh(store)) == []


def test_deleted_product_until_confirmed(shop, store):
    sync_fully(store)
    Product.objects.filter(pk=shop.shirt.pk).update(is_deleted=True)
    assert count_products_to_sync(store=fresh(store)) == 0
    deleted_until_confirmed(store, [woo("product", shop.shirt)])


def test_removed_product_row_until_confirmed(shop, store, company):
    scarf = create_product(company=company, name="Scarf")
    set_product_categories(product=scarf, categories=[shop.clothing])
    sync_fully(store)
    scarf_woo_id = woo("product", scarf)
    scarf.delete()
    deleted_until_confirmed(store, [scarf_woo_id])


def test_product_moved_out_of_the_stores_categories(shop, store):
    sync_fully(store)
    set_product_categories(product=shop.shirt, categories=[shop.outlet])
    deleted_until_confirmed(store, [woo("product", shop.shirt)])


def test_category_unlinked(shop, store):
    sync_fully(store)
    link_store_items(stores=[store], kind="category", item_ids=[shop.clothing.pk], mode="remove")
    assert product_woo_ids_to_delete(store=fresh(store)) == []  # both still in carried ones
    link_store_items(stores=[store], kind="category", item_ids=[shop.shirts.pk], mode="remove")
    deleted_until_confirmed(store, [woo("product", shop.shirt)])


def test_product_turned_into_a_variation(shop, store):
    sync_fully(store)
    Product.objects.filter(pk=shop.shirt.pk).update(type=Product.Type.VARIATION, parent=shop.tee)
    deleted_until_confirmed(store, [woo("product", shop.shirt)])


def test_back_in_the_store_after_deletion_is_created_anew(shop, store):
    sync_fully(store)
    set_product_categories(product=shop.shirt, categories=[shop.outlet])
    forget_deleted_woo_ids(store=store, woo_ids=product_woo_ids_to_delete(store=fresh(store)))
    set_product_categories(product=shop.shirt, categories=[shop.shirts])
    [shirt] = page(store)
    assert (shirt.crm_id, shirt.woo_id) == (shop.shirt.pk, None)


def test_deletion_lists_are_per_store(shop, store, german):
    sync_fully(store)
    sync_fully(german)
    link_store_items(stores=[german], kind="category", item_ids=[shop.shirts.pk], mode="remove")
    assert product_woo_ids_to_delete(store=fresh(store)) == []
    assert product_woo_ids_to_delete(store=fresh(german)) == [woo("product", shop.shirt)]
    assert forget_deleted_woo_ids(store=store, woo_ids=[woo("product", shop.shirt)]) == 1
    assert product_woo_ids_to_delete(store=fresh(german)) == [woo("product", shop.shirt)]


# -- paging and query counts --------------------------------------------------------------------


def carried_products(company, category, count: int) -> list[Product]:
    products = Product.objects.bulk_create(
        Product(company=company, name=f"Item {index:03}", sku=f"I-{index:03}")
        for index in range(count)
    )
    Product.categories.through.objects.bulk_create(
        Product.categories.through(product_id=product.pk, category_id=category.pk)
        for product in products
    )
    return products


def test_250_products_page_without_gaps_or_repeats(shop, store, company):
    made = carried_products(company, shop.clothing, 248)
    count = count_products_to_sync(store=fresh(store))
    assert count == 250
    served = [p.crm_id for first in range(0, count, 100) for p in page(store, first, 100)]
    assert served == sorted([shop.shirt.pk, shop.tee.pk, *(p.pk for p in made)])
    assert count_products_to_sync(store=fresh(store)) == 250
    assert page(store, 250, 100) == []


def test_pages_skip_confirmed_items_and_keep_id_order(shop, store, company):
    made = carried_products(company, shop.clothing, 10)
    everything = [shop.shirt.pk, shop.tee.pk, *(p.pk for p in made)]
    confirm_reported_ids(store=store, kind="product", pairs=[(1, made[3].pk)])
    # reported but never served: still waiting
    assert [p.crm_id for p in page(store, 0, 100)] == everything
    confirm_reported_ids(store=store, kind="product", pairs=[(1, made[3].pk)])
    assert [p.crm_id for p in page(store, 2, 3)] == [made[0].pk, made[1].pk, made[2].pk]
    assert [p.crm_id for p in page(store, 5, 3)] == [made[4].pk, made[5].pk, made[6].pk]


@pytest.mark.parametrize(
    ("first", "size", "expected"),
    [(-5, 1, 1), (0, 0, 0), (0, -1, 0), (10**30, 100, 0), (1, 10**30, 1)],
)
def test_odd_paging_values_are_harmless(shop, store, first, size, expected):
    assert len(page(store, first, size)) == expected


def test_queries_per_page_do_not_grow_with_the_page_size(
    rich_shop, store, django_assert_num_queries
):
    counts = []
    for size in (10, 100):
        current = fresh(store)
        with django_assert_num_queries(28) as captured:
            served = products_page(store=current, first_result=0, max_results=size)
        assert len(served) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]
    rich = served[2:]
    assert all(
        p.upsells and p.crosssells and p.categories and p.attributes and p.defaultAttributes
        for p in rich
    )
    assert all(p.images and p.variations_woo_ids and p.stock_quantity == 3 for p in rich)


# -- ids that change --------------------------------------------------------------------------


def test_a_product_recreated_in_the_shop_sends_its_variations_again(shop, store):
    sync_fully(store)
    confirm_reported_ids(store=store, kind="product", pairs=[(4242, shop.tee.pk)])
    assert count_products_to_sync(store=fresh(store)) == 1  # the shirt upsells the tee
    assert sorted(p.crm_id for p in page(store)) == [shop.shirt.pk]
    from backroom.stores.feed import variations_page

    served = variations_page(store=fresh(store), first_result=0, max_results=100)
    assert [(v.crm_id, v.parent_product_woo_id) for v in served] == [
        (shop.tee_red.pk, 4242),
        (shop.tee_blue.pk, 4242),
    ]


def test_an_attribute_recreated_sends_its_terms_products_and_variations(shop, store):
    sync_fully(store)
    confirm_reported_ids(store=store, kind="attribute", pairs=[(777, shop.colour.pk)])
    rows = SyncState.objects.filter(store=store).exclude(version__lte=F("confirmed_version"))
    assert sorted(rows.values_list("kind", "item_id")) == sorted(
        [
            ("term", shop.red.pk),
            ("term", shop.blue.pk),
            ("product", shop.shirt.pk),
            ("product", shop.tee.pk),
            ("variation", shop.tee_red.pk),
            ("variation", shop.tee_blue.pk),
        ]
    )
    assert sync_fully(store) == 1


def test_a_category_recreated_sends_its_products(shop, store):
    sync_fully(store)
    confirm_reported_ids(store=store, kind="category", pairs=[(888, shop.shirts.pk)])
    [shirt] = page(store)
    assert (shirt.crm_id, shirt.categories) == (shop.shirt.pk, [888])


def test_the_same_ids_again_mark_nothing(shop, store):
    sync_fully(store)
    for kind, items in (("product", [shop.shirt, shop.tee]), ("category", [shop.shirts])):
        confirm_reported_ids(
            store=store, kind=kind, pairs=[(woo(kind, item), item.pk) for item in items]
        )
    assert not SyncState.objects.exclude(version__lte=F("confirmed_version")).exists()
