"""The connection page's held orders: the list, "Try again" and "Discard", for users with the
right permissions only, never across stores or accounts."""

import pytest

from backroom.accounts.errors import NotAllowed, NotFound
from backroom.accounts.models import Account, Membership, User
from backroom.orders.models import CustomerOrder
from backroom.stores import order_intake
from backroom.stores.models import HeldOrder
from backroom.stores.order_intake import (
    BatchReport,
    discard_held_orders,
    held_orders,
    import_store_orders,
    last_order_time,
    retry_held_orders,
)
from backroom.stores.services import create_store
from tests.conftest import make_user
from tests.stores.orders.conftest import Kind, link, product, woo_line, woo_order

pytestmark = pytest.mark.django_db


def hold(store, *order_ids: int, woo_product: int = 8) -> list[HeldOrder]:
    """Hold orders of an unknown WooCommerce product (oldest first)."""
    payloads = [
        woo_order(order_id, woo_line(woo_product), date_created_gmt=f"2024-05-01T10:00:{i:02}")
        for i, order_id in enumerate(order_ids)
    ]
    import_store_orders(store=store, payloads=payloads)
    return list(HeldOrder.objects.filter(store=store, store_order_id__in=order_ids))


@pytest.fixture
def second_store(owner, store_input):
    return create_store(user=owner, data=store_input(name="Second shop"))[0]


@pytest.fixture
def scarf(store):
    """Links WooCommerce product 8 of the store: held orders of it can go in now."""
    return lambda: link(store, Kind.PRODUCT, 8, product(store.company, "Scarf"))


def imported(store) -> list[int]:
    return sorted(
        CustomerOrder.objects.filter(store=store).values_list("store_order_id", flat=True)
    )


def test_held_orders_of_one_store_oldest_first(store, second_store):
    hold(store, 2, 1)
    hold(second_store, 3)

    assert [row.store_order_id for row in held_orders(store=store)] == [2, 1]


def test_retry_all(owner, store, scarf):
    hold(store, 1, 2)
    scarf()

    report = retry_held_orders(user=owner, store_id=store.pk)

    assert report == BatchReport(released=2)
    assert imported(store) == [1, 2]
    assert not HeldOrder.objects.exists()


def test_retry_some(owner, store, scarf):
    first, second = hold(store, 1, 2)
    scarf()

    report = retry_held_orders(user=owner, store_id=str(store.pk), held_ids=[str(second.pk)])

    assert report == BatchReport(released=1)
    assert imported(store) == [2]
    assert list(HeldOrder.objects.values_list("pk", flat=True)) == [first.pk]


def test_retry_that_fails_again_counts_the_attempt(owner, store):
    (row,) = hold(store, 1)

    report = retry_held_orders(user=owner, store_id=store.pk, held_ids=[row.pk])

    assert report == BatchReport()
    row.refresh_from_db()
    assert row.attempts == 2


def test_retry_of_ids_no_longer_held_says_so(owner, store, second_store, scarf):
    (mine,) = hold(store, 1)
    (theirs,) = hold(second_store, 1)
    scarf()

    report = retry_held_orders(user=owner, store_id=store.pk, held_ids=[mine.pk, theirs.pk, 999])

    assert report == BatchReport(
        released=1,
        problems=["2 of the chosen orders are no longer held (imported or discarded meanwhile)."],
    )
    assert HeldOrder.objects.filter(pk=theirs.pk).exists()


def test_retry_all_tries_a_click_worth(owner, store, scarf, monkeypatch):
    monkeypatch.setattr(order_intake, "RETRIES_PER_CLICK", 2)
    hold(store, 1, 2, 3)
    scarf()

    report = retry_held_orders(user=owner, store_id=store.pk)

    assert report == BatchReport(
        released=2,
        problems=["Backroom tried the 2 oldest held orders: try again for the others."],
    )
    assert imported(store) == [1, 2]


def test_discard(owner, store, second_store):
    first, second = hold(store, 1, 2)
    (theirs,) = hold(second_store, 1)

    deleted = discard_held_orders(
        user=owner, store_id=store.pk, held_ids=[first.pk, theirs.pk, 999]
    )

    assert deleted == 1
    assert list(held_orders(store=store)) == [second]
    assert sorted(HeldOrder.objects.filter(discarded_at=None).values_list("pk", flat=True)) == [
        second.pk,
        theirs.pk,
    ]


