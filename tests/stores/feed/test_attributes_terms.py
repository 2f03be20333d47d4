"""attributes_to_sync and terms_to_sync: what waits, what is listed, in which language."""

import pytest

from backroom.catalog.services import create_term, save_translation
from backroom.stores.feed import AttributeOut, TermOut, attributes_to_sync, terms_to_sync
from backroom.stores.models import SyncState
from backroom.stores.services import link_store_items
from backroom.stores.sync import bump_sync_version, confirm_reported_ids
from tests.stores.feed.conftest import fresh, report, sync_fully, woo

pytestmark = pytest.mark.django_db


def attribute(row, *, woo_id=None, **texts) -> AttributeOut:
    values = {
        "crm_id": row.pk,
        "woo_id": woo_id,
        "name": row.name,
        "type": "select",
        "slug": row.slug,
        "order_by": "menu_order",
        "has_archives": False,
    }
    return AttributeOut(**(values | texts))


def term(row, *, woo_id=None, **texts) -> TermOut:
    values = {
        "crm_id": row.pk,
        "woo_id": woo_id,
        "attribute_crm_id": row.attribute_id,
        "attribute_woo_id": woo("attribute", row.attribute),
        "name": row.name,
        "description": "",
        "slug": row.slug,
        "menu_order": row.menu_order,
    }
    return TermOut(**(values | texts))


def test_linked_attributes_only(shop, store):
    feed = attributes_to_sync(store=fresh(store))
    assert feed.items == [attribute(shop.colour), attribute(shop.size)]
    assert feed.all_woo_ids == []


def test_terms_wait_for_their_attribute_id(shop, store):
    assert terms_to_sync(store=fresh(store)).items == []
    assert not SyncState.objects.filter(store=store, kind="term").exists()
    confirm_reported_ids(
        store=store, kind="attribute", pairs=[(woo("attribute", shop.colour), shop.colour.pk)]
    )
    feed = terms_to_sync(store=fresh(store))
    assert feed.items == [term(shop.blue), term(shop.red)]
    assert feed.all_woo_ids == []
    served = SyncState.objects.filter(store=store, kind="term").values_list("item_id", flat=True)
    assert sorted(served) == sorted([shop.blue.pk, shop.red.pk])


def test_confirmed_items_leave_and_all_ids_stay(shop, store):
    report(store, "attribute", attributes_to_sync(store=fresh(store)).items)
    report(store, "term", terms_to_sync(store=fresh(store)).items)
    attributes = attributes_to_sync(store=fresh(store))
    terms = terms_to_sync(store=fresh(store))
    assert (attributes.items, terms.items) == ([], [])
    assert attributes.all_woo_ids == [woo("attribute", shop.colour), woo("attribute", shop.size)]
    assert terms.all_woo_ids == sorted(woo("term", t) for t in (shop.red, shop.blue, shop.small))


def test_a_changed_term_alone_is_sent_with_its_ids(shop, store):
    sync_fully(store)
    bump_sync_version(store_ids=[store.pk], kind="term", item_ids=[shop.red.pk])
    assert attributes_to_sync(store=fresh(store)).items == []
    assert terms_to_sync(store=fresh(store)).items == [term(shop.red, woo_id=woo("term", shop.red))]


def test_new_term_of_a_known_attribute_goes_at_once(shop, store):
    sync_fully(store)
    green = create_term(attribute=shop.colour, name="Green", menu_order=0)
    assert terms_to_sync(store=fresh(store)).items == [term(green)]


def test_texts_in_the_store_language(shop, german):
    save_translation(item=shop.colour, language="de", name="Farbe", slug="farbe")
    save_translation(item=shop.size, language="de", name="Größe")
    save_translation(item=shop.red, language="de", name="Rot", description="Wie Feuer")
    save_translation(item=shop.blue, language="de", slug="blau")
    assert attributes_to_sync(store=fresh(german)).items == [
        attribute(shop.colour, name="Farbe", slug="farbe"),
        attribute(shop.size, name="Größe"),
    ]
    report(german, "attribute", attributes_to_sync(store=fresh(german)).items)
    assert terms_to_sync(store=fresh(german)).items == [
        term(shop.blue, slug="blau"),
        term(shop.red, name="Rot", description="Wie Feuer"),
        term(shop.small),
    ]


def test_unlinking_an_attribute_drops_it_and_its_terms_from_the_lists(shop, store):
    sync_fully(store)
    link_store_items(stores=[store], kind="attribute", item_ids=[shop.size.pk], mode="remove")
    assert attributes_to_sync(store=fresh(store)).all_woo_ids == [woo("attribute", shop.colour)]
    assert terms_to_sync(store=fresh(store)).all_woo_ids == sorted(
        [woo("term", shop.red), woo("term", shop.blue)]
    )


def test_query_counts_do_not_grow(shop, store, django_assert_num_queries):
    current = fresh(store)
    with django_assert_num_queries(7):
        attributes_to_sync(store=current)
    report(store, "attribute", attributes_to_sync(store=current).items)
    for index in range(20):
        create_term(attribute=shop.size, name=f"X{index}")
    with django_assert_num_queries(8):
        assert len(terms_to_sync(store=current).items) == 23
