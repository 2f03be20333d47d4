"""create_store: the document, its key, permissions, and the account's limit."""

import pytest

from backroom.accounts.models import Account, Membership, User
from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.stores import errors
from backroom.stores.errors import NotAllowed, StoreLimitReached
from backroom.stores.keys import decrypt_key, key_digest, looks_like_key
from backroom.stores.models import Store
from backroom.stores.services import create_store, delete_stores
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_creates_every_field(
    owner, store_input, company, retail, sale, warehouse, shop_floor, customer
):
    data = store_input(
        name="Main shop",
        language="de",
        if_customer_not_found="use_default",
        default_customer_id=customer.pk,
        days_to_shipment=3,
        auto_reserve=True,
        is_let_sync=False,
    )
    store, key = create_store(user=owner, data=data)
    saved = Store.objects.get(pk=store.pk)
    assert (
        saved.company_id,
        saved.name,
        saved.language,
        saved.allowed_addresses,
        saved.is_let_sync,
        saved.regular_price_type_id,
        saved.sale_price_type_id,
        saved.orders_department_id,
        saved.order_creator_id,
        saved.if_customer_not_found,
        saved.default_customer_id,
        saved.days_to_shipment,
        saved.auto_reserve,
        saved.is_deleted,
        saved.created_by_id,
    ) == (
        company.pk,
        "Main shop",
        "DE",
        ["203.0.113.5", "2001:db8::/32"],
        False,
        retail.pk,
        sale.pk,
        warehouse.pk,
        owner.pk,
        "use_default",
        customer.pk,
        3,
        True,
        False,
        owner.pk,
    )
    assert set(saved.departments.values_list("pk", flat=True)) == {warehouse.pk, shop_floor.pk}


def test_key_is_generated_digested_and_encrypted_never_stored_in_clear(owner, store_input):
    store, key = create_store(user=owner, data=store_input())
    saved = Store.objects.get(pk=store.pk)
    assert looks_like_key(key) and len(key) == 36
    assert saved.key_digest == key_digest(key)
    assert decrypt_key(saved.key_ciphertext) == key
    stored_text = " ".join(str(getattr(saved, f.attname)) for f in Store._meta.concrete_fields)
    assert key not in stored_text
    assert key.replace("-", "") not in stored_text


def test_every_store_gets_its_own_key(owner, store_input, settings):
    keys = {create_store(user=owner, data=store_input(name=f"S{i}"))[1] for i in range(5)}
    assert len(keys) == 5
    assert Store.objects.values("key_digest").distinct().count() == 5


def test_user_without_create_permission(account, company, store_input):
    viewer = make_user(account, company, username="viewer", permissions=["stores.view.all"])
    with pytest.raises(NotAllowed):
        create_store(user=viewer, data=store_input())
    assert Store.objects.count() == 0


def test_own_company_permission_creates_in_own_company(account, company, store_input):
    clerk = make_user(account, company, username="clerk", permissions=["stores.create.own"])
    store, _ = create_store(user=clerk, data=store_input())
    assert store.company_id == company.pk


def test_user_of_another_account_cannot_create_in_this_company(foreign_company, store_input):
    rival = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    with pytest.raises(errors.StoreInvalid) as raised:
        create_store(user=rival, data=store_input())
    assert raised.value.errors["company_id"] == [errors.COMPANY_UNKNOWN]
    assert Store.objects.count() == 0


# -- the limit -------------------------------------------------------------------------------------


def test_limit_from_the_setting(owner, store_input, settings):
    settings.BACKROOM_MAX_STORES_PER_ACCOUNT = 2
    create_store(user=owner, data=store_input(name="One"))
    create_store(user=owner, data=store_input(name="Two"))
    with pytest.raises(StoreLimitReached) as raised:
        create_store(user=owner, data=store_input(name="Three"))
    assert raised.value.limit == 2
    assert str(raised.value) == errors.STORE_LIMIT_REACHED.format(limit=2)
    assert raised.value.code == "store_limit_reached"
    assert Store.objects.count() == 2


def test_account_limit_overrides_the_setting(owner, account, store_input, settings):
    settings.BACKROOM_MAX_STORES_PER_ACCOUNT = 1
    Account.objects.filter(pk=account.pk).update(max_stores=3)
    for name in ("One", "Two", "Three"):
        create_store(user=owner, data=store_input(name=name))
    with pytest.raises(StoreLimitReached):
        create_store(user=owner, data=store_input(name="Four"))


def test_account_limit_of_zero(owner, account, store_input):
    Account.objects.filter(pk=account.pk).update(max_stores=0)
    with pytest.raises(StoreLimitReached):
        create_store(user=owner, data=store_input())


def test_deleted_stores_do_not_count(owner, store_input, settings):
    settings.BACKROOM_MAX_STORES_PER_ACCOUNT = 1
    first, _ = create_store(user=owner, data=store_input(name="One"))
    delete_stores(user=owner, store_ids=[first.pk])
    second, _ = create_store(user=owner, data=store_input(name="Two"))
    assert second.pk != first.pk


def test_stores_of_other_accounts_do_not_count(owner, store_input, settings, foreign_company):
    settings.BACKROOM_MAX_STORES_PER_ACCOUNT = 1
    rival_owner = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival_owner, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    Store.objects.create(
        company=foreign_company,
        name="Rival shop",
        language="FR",
        regular_price_type=PriceType.objects.create(company=foreign_company, name="R"),
        orders_department=Department.objects.create(company=foreign_company, name="D"),
        order_creator=rival_owner,
        created_by=rival_owner,
    )
    store, _ = create_store(user=owner, data=store_input(name="Ours"))
    assert store.company.account_id == owner.membership.account_id
