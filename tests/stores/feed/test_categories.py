"""categories_to_sync: the whole carried tree, parents first, in the store's language."""

import pytest
from django.core.files.base import ContentFile

from backroom.catalog.models import Category, Image
from backroom.catalog.services import create_category, save_translation
from backroom.stores.feed import CategoryOut, categories_to_sync
from backroom.stores.models import SyncState
from backroom.stores.services import link_store_items
from backroom.stores.sync import bump_sync_version
from tests.stores.feed.conftest import fresh, report, sync_fully, woo

pytestmark = pytest.mark.django_db


def category(row, parent=None, *, woo_id=None, parent_woo_id=None, **texts) -> CategoryOut:
    values = {
        "crm_id": row.pk,
        "woo_id": woo_id,
        "parent_crm_id": parent.pk if parent else 0,
        "parent_woo_id": parent_woo_id,
        "name": row.name,
        "description": "",
        "slug": row.slug,
        "display": "default",
        "menu_order": 0,
        "img_address": None,
        "img_original_name": "",
        "img_alt": "",
        "img_anonyme_access": False,
    }
    return CategoryOut(**(values | texts))


def test_first_feed_is_the_carried_tree_parents_first(shop, store):
    feed = categories_to_sync(store=fresh(store))
    assert feed.items == [
        category(shop.clothing),
        category(shop.shirts, shop.clothing),
        category(shop.remnants),  # its parent Outlet is not carried: a root
    ]
    assert feed.all_woo_ids == []


def test_serving_records_the_version_sent(shop, store):
    categories_to_sync(store=fresh(store))
    rows = SyncState.objects.filter(store=store, kind="category")
    assert sorted(
        rows.values_list("item_id", "version", "served_version", "confirmed_version")
    ) == [
        (shop.clothing.pk, 1, 1, 0),
        (shop.shirts.pk, 1, 1, 0),
        (shop.remnants.pk, 1, 1, 0),
    ]


def test_nothing_to_send_once_confirmed_but_all_ids_listed(shop, store):
    report(store, "category", categories_to_sync(store=fresh(store)).items)
    feed = categories_to_sync(store=fresh(store))
    assert feed.items == []
    assert feed.all_woo_ids == [
        woo("category", c) for c in (shop.clothing, shop.shirts, shop.remnants)
    ]


def test_one_change_sends_the_whole_tree_with_store_ids(shop, store):
    sync_fully(store)
    bump_sync_version(store_ids=[store.pk], kind="category", item_ids=[shop.remnants.pk])
    feed = categories_to_sync(store=fresh(store))
    ids = {c.pk: woo("category", c) for c in (shop.clothing, shop.shirts, shop.remnants)}
    assert feed.items == [
        category(shop.clothing, woo_id=ids[shop.clothing.pk]),
        category(
            shop.shirts,
            shop.clothing,
            woo_id=ids[shop.shirts.pk],
            parent_woo_id=ids[shop.clothing.pk],
        ),
        category(shop.remnants, woo_id=ids[shop.remnants.pk]),
    ]
    assert feed.all_woo_ids == sorted(ids.values())


def test_deep_tree_siblings_in_menu_order_parents_first(company, store, shop):
    formal = create_category(company=company, name="Formal", parent=shop.shirts)
    casual = create_category(company=company, name="Casual", parent=shop.shirts)
    Category.objects.filter(pk=casual.pk).update(menu_order=-1)
    Category.objects.filter(pk=shop.remnants.pk).update(menu_order=-5)
    link_store_items(stores=[store], kind="category", item_ids=[formal.pk, casual.pk], mode="add")
    order = [(c.crm_id, c.parent_crm_id) for c in categories_to_sync(store=fresh(store)).items]
    assert order == [
        (shop.remnants.pk, 0),
        (shop.clothing.pk, 0),
        (shop.shirts.pk, shop.clothing.pk),
        (casual.pk, shop.shirts.pk),
        (formal.pk, shop.shirts.pk),
    ]


def test_a_parent_cycle_is_sent_once_as_roots(shop, store):
    Category.objects.filter(pk=shop.clothing.pk).update(parent=shop.shirts)
    items = categories_to_sync(store=fresh(store)).items
    assert [(c.crm_id, c.parent_crm_id) for c in items] == [
        (shop.remnants.pk, 0),
        (shop.clothing.pk, 0),
        (shop.shirts.pk, 0),
    ]


def test_texts_in_the_store_language_field_by_field(shop, german):
    save_translation(item=shop.shirts, language="de", name="Hemden", description="Für Büros")
    save_translation(item=shop.clothing, language="de", slug="kleidung")
    save_translation(item=shop.remnants, language="fr", name="Restes")
    items = categories_to_sync(store=fresh(german)).items
    assert [(c.name, c.slug, c.description) for c in items] == [
        ("Clothing", "kleidung", ""),
        ("Hemden", "shirts", "Für Büros"),
        ("Remnants", "remnants", ""),
    ]


def test_unlinked_categories_leave_the_tree_and_the_id_list(shop, store, owner):
    sync_fully(store)
    link_store_items(stores=[store], kind="category", item_ids=[shop.clothing.pk], mode="remove")
    bump_sync_version(store_ids=[store.pk], kind="category", item_ids=[shop.shirts.pk])
    feed = categories_to_sync(store=fresh(store))
    assert [(c.crm_id, c.parent_crm_id) for c in feed.items] == [
        (shop.remnants.pk, 0),
        (shop.shirts.pk, 0),
    ]
    assert feed.all_woo_ids == [woo("category", shop.shirts), woo("category", shop.remnants)]


def test_pictures_kept_and_imported(shop, store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BACKROOM_PUBLIC_URL = "https://crm.example"
    kept = Image(company=shop.company, original_name="Clothes.PNG", alt="Racks")
    kept.file.save("clothes.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    imported = Image.objects.create(company=shop.company, source_url="https://img.example/s.jpg")
    Category.objects.filter(pk=shop.clothing.pk).update(image=kept)
    Category.objects.filter(pk=shop.shirts.pk).update(image=imported)
    items = categories_to_sync(store=fresh(store)).items
    file_name = kept.file.name.rsplit("/", 1)[-1]
    assert [
        (c.img_address, c.img_original_name, c.img_alt, c.img_anonyme_access) for c in items
    ] == [
        (
            f"https://crm.example/api/public/images/{kept.pk}/{file_name}",
            "Clothes.PNG",
            "Racks",
            True,
        ),
        ("https://img.example/s.jpg", "s.jpg", "", True),
        (None, "", "", False),
    ]


def test_stores_of_two_accounts_see_only_their_own(shop, store, rival):
    assert [c.name for c in categories_to_sync(store=fresh(rival)).items] == ["Shelf"]
    assert [c.name for c in categories_to_sync(store=fresh(store)).items] == [
        "Clothing",
        "Shirts",
        "Remnants",
    ]


def test_query_count_does_not_grow_with_the_tree(company, store, shop, django_assert_num_queries):
    sync_fully(store)
    bump_sync_version(store_ids=[store.pk], kind="category", item_ids=[shop.shirts.pk])
    current = fresh(store)
    with django_assert_num_queries(8):
        categories_to_sync(store=current)
    for index in range(30):
        parent = create_category(company=company, name=f"Extra {index}")
        child = create_category(company=company, name=f"Child {index}", parent=parent)
        link_store_items(
            stores=[store], kind="category", item_ids=[parent.pk, child.pk], mode="add"
        )
    current = fresh(store)
    with django_assert_num_queries(8):
        assert len(categories_to_sync(store=current).items) == 63
