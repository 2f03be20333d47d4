"""Soft delete and restore, with the account's limit on restore."""

import pytest

from backroom.accounts.models import Account, Membership, User
from backroom.stores.errors import NotAllowed, NotFound, StoreLimitReached
from backroom.stores.models import Store
from backroom.stores.services import create_store, delete_stores, restore_stores
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(owner, store_input):
    return [create_store(user=owner, data=store_input(name=n))[0] for n in ("A", "B", "C")]


def deleted_flags(stores):
    return list(
        Store.objects.filter(pk__in=[s.pk for s in stores])
        .order_by("name")
        .values_list("is_deleted", flat=True)
    )


def test_delete_and_restore(owner, three):
    assert delete_stores(user=owner, store_ids=[three[0].pk, three[2].pk]) == 2
    assert deleted_flags(three) == [True, False, True]
    assert Store.objects.get(pk=three[0].pk).changed_by_id == owner.pk
    assert restore_stores(user=owner, store_ids=[three[0].pk]) == 1
    assert deleted_flags(three) == [False, False, True]


def test_repeated_calls_count_only_changes(owner, three):
    ids = [s.pk for s in three]
    assert delete_stores(user=owner, store_ids=[ids[0]]) == 1
    assert delete_stores(user=owner, store_ids=ids) == 2
    assert delete_stores(user=owner, store_ids=ids) == 0
    assert restore_stores(user=owner, store_ids=ids + ids) == 3
    assert restore_stores(user=owner, store_ids=ids) == 0


def test_ids_as_text_are_read(owner, three):
    assert delete_stores(user=owner, store_ids=[str(three[0].pk)]) == 1


def test_restore_checks_the_limit(owner, account, three, store_input):
    ids = [s.pk for s in three]
    delete_stores(user=owner, store_ids=ids[:2])
    Account.objects.filter(pk=account.pk).update(max_stores=2)
    with pytest.raises(StoreLimitReached) as raised:
        restore_stores(user=owner, store_ids=ids[:2])
    assert raised.value.limit == 2
    assert deleted_flags(three) == [True, True, False]
    assert restore_stores(user=owner, store_ids=ids[:1]) == 1
    assert deleted_flags(three) == [False, True, False]


def test_nothing_to_restore_passes_the_limit(owner, account, three):
    Account.objects.filter(pk=account.pk).update(max_stores=0)
    assert restore_stores(user=owner, store_ids=[three[0].pk]) == 0


def test_one_foreign_id_fails_the_whole_call(owner, three, foreign_company):
    rival = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    with pytest.raises(NotFound):
        delete_stores(user=rival, store_ids=[three[0].pk])
    with pytest.raises(NotFound):
        delete_stores(user=owner, store_ids=[three[0].pk, 10**15])
    assert deleted_flags(three) == [False, False, False]


@pytest.mark.parametrize("ids", ["1,2", 5, None, [None], ["x"], [-1]])
def test_malformed_id_lists(owner, three, ids):
    with pytest.raises(NotFound):
        delete_stores(user=owner, store_ids=ids)


def test_delete_needs_the_delete_permission(account, company, three):
    editor = make_user(
        account, company, username="editor", permissions=["stores.view.all", "stores.edit.all"]
    )
    with pytest.raises(NotAllowed):
        delete_stores(user=editor, store_ids=[three[0].pk])
    deleter = make_user(
        account, company, username="deleter", permissions=["stores.view.own", "stores.delete.own"]
    )
    assert delete_stores(user=deleter, store_ids=[three[0].pk]) == 1
    assert restore_stores(user=deleter, store_ids=[three[0].pk]) == 1


def test_own_company_deleter_cannot_reach_another_company(account, other_company, three):
    deleter = make_user(
        account,
        other_company,
        username="deleter",
        permissions=["stores.view.own", "stores.delete.own"],
    )
    with pytest.raises(NotFound):
        delete_stores(user=deleter, store_ids=[three[0].pk])
