"""The one marking function and its helpers."""

import pytest

from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.stores.models import SyncState
from backroom.stores.services import create_store
from backroom.stores.sync import bump_sync_version, forget_unlinked, mark_store_catalog
from tests.stores.helpers import sync_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(owner, store_input):
    return create_store(user=owner, data=store_input(name="Second"))[0]


@pytest.fixture
def elsewhere(owner, store_input, other_company):
    """A store of another company of the same account."""
    department = Department.objects.create(company=other_company, name="D")
    return create_store(
        user=owner,
        data=store_input(
            company_id=other_company.pk,
            regular_price_type_id=PriceType.objects.create(company=other_company, name="R").pk,
            sale_price_type_id=None,
            orders_department_id=department.pk,
            department_ids=[department.pk],
        ),
    )[0]


def put(store, kind, item_id, version=1, woo_id=None):
    SyncState.objects.create(
        store=store, kind=kind, item_id=item_id, version=version, woo_id=woo_id
    )


def test_bump_given_stores_and_items(store, second):
    for s in (store, second):
        put(s, "product", 1, version=3)
        put(s, "product", 2, version=5)
        put(s, "variation", 1, version=7)
    assert bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[1, 99]) == 1
    assert sync_rows(store) == {
        ("product", 1): (None, 4),
        ("product", 2): (None, 5),
        ("variation", 1): (None, 7),
    }
    assert sync_rows(second) == {
        ("product", 1): (None, 3),
        ("product", 2): (None, 5),
        ("variation", 1): (None, 7),
    }


def test_bump_by_company_stays_in_the_company(store, second, elsewhere):
    for s in (store, second, elsewhere):
        put(s, "category", 5, version=2)
    assert bump_sync_version(company_id=store.company_id, kind="category", item_ids=[5]) == 2
    assert sync_rows(store) == sync_rows(second) == {("category", 5): (None, 3)}
    assert sync_rows(elsewhere) == {("category", 5): (None, 2)}


def test_bump_twice_is_two_versions(store):
    put(store, "term", 8)
    bump_sync_version(store_ids=[store.pk], kind="term", item_ids=iter([8]))
    bump_sync_version(store_ids=[store.pk], kind="term", item_ids=[8])
    assert sync_rows(store) == {("term", 8): (None, 3)}


def test_missing_rows_are_not_created(store):
    assert bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[1, 2]) == 0
    assert sync_rows(store) == {}


def test_empty_inputs_make_no_query(store, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[]) == 0
        assert bump_sync_version(store_ids=[], kind="product", item_ids=[1]) == 0


def test_scope_and_kind_are_required(store):
    with pytest.raises(ValueError, match="store_ids or company_id"):
        bump_sync_version(kind="product", item_ids=[1])
    with pytest.raises(ValueError, match="unknown sync kind"):
        bump_sync_version(store_ids=[store.pk], kind="products", item_ids=[1])


def test_mark_store_catalog_bumps_only_that_store(store, second):
    put(store, "category", 1, version=1)
    put(store, "variation", 2, version=9)
    put(second, "category", 1, version=1)
    assert mark_store_catalog(store=store) == 2
    assert sync_rows(store) == {("category", 1): (None, 2), ("variation", 2): (None, 10)}
    assert sync_rows(second) == {("category", 1): (None, 1)}


def test_forget_unlinked_keeps_carried_items_and_products(store, catalog):
    store.categories.add(catalog["shoes"])
    store.attributes.add(catalog["colour"])
    put(store, "category", catalog["shoes"].pk, woo_id=1)
    put(store, "category", catalog["hats"].pk, woo_id=2)
    put(store, "attribute", catalog["colour"].pk, woo_id=3)
    put(store, "attribute", catalog["size"].pk, woo_id=4)
    put(store, "term", catalog["red"].pk, woo_id=5)
    put(store, "term", catalog["small"].pk, woo_id=6)
    put(store, "product", catalog["cap"].pk, woo_id=7)
    put(store, "variation", catalog["tee_red"].pk, woo_id=8)
    put(store, "category", 10**9, woo_id=9)  # a category deleted since
    assert forget_unlinked(store=store) == 4
    assert sync_rows(store) == {
        ("category", catalog["shoes"].pk): (1, 1),
        ("attribute", catalog["colour"].pk): (3, 1),
        ("term", catalog["red"].pk): (5, 1),
        ("product", catalog["cap"].pk): (7, 1),
        ("variation", catalog["tee_red"].pk): (8, 1),
    }
