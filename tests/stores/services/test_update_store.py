"""update_store: what it writes, what it marks for re-sync, who may do it."""

import pytest

from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.stores import errors
from backroom.stores.errors import NotAllowed, NotFound, StoreInvalid
from backroom.stores.models import Store, SyncState
from backroom.stores.services import create_store, update_store
from tests.conftest import make_user
from tests.stores.helpers import sync_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(store, other_store):
    """SyncState rows of every kind for `store` (versions 1..5, some confirmed) and one row of
    another store of the same company (which must never move)."""
    specs = [
        ("category", 11, 1, 1),
        ("attribute", 12, 2, 2),
        ("term", 13, 3, 1),
        ("product", 14, 4, 4),
        ("variation", 15, 5, 5),
    ]
    for kind, item_id, version, confirmed in specs:
        SyncState.objects.create(
            store=store,
            kind=kind,
            item_id=item_id,
            woo_id=item_id * 10,
            version=version,
            served_version=confirmed,
            confirmed_version=confirmed,
        )
    SyncState.objects.create(store=other_store, kind="product", item_id=14, woo_id=7, version=4)


@pytest.fixture
def other_store(owner, store_input):
    return create_store(user=owner, data=store_input(name="Other shop"))[0]


BEFORE = {
    ("category", 11): (110, 1),
    ("attribute", 12): (120, 2),
    ("term", 13): (130, 3),
    ("product", 14): (140, 4),
    ("variation", 15): (150, 5),
}
BUMPED = {key: (woo_id, version + 1) for key, (woo_id, version) in BEFORE.items()}


def test_unchanged_save_writes_nothing(owner, store, store_input, rows, other_store):
    changed_at = store.changed_at
    result = update_store(user=owner, store_id=store.pk, data=store_input())
    assert (result.changed, result.resync) == (set(), False)
    saved = Store.objects.get(pk=store.pk)
    assert (saved.changed_at, saved.changed_by_id) == (changed_at, None)
    assert sync_rows(store) == BEFORE


def test_department_order_and_repeats_are_no_change(
    owner, store, store_input, rows, warehouse, shop_floor
):
    data = store_input(department_ids=[shop_floor.pk, warehouse.pk, shop_floor.pk])
    assert update_store(user=owner, store_id=store.pk, data=data).changed == set()
    assert sync_rows(store) == BEFORE


def test_language_case_alone_is_no_change(owner, store, store_input, rows):
    assert update_store(user=owner, store_id=store.pk, data=store_input(language="EN")).changed == (
        set()
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"language": "de"}, "language"),
        ({"sale_price_type_id": None}, "sale_price_type_id"),
    ],
)
def test_resync_fields_bump_every_row_of_the_store_once(
    owner, store, store_input, rows, other_store, change, field
):
    result = update_store(user=owner, store_id=store.pk, data=store_input(**change))
    assert (result.changed, result.resync) == ({field}, True)
    assert sync_rows(store) == BUMPED
    assert sync_rows(other_store) == {("product", 14): (7, 4)}


def test_regular_price_type_change_bumps(owner, store, store_input, rows, company, retail, sale):
    wholesale = PriceType.objects.create(company=company, name="Wholesale")
    result = update_store(
        user=owner, store_id=store.pk, data=store_input(regular_price_type_id=wholesale.pk)
    )
    assert (result.changed, result.resync) == ({"regular_price_type_id"}, True)
    assert sync_rows(store) == BUMPED
    assert Store.objects.get(pk=store.pk).regular_price_type_id == wholesale.pk


def test_swapping_price_types_bumps(owner, store, store_input, rows, retail, sale):
    data = store_input(regular_price_type_id=sale.pk, sale_price_type_id=retail.pk)
    result = update_store(user=owner, store_id=store.pk, data=data)
    assert result.changed == {"regular_price_type_id", "sale_price_type_id"}
    assert sync_rows(store) == BUMPED


def test_set_of_departments_change_bumps(owner, store, store_input, rows, warehouse):
    result = update_store(
        user=owner, store_id=store.pk, data=store_input(department_ids=[warehouse.pk])
    )
    assert (result.changed, result.resync) == ({"department_ids"}, True)
    assert sync_rows(store) == BUMPED
    assert list(Store.objects.get(pk=store.pk).departments.values_list("pk", flat=True)) == [
        warehouse.pk
    ]


