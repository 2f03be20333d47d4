"""Linking categories and attributes to stores: one by one and in bulk, keeping the stores'
ids of what stays linked (the reference lost them), forgetting what a store no longer carries."""

import pytest

from backroom.catalog.models import Attribute, Category
from backroom.stores import errors
from backroom.stores.errors import NotAllowed, NotFound, StoreInvalid
from backroom.stores.models import SyncState
from backroom.stores.services import (
    LinkSummary,
    create_store,
    link_attributes,
    link_categories,
    link_store_items,
)
from tests.conftest import make_user
from tests.stores.helpers import sync_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(owner, store_input):
    return create_store(user=owner, data=store_input(name="Second"))[0]


def linked_categories(store):
    return sorted(store.categories.values_list("name", flat=True))


def linked_attributes(store):
    return sorted(store.attributes.values_list("name", flat=True))


def row(store, kind, item, woo_id, version=1, confirmed=1):
    return SyncState.objects.create(
        store=store,
        kind=kind,
        item_id=item.pk,
        woo_id=woo_id,
        version=version,
        served_version=confirmed,
        confirmed_version=confirmed,
    )


def test_link_one_category_to_one_store(owner, store, catalog):
    summary = link_categories(
        user=owner, store_ids=[store.pk], category_ids=[catalog["shoes"].pk], mode="add"
    )
    assert summary == LinkSummary(stores=1, linked=1, unlinked=0, forgotten=0)
    assert linked_categories(store) == ["Shoes"]


def test_add_in_bulk_keeps_existing_links_and_woo_ids(owner, store, second, catalog):
    shoes, hats, misc = catalog["shoes"], catalog["hats"], catalog["misc"]
    store.categories.add(shoes)
    row(store, "category", shoes, woo_id=501, version=3, confirmed=3)
    summary = link_categories(
        user=owner,
        store_ids=[store.pk, second.pk],
        category_ids=[shoes.pk, hats.pk, misc.pk],
        mode="add",
    )
    assert summary == LinkSummary(stores=2, linked=5, unlinked=0, forgotten=0)
    assert linked_categories(store) == linked_categories(second) == ["Hats", "Misc", "Shoes"]
    assert sync_rows(store) == {("category", shoes.pk): (501, 3)}


def test_linking_marks_categories_as_store_categories(owner, store, catalog):
    misc = catalog["misc"]
    link_categories(user=owner, store_ids=[store.pk], category_ids=[misc.pk], mode="add")
    assert Category.objects.get(pk=misc.pk).is_store_category is True


def test_replace_keeps_what_stays_and_forgets_what_goes(owner, store, catalog):
    shoes, hats, misc = catalog["shoes"], catalog["hats"], catalog["misc"]
    store.categories.add(shoes, hats)
    row(store, "category", shoes, woo_id=501)
    row(store, "category", hats, woo_id=502)
    row(store, "product", catalog["cap"], woo_id=601)
    summary = link_categories(
        user=owner, store_ids=[store.pk], category_ids=[shoes.pk, misc.pk], mode="replace"
    )
    assert summary == LinkSummary(stores=1, linked=1, unlinked=1, forgotten=1)
    assert linked_categories(store) == ["Misc", "Shoes"]
    # Hats' row is gone (the plugin deletes it); the product row waits for the store's report.
    assert sync_rows(store) == {
        ("category", shoes.pk): (501, 1),
        ("product", catalog["cap"].pk): (601, 1),
    }


def test_replace_with_nothing_unlinks_all(owner, store, catalog):
    store.categories.add(catalog["shoes"])
    row(store, "category", catalog["shoes"], woo_id=501)
    summary = link_categories(user=owner, store_ids=[store.pk], category_ids=[], mode="replace")
    assert summary == LinkSummary(stores=1, linked=0, unlinked=1, forgotten=1)
    assert sync_rows(store) == {}


def test_remove_in_bulk_touches_only_the_given_stores(owner, store, second, catalog):
    shoes, hats = catalog["shoes"], catalog["hats"]
    for s in (store, second):
        s.categories.add(shoes, hats)
        row(s, "category", shoes, woo_id=500 + s.pk)
        row(s, "category", hats, woo_id=700 + s.pk)
    summary = link_categories(
        user=owner, store_ids=[store.pk], category_ids=[hats.pk], mode="remove"
    )
    assert summary == LinkSummary(stores=1, linked=0, unlinked=1, forgotten=1)
    assert linked_categories(store) == ["Shoes"]
    assert linked_categories(second) == ["Hats", "Shoes"]
    assert sync_rows(store) == {("category", shoes.pk): (500 + store.pk, 1)}
    assert sync_rows(second) == {
        ("category", shoes.pk): (500 + second.pk, 1),
        ("category", hats.pk): (700 + second.pk, 1),
    }


def test_rows_of_linked_but_unmarked_categories_are_forgotten(owner, store, catalog):
    misc = catalog["misc"]
    store.categories.add(misc, catalog["shoes"])
    row(store, "category", misc, woo_id=900)  # sent while it was marked, unmarked since
    link_categories(user=owner, store_ids=[store.pk], category_ids=[misc.pk], mode="remove")
    assert sync_rows(store) == {}


