"""find_store_by_key, regenerate_key, reveal_key."""

import pytest

from backroom.stores.errors import NotAllowed, NotFound, StoreKeyUnavailable
from backroom.stores.keys import generate_key
from backroom.stores.models import Store
from backroom.stores.services import (
    create_store,
    delete_stores,
    find_store_by_key,
    regenerate_key,
    restore_stores,
    reveal_key,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_found_by_its_key_in_any_case(created):
    store, key = created
    assert find_store_by_key(key) == store
    assert find_store_by_key(key.upper()) == store


def test_unknown_key_finds_nothing(created):
    assert find_store_by_key(generate_key()) is None


@pytest.mark.parametrize(
    "key",
    ["", "1", "x" * 36, "' OR ''='", None, 42, "9c5dac28-1119-46de-aaca-15eedef0a88", "é" * 36],
)
def test_malformed_key_never_queries(created, key, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert find_store_by_key(key) is None


def test_lookup_is_one_query(created, django_assert_num_queries):
    store, key = created
    with django_assert_num_queries(1):
        found = find_store_by_key(key)
        assert found.company.name == store.company.name


def test_deleted_store_is_not_found_and_restored_one_is(owner, created):
    store, key = created
    delete_stores(user=owner, store_ids=[store.pk])
    assert find_store_by_key(key) is None
    restore_stores(user=owner, store_ids=[store.pk])
    assert find_store_by_key(key) == store


def test_store_with_connection_off_is_found(owner, created):
    store, key = created
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)
    assert find_store_by_key(key).is_let_sync is False


def test_regenerate_replaces_the_key(owner, created):
    store, old = created
    new = regenerate_key(user=owner, store_id=store.pk)
    assert new != old
    assert find_store_by_key(old) is None
    assert find_store_by_key(new) == store
    assert reveal_key(user=owner, store_id=store.pk) == new
    assert Store.objects.get(pk=store.pk).changed_by_id == owner.pk


def test_reveal_for_editors(owner, created):
    store, key = created
    assert reveal_key(user=owner, store_id=store.pk) == key


def test_viewers_never_see_or_change_the_key(account, company, created):
    store, key = created
    viewer = make_user(account, company, username="viewer", permissions=["stores.view.all"])
    with pytest.raises(NotAllowed):
        reveal_key(user=viewer, store_id=store.pk)
    with pytest.raises(NotAllowed):
        regenerate_key(user=viewer, store_id=store.pk)
    assert find_store_by_key(key) == store


def test_own_company_editor_of_another_company(account, other_company, created):
    store, _ = created
    editor = make_user(
        account, other_company, username="ed", permissions=["stores.view.own", "stores.edit.own"]
    )
    with pytest.raises(NotFound):
        reveal_key(user=editor, store_id=store.pk)


def test_other_account_gets_not_found(foreign_company, created):
    from backroom.accounts.models import Membership, User

    rival = User.objects.create_user(username="rival")
    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    store, _ = created
    for call in (reveal_key, regenerate_key):
        with pytest.raises(NotFound):
            call(user=rival, store_id=store.pk)


def test_key_unavailable_after_the_secret_changed(owner, created, settings):
    store, _ = created
    settings.BACKROOM_STORE_KEY_SECRET = "a new secret"
    with pytest.raises(StoreKeyUnavailable):
        reveal_key(user=owner, store_id=store.pk)
    new = regenerate_key(user=owner, store_id=store.pk)
    assert reveal_key(user=owner, store_id=store.pk) == new


def test_key_collision_is_retried(owner, created, store_input, monkeypatch):
    first, taken = created
    second, _ = create_store(user=owner, data=store_input(name="Second"))
    fresh = "11111111-2222-4333-8444-555555555555"
    made = iter([taken, fresh])
    monkeypatch.setattr("backroom.stores.services.generate_key", lambda: next(made))
    assert regenerate_key(user=owner, store_id=second.pk) == fresh
    assert find_store_by_key(taken) == first
    assert find_store_by_key(fresh) == second
