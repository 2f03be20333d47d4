"""Attacks on the online-store connection screens and API (a security review of issue 3): each
test names what an attacker tried. The admin's part is in tests/stores/test_admin.py (the
store admin is read-only)."""

import pytest
from django.test import Client

from backroom.accounts.models import User
from backroom.catalog.models import Category, CategoryTranslation
from backroom.customers.models import Customer
from backroom.stores.models import Store
from tests.api.conftest import CSRF_SECRET, make_store, session_api, token_api
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def own_viewer(account, company) -> User:
    """May view the connections of the own company (`company`) only."""
    return make_user(account, company, username="ownviewer", permissions=["stores.view.own"])


@pytest.fixture
def own_viewer_client(own_viewer) -> Client:
    return signed_in(own_viewer)


# -- pickers: cross-company reads ----------------------------------------------------------------


def test_customer_picker_does_not_list_another_companys_customers(own_viewer_client, other_company):
    """views.pick_customers scopes the company with list_companies(user) (any company of the
    account, no document/action), so a user who may only view their own company's
    connections searches the customers (name, e-mail, phone) of every sister company."""
    Customer.objects.create(
        company=other_company, name="Sister Customer", email="vip@sister.test", phone="+4912345"
    )
    for q in ("Sister", "vip@", "4912345"):
        response = own_viewer_client.get(
            "/stores/pick/customers/", {"company_id": other_company.pk, "default_customer_q": q}
        )
        assert b"Sister Customer" not in response.content


def test_user_picker_does_not_list_users_of_companies_the_caller_cannot_see(
    own_viewer_client, account, other_company
):
    """views.pick_users filters by company only when ?company_id is sent and never checks the
    company against the caller's rights: an own-company viewer lists the account's users of
    any company (username and full name)."""
    make_user(account, other_company, username="sisterclerk", permissions=[])
    for params in (
        {"order_creator_q": "sister"},
        {"order_creator_q": "sister", "company_id": other_company.pk},
    ):
        response = own_viewer_client.get("/stores/pick/users/", params)
        assert b"sisterclerk" not in response.content


# -- hostile input: a 500 (PostgreSQL) / NUL stored (SQLite) -------------------------------------


def test_translation_with_nul_is_refused_not_a_server_error(owner, company):
    """views._save_translations passes posted text to catalog save_translation, which never
    refuses NUL: PostgreSQL raises DataError (500), SQLite stores it and it would go to the
    store."""
    store = make_store(company, owner, language="DE")
    shoes = Category.objects.create(company=company, name="Shoes", is_store_category=True)
    store.categories.add(shoes)
    client = signed_in(owner)
    client.raise_request_exception = False
    response = client.post(
        f"/stores/{store.pk}/translations/categories/",
        {f"t-{shoes.pk}-name": "Sch\x00uhe", f"t-{shoes.pk}-slug": "schuhe"},
    )
    assert response.status_code < 500
    # (PostgreSQL cannot even be asked for a NUL in a LIKE: compare in Python.)
    names = CategoryTranslation.objects.filter(category=shoes).values_list("name", flat=True)
    assert not any("\x00" in name for name in names)


# -- pinned protections (hold today) -------------------------------------------------------------


def test_viewer_never_gets_the_key(account, company, owner):
    """(Holds.) Key endpoints refuse a user who may view but not edit, on screens and API."""
    store = make_store(company, owner)
    viewer = make_user(account, company, username="keyviewer", permissions=["stores.view.all"])
    from backroom.stores.keys import decrypt_key

    key = decrypt_key(Store.objects.get(pk=store.pk).key_ciphertext)
    client = signed_in(viewer)
    for path in ("key/show/", "key/copy/", "key/generate/"):
        response = client.post(f"/stores/{store.pk}/{path}")
        assert response.status_code in (403, 404)
        assert key.encode() not in response.content
    for page in (f"/stores/{store.pk}/", f"/stores/{store.pk}/key/", "/stores/"):
        assert key.encode() not in client.get(page).content
    api = token_api(viewer)
    assert api.get(f"/stores/{store.pk}/key").status_code == 403
    assert key.encode() not in api.get(f"/stores/{store.pk}").content
    assert key.encode() not in api.get("/stores").content
    assert Store.objects.get(pk=store.pk).key_digest == store.key_digest


def test_session_api_key_generation_needs_csrf(owner, company):
    """(Holds.) A cross-site POST riding the session cookie cannot replace the key."""
    store = make_store(company, owner)
    api = session_api(owner)
    api.client.cookies["csrftoken"] = CSRF_SECRET
    response = api.post(f"/stores/{store.pk}/key", headers={"X-CSRFToken": ""})
    assert response.status_code == 403
    assert Store.objects.get(pk=store.pk).key_digest == store.key_digest