def test_attributes_and_their_terms(owner, store, second, catalog):
    colour, size = catalog["colour"], catalog["size"]
    link_attributes(
        user=owner, store_ids=[store.pk, second.pk], attribute_ids=[colour.pk, size.pk], mode="add"
    )
    for item, woo_id in ((colour, 1), (catalog["red"], 2), (size, 3), (catalog["small"], 4)):
        kind = "attribute" if isinstance(item, Attribute) else "term"
        row(store, kind, item, woo_id=woo_id)
    summary = link_attributes(
        user=owner, store_ids=[store.pk], attribute_ids=[colour.pk], mode="replace"
    )
    assert summary == LinkSummary(stores=1, linked=0, unlinked=1, forgotten=2)
    assert linked_attributes(store) == ["Colour"]
    assert linked_attributes(second) == ["Colour", "Size"]
    assert sync_rows(store) == {
        ("attribute", colour.pk): (1, 1),
        ("term", catalog["red"].pk): (2, 1),
    }


def test_add_changes_nothing_when_all_are_linked(owner, store, catalog, django_assert_num_queries):
    store.attributes.add(catalog["colour"])
    summary = link_attributes(
        user=owner, store_ids=[store.pk], attribute_ids=[catalog["colour"].pk], mode="add"
    )
    assert summary == LinkSummary(stores=1, linked=0, unlinked=0, forgotten=0)


def test_bulk_link_query_count_does_not_grow_with_items(
    owner, store, second, company, django_assert_max_num_queries
):
    many = [Category.objects.create(company=company, name=f"C{i}") for i in range(30)]
    with django_assert_max_num_queries(12):
        link_categories(
            user=owner,
            store_ids=[store.pk, second.pk],
            category_ids=[c.pk for c in many],
            mode="add",
        )
    assert store.categories.count() == second.categories.count() == 30


# -- refusals ----------------------------------------------------------------------------------


def test_category_of_another_company_or_account(
    owner, store, other_company, foreign_company, catalog
):
    for where in (other_company, foreign_company):
        theirs = Category.objects.create(company=where, name="Theirs")
        with pytest.raises(NotFound):
            link_categories(
                user=owner,
                store_ids=[store.pk],
                category_ids=[catalog["shoes"].pk, theirs.pk],
                mode="add",
            )
    assert linked_categories(store) == []


def test_attribute_of_another_company(owner, store, other_company):
    theirs = Attribute.objects.create(company=other_company, name="Theirs")
    with pytest.raises(NotFound):
        link_attributes(user=owner, store_ids=[store.pk], attribute_ids=[theirs.pk], mode="add")


def test_stores_of_two_companies(owner, store, store_input, other_company, catalog):
    from backroom.catalog.models import PriceType
    from backroom.companies.models import Department

    dept = Department.objects.create(company=other_company, name="Theirs")
    theirs, _ = create_store(
        user=owner,
        data=store_input(
            company_id=other_company.pk,
            regular_price_type_id=PriceType.objects.create(company=other_company, name="R").pk,
            sale_price_type_id=None,
            orders_department_id=dept.pk,
            department_ids=[dept.pk],
            order_creator_id=owner.pk,
        ),
    )
    with pytest.raises(StoreInvalid) as raised:
        link_categories(
            user=owner, store_ids=[store.pk, theirs.pk], category_ids=[], mode="replace"
        )
    assert raised.value.errors == {"store_ids": [errors.LINK_STORES_ONE_COMPANY]}


@pytest.mark.parametrize("mode", ["", "ADD", "set", None])
def test_unknown_mode(owner, store, catalog, mode):
    with pytest.raises(StoreInvalid) as raised:
        link_categories(user=owner, store_ids=[store.pk], category_ids=[], mode=mode)
    assert raised.value.errors == {"mode": [errors.LINK_MODE_INVALID]}


def test_no_stores(owner, catalog):
    with pytest.raises(StoreInvalid) as raised:
        link_categories(user=owner, store_ids=[], category_ids=[catalog["shoes"].pk], mode="add")
    assert raised.value.errors == {"store_ids": [errors.LINK_STORES_REQUIRED]}


def test_linking_needs_edit_permission(account, company, store, catalog):
    viewer = make_user(account, company, username="viewer", permissions=["stores.view.all"])
    with pytest.raises(NotAllowed):
        link_categories(
            user=viewer, store_ids=[store.pk], category_ids=[catalog["shoes"].pk], mode="add"
        )
    assert linked_categories(store) == []


@pytest.mark.parametrize("ids", ["12", [True], ["1.0"], [2**64]])
def test_malformed_item_ids(owner, store, ids):
    with pytest.raises(NotFound):
        link_categories(user=owner, store_ids=[store.pk], category_ids=ids, mode="add")


# -- for trusted callers -------------------------------------------------------------------------


def test_link_store_items_checks_company_and_mode(store, catalog, other_company):
    theirs = Category.objects.create(company=other_company, name="Theirs")
    with pytest.raises(NotFound):
        link_store_items(stores=[store], kind="category", item_ids=[theirs.pk], mode="add")
    with pytest.raises(StoreInvalid) as raised:
        link_store_items(stores=[store], kind="category", item_ids=[], mode="set")
    assert raised.value.errors == {"mode": [errors.LINK_MODE_INVALID]}
    summary = link_store_items(
        stores=[store], kind="attribute", item_ids=[catalog["size"].pk], mode="add"
    )
    assert summary == LinkSummary(stores=1, linked=1, unlinked=0, forgotten=0)
    assert linked_attributes(store) == ["Size"]
