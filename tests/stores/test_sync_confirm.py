"""Serve and confirm: record_served, confirm_reported_ids, forget_deleted_woo_ids."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroom.catalog.models import Category, Product
from backroom.stores.models import SyncState
from backroom.stores.sync import (
    BATCH,
    bump_sync_version,
    confirm_reported_ids,
    forget_deleted_woo_ids,
    record_served,
)

pytestmark = pytest.mark.django_db


def rows(store, kind="product"):
    """item id -> (woo id, version, served, confirmed)."""
    return {
        row.item_id: (row.woo_id, row.version, row.served_version, row.confirmed_version)
        for row in SyncState.objects.filter(store=store, kind=kind)
    }


@pytest.fixture
def products(company):
    return Product.objects.bulk_create(
        Product(company=company, name=f"P{index}") for index in range(3)
    )


def test_record_served_creates_missing_rows_and_catches_up_existing(store, products):
    a, b, _ = products
    SyncState.objects.create(store=store, kind="product", item_id=a.pk, version=4, woo_id=9)
    record_served(store=store, kind="product", item_ids=[a.pk, b.pk])
    assert rows(store) == {a.pk: (9, 4, 4, 0), b.pk: (None, 1, 1, 0)}


def test_record_served_of_nothing_makes_no_query(store, django_assert_num_queries):
    with django_assert_num_queries(0):
        record_served(store=store, kind="product", item_ids=[])


def test_confirm_stores_ids_and_the_served_version(store, products):
    a, b, _ = products
    record_served(store=store, kind="product", item_ids=[a.pk, b.pk])
    assert confirm_reported_ids(store=store, kind="product", pairs=[(11, a.pk), (12, b.pk)]) == 2
    assert rows(store) == {a.pk: (11, 1, 1, 1), b.pk: (12, 1, 1, 1)}
    assert SyncState.objects.filter(confirmed_at__isnull=True).count() == 0


def test_confirm_is_idempotent(store, products):
    a, _, _ = products
    record_served(store=store, kind="product", item_ids=[a.pk])
    for _ in range(3):
        assert confirm_reported_ids(store=store, kind="product", pairs=[(11, a.pk)]) == 1
    assert rows(store) == {a.pk: (11, 1, 1, 1)}


def test_confirm_overwrites_a_stale_id(store, products):
    a, _, _ = products
    record_served(store=store, kind="product", item_ids=[a.pk])
    confirm_reported_ids(store=store, kind="product", pairs=[(11, a.pk)])
    bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[a.pk])
    record_served(store=store, kind="product", item_ids=[a.pk])
    confirm_reported_ids(store=store, kind="product", pairs=[(99, a.pk)])
    assert rows(store) == {a.pk: (99, 2, 2, 2)}


def test_a_change_after_serving_is_not_confirmed(store, products):
    a, _, _ = products
    record_served(store=store, kind="product", item_ids=[a.pk])
    bump_sync_version(store_ids=[store.pk], kind="product", item_ids=[a.pk])
    confirm_reported_ids(store=store, kind="product", pairs=[(11, a.pk)])
    assert rows(store) == {a.pk: (11, 2, 1, 1)}
    assert SyncState.objects.get(store=store, item_id=a.pk).needs_sync


def test_never_served_gets_its_id_and_keeps_waiting(store, products):
    a, _, _ = products
    assert confirm_reported_ids(store=store, kind="product", pairs=[(11, a.pk)]) == 1
    assert rows(store) == {a.pk: (11, 1, 0, 0)}


def test_foreign_and_unknown_ids_are_skipped(store, products, foreign_company, other_company):
    a, _, _ = products
    foreign = Product.objects.create(company=foreign_company, name="Theirs")
    sister = Product.objects.create(company=other_company, name="Sister company's")
    category = Category.objects.create(company=store.company, name="A category")
    pairs = [(1, foreign.pk), (2, sister.pk), (3, 10**9), (4, a.pk), (5, category.pk + 10**6)]
    assert confirm_reported_ids(store=store, kind="product", pairs=pairs) == 1
    assert rows(store) == {a.pk: (4, 1, 0, 0)}
    assert confirm_reported_ids(store=store, kind="category", pairs=[(6, foreign.pk)]) == 0


def test_kinds_are_kept_apart(store, products):
    a, _, _ = products
    confirm_reported_ids(store=store, kind="variation", pairs=[(7, a.pk)])
    assert rows(store, "product") == {}
    assert rows(store, "variation") == {a.pk: (7, 1, 0, 0)}


def test_duplicates_in_one_report(store, products):
    a, b, _ = products
    record_served(store=store, kind="product", item_ids=[a.pk, b.pk])
    pairs = [(11, a.pk), (11, a.pk), (12, b.pk), (13, b.pk)]
    assert confirm_reported_ids(store=store, kind="product", pairs=pairs) == 2
    assert rows(store) == {a.pk: (11, 1, 1, 1), b.pk: (13, 1, 1, 1)}  # the last pair wins


@pytest.mark.parametrize(
    "bad",
    [0, -1, 2**63, 10**30, True, None, "12", 1.0],
)
def test_hostile_ids_are_skipped(store, products, bad):
    a, _, _ = products
    assert confirm_reported_ids(store=store, kind="product", pairs=[(bad, a.pk)]) == 0
    assert confirm_reported_ids(store=store, kind="product", pairs=[(5, bad)]) == 0
    assert forget_deleted_woo_ids(store=store, woo_ids=[bad]) == 0
    assert rows(store) == {}


def test_unknown_kind_is_a_programming_error(store):
    with pytest.raises(ValueError, match="unknown sync kind"):
        confirm_reported_ids(store=store, kind="order", pairs=[])


def test_reports_are_written_in_batches(store, company, django_assert_num_queries):
    many = Product.objects.bulk_create(
        Product(company=company, name=f"P{index}") for index in range(BATCH + 5)
    )
    pairs = [(product.pk + 100, product.pk) for product in many]
    # per batch: owned ids, known ids, upsert of the ids, one UPDATE of the versions, one
    # of what was sent with the former ids; and the savepoint
    with django_assert_num_queries(5 + 2):
        confirm_reported_ids(store=store, kind="product", pairs=pairs[BATCH:])
    with django_assert_num_queries(4 + 2):  # the same again: no id changed, nothing to mark
        confirm_reported_ids(store=store, kind="product", pairs=pairs[BATCH:])
    assert confirm_reported_ids(store=store, kind="product", pairs=pairs) == BATCH + 5
    assert SyncState.objects.filter(store=store, woo_id__isnull=False).count() == BATCH + 5


def test_the_empty_report(store, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert confirm_reported_ids(store=store, kind="product", pairs=[]) == 0
        assert confirm_reported_ids(store=store, kind="product", pairs=[(0, 0)]) == 0


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pairs=st.lists(
        st.tuples(
            st.one_of(st.integers(), st.none(), st.text(max_size=3), st.booleans()),
            st.one_of(st.integers(min_value=-3, max_value=10**20), st.just(None)),
        ),
        max_size=20,
    )
)
def test_any_report_is_harmless(store, pairs):
    stored = confirm_reported_ids(store=store, kind="term", pairs=pairs)
    assert stored == 0  # the company has no terms: nothing of it is anyone's
    assert not SyncState.objects.filter(kind="term").exists()


# -- forget_deleted_woo_ids ----------------------------------------------------------------------


def test_forget_nulls_this_stores_product_ids_only(store, products, owner, store_input):
    from backroom.stores.services import create_store

    second = create_store(user=owner, data=store_input(name="Second"))[0]
    a, b, _ = products
    for each in (store, second):
        record_served(store=each, kind="product", item_ids=[a.pk, b.pk])
        confirm_reported_ids(store=each, kind="product", pairs=[(11, a.pk), (12, b.pk)])
        confirm_reported_ids(store=each, kind="variation", pairs=[(11, a.pk)])
    assert forget_deleted_woo_ids(store=store, woo_ids=[11, 11, 404]) == 1
    assert rows(store) == {a.pk: (None, 1, 1, 0), b.pk: (12, 1, 1, 1)}
    assert rows(store, "variation") == {a.pk: (11, 1, 0, 0)}
    assert rows(second) == {a.pk: (11, 1, 1, 1), b.pk: (12, 1, 1, 1)}


def test_forget_nothing_makes_no_query(store, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert forget_deleted_woo_ids(store=store, woo_ids=[]) == 0