def test_several_resync_fields_bump_once(owner, store, store_input, rows, warehouse):
    data = store_input(language="fr", sale_price_type_id=None, department_ids=[warehouse.pk])
    update_store(user=owner, store_id=store.pk, data=data)
    assert sync_rows(store) == BUMPED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Renamed"}, "name"),
        ({"allowed_addresses": "198.51.100.0/24"}, "allowed_addresses"),
        ({"is_let_sync": False}, "is_let_sync"),
        ({"days_to_shipment": 7}, "days_to_shipment"),
        ({"auto_reserve": True}, "auto_reserve"),
    ],
)
def test_other_fields_bump_nothing(owner, store, store_input, rows, change, field):
    result = update_store(user=owner, store_id=store.pk, data=store_input(**change))
    assert (result.changed, result.resync) == ({field}, False)
    assert sync_rows(store) == BEFORE
    saved = Store.objects.get(pk=store.pk)
    assert saved.changed_by_id == owner.pk


def test_orders_department_creator_and_customer_bump_nothing(
    owner, store, store_input, rows, shop_floor, customer, account, company
):
    clerk = make_user(account, company, username="clerk", permissions=[])
    data = store_input(
        orders_department_id=shop_floor.pk,
        order_creator_id=clerk.pk,
        if_customer_not_found="use_default",
        default_customer_id=customer.pk,
    )
    result = update_store(user=owner, store_id=store.pk, data=data)
    assert result.changed == {
        "orders_department_id",
        "order_creator_id",
        "if_customer_not_found",
        "default_customer_id",
    }
    assert result.resync is False
    assert sync_rows(store) == BEFORE
    saved = Store.objects.get(pk=store.pk)
    assert (saved.orders_department_id, saved.order_creator_id, saved.default_customer_id) == (
        shop_floor.pk,
        clerk.pk,
        customer.pk,
    )


# -- company -----------------------------------------------------------------------------------


def test_company_cannot_change(owner, store, store_input, other_company):
    with pytest.raises(StoreInvalid) as raised:
        update_store(user=owner, store_id=store.pk, data=store_input(company_id=other_company.pk))
    assert raised.value.errors == {"company_id": [errors.COMPANY_CANNOT_CHANGE]}
    assert Store.objects.get(pk=store.pk).company_id == store.company_id


def test_company_may_be_left_out_or_repeated(owner, store, store_input, company):
    for company_id in (None, company.pk, str(company.pk)):
        result = update_store(
            user=owner, store_id=store.pk, data=store_input(company_id=company_id, name="X")
        )
        assert result.store.company_id == company.pk


def test_foreign_company_id_is_refused(owner, store, store_input, foreign_company):
    with pytest.raises(StoreInvalid) as raised:
        update_store(user=owner, store_id=store.pk, data=store_input(company_id=foreign_company.pk))
    assert raised.value.errors == {"company_id": [errors.COMPANY_CANNOT_CHANGE]}


def test_rows_of_another_company_are_refused_on_update(owner, store, store_input, other_company):
    theirs = Department.objects.create(company=other_company, name="Theirs")
    with pytest.raises(StoreInvalid) as raised:
        update_store(
            user=owner,
            store_id=store.pk,
            data=store_input(orders_department_id=theirs.pk, department_ids=[theirs.pk]),
        )
    assert raised.value.errors == {
        "orders_department_id": [errors.DEPARTMENT_UNKNOWN],
        "department_ids": [errors.DEPARTMENTS_UNKNOWN],
    }


# -- who ------------------------------------------------------------------------------------------


def test_viewer_may_not_update(account, company, store, store_input):
    viewer = make_user(account, company, username="viewer", permissions=["stores.view.all"])
    with pytest.raises(NotAllowed):
        update_store(user=viewer, store_id=store.pk, data=store_input(name="Hacked"))
    assert Store.objects.get(pk=store.pk).name == "Main shop"


def test_own_company_editor_may_not_update_another_companys_store(
    account, company, other_company, store
):
    editor = make_user(
        account,
        other_company,
        username="editor",
        permissions=["stores.view.own", "stores.edit.own"],
    )
    with pytest.raises(NotFound):
        update_store(user=editor, store_id=store.pk, data=None)


def test_user_of_another_account_gets_not_found(foreign_company, store, store_input):
    from backroom.accounts.models import Membership, User

    rival = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    with pytest.raises(NotFound):
        update_store(user=rival, store_id=store.pk, data=store_input(name="Hacked"))


@pytest.mark.parametrize("store_id", [0, -1, "1; DROP TABLE", None, 2**70, "", [1]])
def test_malformed_store_ids_are_not_found(owner, store_input, store_id):
    with pytest.raises(NotFound):
        update_store(user=owner, store_id=store_id, data=store_input())