def test_a_discarded_order_sent_again_is_ignored_and_keeps_the_watermark(owner, store):
    first, newest = hold(store, 1, 2)
    discard_held_orders(user=owner, store_id=store.pk, held_ids=[newest.pk])

    again = import_store_orders(store=store, payloads=[newest.payload])
    retried = retry_held_orders(user=owner, store_id=store.pk)

    assert (again.ignored, again.held, again.created) == (1, 0, 0)
    assert HeldOrder.objects.get(pk=newest.pk).attempts == 1
    assert (retried.released, [row.pk for row in held_orders(store=store)]) == (0, [first.pk])
    assert last_order_time(store=store) == "2024-05-01T10:00:00"


# -- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("permissions", "error"),
    [
        (["orders.create.all"], NotFound),  # may not see the store
        (["stores.view.all"], NotAllowed),  # sees it, may not create orders
        (["stores.view.all", "orders.delete.all"], NotAllowed),
    ],
)
def test_retry_needs_store_view_and_orders_create(account, company, store, permissions, error):
    hold(store, 1)
    user = make_user(account, company, username="clerk", permissions=permissions)

    with pytest.raises(error):
        retry_held_orders(user=user, store_id=store.pk)

    assert HeldOrder.objects.get().attempts == 1


def test_retry_with_the_permissions(account, company, store, scarf):
    hold(store, 1)
    scarf()
    user = make_user(
        account, company, username="clerk", permissions=["stores.view.own", "orders.create.own"]
    )

    assert retry_held_orders(user=user, store_id=store.pk).released == 1


def test_permission_on_another_company_is_not_enough(account, company, other_company, store):
    hold(store, 1)
    user = make_user(
        account,
        other_company,
        username="elsewhere",
        permissions=["stores.view.all", "orders.create.own", "orders.delete.own"],
    )

    with pytest.raises(NotAllowed):
        retry_held_orders(user=user, store_id=store.pk)
    with pytest.raises(NotAllowed):
        discard_held_orders(user=user, store_id=store.pk, held_ids=[])


@pytest.mark.parametrize(
    ("permissions", "error"),
    [
        (["orders.delete.all"], NotFound),
        (["stores.view.all", "orders.create.all"], NotAllowed),
    ],
)
def test_discard_needs_store_view_and_orders_delete(account, company, store, permissions, error):
    (row,) = hold(store, 1)
    user = make_user(account, company, username="clerk", permissions=permissions)

    with pytest.raises(error):
        discard_held_orders(user=user, store_id=store.pk, held_ids=[row.pk])

    assert HeldOrder.objects.exists()


def test_discard_with_the_permissions(account, company, store):
    (row,) = hold(store, 1)
    user = make_user(
        account, company, username="clerk", permissions=["stores.view.own", "orders.delete.own"]
    )

    assert discard_held_orders(user=user, store_id=store.pk, held_ids=[row.pk]) == 1


def test_another_accounts_store_is_not_found(store, foreign_company):
    (row,) = hold(store, 1)
    rival = User.objects.create_user(username="rival", password="rival-pass-123")
    Membership.objects.create(
        user=rival,
        account=Account.objects.get(name="Rival"),
        company=foreign_company,
        is_owner=True,
    )

    with pytest.raises(NotFound):
        retry_held_orders(user=rival, store_id=store.pk)
    with pytest.raises(NotFound):
        discard_held_orders(user=rival, store_id=store.pk, held_ids=[row.pk])

    assert HeldOrder.objects.get().attempts == 1


@pytest.mark.parametrize("store_id", [None, "", "abc", -1, 0, 2**63, [1], True])
def test_store_ids_that_cannot_be_are_not_found(owner, store_id):
    with pytest.raises(NotFound):
        retry_held_orders(user=owner, store_id=store_id)


@pytest.mark.parametrize("held_ids", ["1", b"1", 1, {"a": 1}, ["x"], [None], [1.5]])
def test_held_ids_that_cannot_be_are_not_found(owner, store, held_ids):
    with pytest.raises(NotFound):
        retry_held_orders(user=owner, store_id=store.pk, held_ids=held_ids)
    with pytest.raises(NotFound):
        discard_held_orders(user=owner, store_id=store.pk, held_ids=held_ids)


def test_a_tried_list_costs_few_queries(owner, store, django_assert_max_num_queries):
    hold(store, *range(1, 11))

    # The store and the list; then each: savepoint, claim, the repeat check, product look-up,
    # rollback and release of the savepoint, the try recorded.
    with django_assert_max_num_queries(2 + 10 * 7):
        retry_held_orders(user=owner, store_id=store.pk)
