"""The store admin is read-only: the document's rules live on its own screens."""

import pytest
from django.utils import timezone

from backroom.accounts.models import User
from backroom.stores.models import HeldOrder, Store
from tests.admin.helpers import change_url, url
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


def test_the_list_links_to_the_document_page(admin_client, store):
    page = admin_client.get(url(Store, "changelist"))
    assert page.status_code == 200
    assert f'href="/stores/{store.pk}/"' in page.content.decode()


def test_no_key_on_the_page(admin_client, created):
    store, key = created
    content = admin_client.get(change_url(store)).content.decode()
    saved = Store.objects.get(pk=store.pk)
    for secret in (key, saved.key_digest, saved.key_ciphertext):
        assert secret not in content


def test_nothing_can_be_changed_added_or_deleted(admin_client, store, other_company):
    before = Store.objects.values().get(pk=store.pk)
    assert admin_client.post(change_url(store), {"name": "Renamed"}).status_code == 403
    assert admin_client.post(url(Store, "delete", store.pk), {"post": "yes"}).status_code == 403
    assert admin_client.get(url(Store, "add")).status_code == 403
    assert Store.objects.values().get(pk=store.pk) == before


@pytest.mark.parametrize(
    ("permissions", "status"),
    [(["stores.view.all"], 403), (["stores.view.all", "orders.view.own"], 200)],
)
def test_held_orders_need_the_orders_view_permission(
    client, account, company, store, permissions, status
):
    """A held order carries the buyer's name, address and e-mail, as an order does."""
    held = HeldOrder.objects.create(
        store=store,
        store_order_id=731,
        payload_digest="0" * 64,
        payload={"id": 731, "billing": {"email": "anna@example.com"}},
        reason="No Backroom product matches line 1.",
        last_tried_at=timezone.now(),
    )
    user = make_user(account, company, username="clerk", permissions=permissions)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(user)

    page = client.get(url(HeldOrder, "change", held.pk))

    assert page.status_code == status
    assert ("anna@example.com" in page.content.decode()) is (status == 200)
