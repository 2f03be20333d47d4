"""The store admin: no key on it, the allow-list through the parser, the limit, re-sync marks."""

import pytest

from backroom.accounts.models import Account, User
from backroom.stores import errors
from backroom.stores.models import Store, SyncState
from tests.admin.helpers import change_url, errors_of, form_data, url
from tests.stores.helpers import sync_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


@pytest.fixture
def rows(store):
    SyncState.objects.create(store=store, kind="category", item_id=1, woo_id=10, version=2)
    SyncState.objects.create(store=store, kind="product", item_id=2, woo_id=20, version=5)


def edit(admin_client, store, **changes):
    data = form_data(admin_client.get(change_url(store)))
    data.update(changes)
    return admin_client.post(change_url(store), data)


def test_no_key_on_the_form_or_the_page(admin_client, created):
    store, key = created
    page = admin_client.get(change_url(store))
    fields = page.context["adminform"].form.fields
    for hidden in ("key_digest", "key_ciphertext", "categories", "attributes", "is_deleted"):
        assert hidden not in fields
    content = page.content.decode()
    saved = Store.objects.get(pk=store.pk)
    for secret in (key, saved.key_digest, saved.key_ciphertext):
        assert secret not in content
    assert "203.0.113.5\n2001:db8::/32" in content


def test_posted_key_fields_are_ignored(admin_client, created):
    store, key = created
    digest = Store.objects.get(pk=store.pk).key_digest
    response = edit(admin_client, store, key_digest="0" * 64, key_ciphertext="x", name="Renamed")
    assert response.status_code == 302
    saved = Store.objects.get(pk=store.pk)
    assert (saved.name, saved.key_digest) == ("Renamed", digest)


def test_allow_list_goes_through_the_parser(admin_client, store):
    response = edit(admin_client, store, allowed_addresses="::ffff:198.51.100.7\n10.0.0.0/8")
    assert response.status_code == 302
    assert Store.objects.get(pk=store.pk).allowed_addresses == ["198.51.100.7", "10.0.0.0/8"]


def test_bad_allow_list_is_a_form_error(admin_client, store):
    response = edit(admin_client, store, allowed_addresses="1.2.3.4\nshop.example.com\n0.0.0.0/0")
    assert response.status_code == 200
    assert errors_of(response) == [
        errors.ADDRESS_HOSTNAME.format(entry="shop.example.com"),
        errors.ADDRESS_TOO_WIDE.format(entry="0.0.0.0/0", prefix=8),
    ]
    assert Store.objects.get(pk=store.pk).allowed_addresses == ["203.0.113.5", "2001:db8::/32"]


def test_language_change_marks_the_catalog(admin_client, store, rows):
    assert edit(admin_client, store, language="de").status_code == 302
    assert Store.objects.get(pk=store.pk).language == "DE"
    assert sync_rows(store) == {("category", 1): (10, 3), ("product", 2): (20, 6)}


def test_department_change_marks_the_catalog(admin_client, store, rows, warehouse):
    assert edit(admin_client, store, departments=[str(warehouse.pk)]).status_code == 302
    assert sync_rows(store) == {("category", 1): (10, 3), ("product", 2): (20, 6)}


def test_sale_price_type_change_marks_the_catalog(admin_client, store, rows):
    assert edit(admin_client, store, sale_price_type="").status_code == 302
    assert sync_rows(store) == {("category", 1): (10, 3), ("product", 2): (20, 6)}


@pytest.mark.parametrize(
    "changes",
    [{"name": "Renamed"}, {"language": "EN"}, {"days_to_shipment": "9"}, {}],
)
def test_other_changes_mark_nothing(admin_client, store, rows, changes):
    assert edit(admin_client, store, **changes).status_code == 302
    assert sync_rows(store) == {("category", 1): (10, 2), ("product", 2): (20, 5)}


def test_admin_create_respects_the_limit(admin_client, account, store, company):
    Account.objects.filter(pk=account.pk).update(max_stores=1)
    page = admin_client.get(url(Store, "add"))
    data = form_data(page)
    data.update(
        company=str(company.pk),
        name="Another",
        language="EN",
        regular_price_type=str(store.regular_price_type_id),
        orders_department=str(store.orders_department_id),
        order_creator=str(store.order_creator_id),
        days_to_shipment="1",
        if_customer_not_found="create_new",
    )
    response = admin_client.post(url(Store, "add"), data)
    assert response.status_code == 200
    assert errors_of(response) == [errors.STORE_LIMIT_REACHED.format(limit=1)]
    assert Store.objects.count() == 1
    Account.objects.filter(pk=account.pk).update(max_stores=2)
    assert admin_client.post(url(Store, "add"), data).status_code == 302
    made = Store.objects.get(name="Another")
    assert (made.created_by_id, made.key_digest) == (store.created_by_id, None)
