"""The stores endpoints do what the screens do: list, get, create, replace, patch, delete,
restore, and the key (generate, reveal), by token and by session alike (the `api` fixture runs
each test both ways)."""

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.stores import errors
from backroom.stores.models import Store, SyncState
from backroom.stores.services import find_store_by_key, reveal_key
from tests.api.conftest import make_store

pytestmark = pytest.mark.django_db

API_URL = "http://127.0.0.1:8000/api/public/woo_v3"


def stamp(value) -> str:
    return DjangoJSONEncoder().default(value)


def shown(store: Store) -> dict:
    """`store` as the API must show it (made by tests.api.conftest.make_store)."""
    store.refresh_from_db()
    return {
        "id": store.pk,
        "company_id": store.company_id,
        "company": store.company.name,
        "name": store.name,
        "language": "EN",
        "allowed_addresses": ["198.51.100.7"],
        "is_let_sync": True,
        "regular_price_type_id": store.regular_price_type_id,
        "sale_price_type_id": None,
        "orders_department_id": store.orders_department_id,
        "order_creator_id": store.order_creator_id,
        "if_customer_not_found": "create_new",
        "default_customer_id": None,
        "days_to_shipment": 1,
        "auto_reserve": False,
        "department_ids": [store.orders_department_id],
        "is_deleted": store.is_deleted,
        "created_by": store.created_by.username,
        "created_at": stamp(store.created_at),
        "changed_at": stamp(store.changed_at),
        "api_url": API_URL,
    }


# -- get and list ---------------------------------------------------------------------------


def test_get_shows_every_field_and_never_the_key(api, owner, store):
    response = api.get(f"/stores/{store.pk}")
    assert response.status_code == 200
    assert response.json() == shown(store)
    assert reveal_key(user=owner, store_id=store.pk).encode() not in response.content


def test_the_store_api_address_follows_the_setting(api, store, settings):
    settings.BACKROOM_PUBLIC_URL = "https://crm.example.com/"
    assert api.get(f"/stores/{store.pk}").json()["api_url"] == (
        "https://crm.example.com/api/public/woo_v3"
    )


@pytest.mark.parametrize("store_id", ["999999", "0", "-1", str(2**70)])
def test_get_of_a_missing_id_is_404(api, store, store_id):
    response = api.get(f"/stores/{store_id}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Store not found."}


def test_a_non_numeric_id_is_a_field_error(api, store):
    response = api.get("/stores/abc")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "store_id": ["Input should be a valid integer, unable to parse string as an integer"]
    }


@pytest.fixture
def shelf(company, other_company, owner, store):
    """Five stores of two companies, one deleted, besides `store` ("Web shop")."""
    made = {
        "alpha": make_store(company, owner, name="Alpha"),
        "beta": make_store(company, owner, name="beta DE", language="de"),
        "gamma": make_store(other_company, owner, name="Gamma"),
        "delta": make_store(company, owner, name="Delta"),
        "web": store,
    }
    Store.objects.filter(pk=made["delta"].pk).update(is_deleted=True)
    return made


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_list_shows_live_stores_by_name(api, shelf):
    response = api.get("/stores")
    assert names(response) == ["Alpha", "beta DE", "Gamma", "Web shop"]
    assert {k: v for k, v in response.json().items() if k != "items"} == {
        "total": 4,
        "page": 1,
        "pages": 1,
        "page_size": 25,
    }
    assert response.json()["items"][3] == shown(shelf["web"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "ET"}, ["beta DE"]),  # name, any case
        ({"search": "de"}, ["beta DE"]),  # language
        ({"search": "  shop "}, ["Web shop"]),
        ({"search": "%"}, []),
        ({"search": "_"}, []),
        ({"search": "' OR 1=1 --"}, []),
        ({"search": "a\x00"}, ["Alpha", "beta DE", "Gamma"]),
        ({"sort": "name", "descending": "true"}, ["Web shop", "Gamma", "beta DE", "Alpha"]),
        ({"sort": "language"}, ["beta DE", "Web shop", "Alpha", "Gamma"]),  # ties by id
        ({"sort": "created"}, ["Web shop", "Alpha", "beta DE", "Gamma"]),
        ({"sort": "creator"}, ["Web shop", "Alpha", "beta DE", "Gamma"]),
        ({"sort": "is_let_sync"}, ["Web shop", "Alpha", "beta DE", "Gamma"]),
        ({"deleted": "true"}, ["Delta"]),
        ({"deleted": "false"}, ["Alpha", "beta DE", "Gamma", "Web shop"]),
    ],
)
def test_list_searches_sorts_and_filters(api, shelf, params, expected):
    assert names(api.get("/stores", params=params)) == expected


def test_list_filters_by_company(api, shelf, other_company, foreign_company):
    assert names(api.get("/stores", params={"company_id": other_company.pk})) == ["Gamma"]
    assert names(api.get("/stores", params={"company_id": foreign_company.pk})) == []
    assert names(api.get("/stores", params={"company_id": 999999})) == []


def test_list_pages(api, shelf):
    response = api.get("/stores", params={"page_size": 3, "page": 2})
    assert names(response) == ["Web shop"]
    assert (response.json()["total"], response.json()["pages"]) == (4, 2)
    beyond = api.get("/stores", params={"page_size": 3, "page": 99})
    assert names(beyond) == ["Web shop"]
    assert beyond.json()["page"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "password"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"company_id": "acme"}, "company_id"),
        ({"deleted": "maybe"}, "deleted"),
        ({"search": "x" * 101}, "search"),
        ({"page": "9" * 5000}, "page"),
    ],
)
def test_list_parameters_out_of_shape_are_field_errors(api, shelf, params, field):
    response = api.get("/stores", params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert list(response.json()["errors"]) == [field]


def test_unknown_query_parameters_are_ignored(api, shelf):
    assert names(api.get("/stores", params={"colour": "red"})) == [
        "Alpha",
        "beta DE",
        "Gamma",
        "Web shop",
    ]


def test_list_costs_the_same_queries_for_one_store_or_many(as_user, owner, company, store):
    """Token: token+user, count, page, departments. Session: session, user, membership,
    count, page, departments."""
    api = as_user(owner)
    api.get("/stores")  # the token's first use is noted (once a minute): out of the count
    expected = {"token": 4, "session": 6}[api.how]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/stores").status_code == 200
        return len(queries)

    assert count() == expected
    for n in range(6):
        make_store(company, owner, name=f"Extra {n}")
    assert len(api.get("/stores").json()["items"]) == 7
    assert count() == expected


# -- create ---------------------------------------------------------------------------------


def test_create_saves_the_document_and_shows_it_without_the_key(
    api, owner, body, company, retail, sale, warehouse, shop_floor
):
    response = api.post("/stores", body(name="  Tokyo 東京 🛒  "))
    assert response.status_code == 201
    store = Store.objects.get()
    assert response.json() == {
        "id": store.pk,
        "company_id": company.pk,
        "company": "Acme Shop",
        "name": "Tokyo 東京 🛒",
        "language": "EN",
        "allowed_addresses": ["203.0.113.5", "2001:db8::/32"],
        "is_let_sync": True,
        "regular_price_type_id": retail.pk,
        "sale_price_type_id": sale.pk,
        "orders_department_id": warehouse.pk,
        "order_creator_id": owner.pk,
        "if_customer_not_found": "create_new",
        "default_customer_id": None,
        "days_to_shipment": 3,
        "auto_reserve": True,
        "department_ids": sorted([warehouse.pk, shop_floor.pk]),
        "is_deleted": False,
        "created_by": "owner",
        "created_at": stamp(store.created_at),
        "changed_at": stamp(store.changed_at),
        "api_url": API_URL,
    }
    key = reveal_key(user=owner, store_id=store.pk)
    assert find_store_by_key(key) == store
    assert key.encode() not in response.content
    assert store.key_digest.encode() not in response.content


def test_create_fills_what_a_new_document_starts_with(api, owner, body):
    minimal = body()
    for field in (
        "is_let_sync",
        "sale_price_type_id",
        "order_creator_id",
        "if_customer_not_found",
        "default_customer_id",
        "days_to_shipment",
        "auto_reserve",
    ):
        del minimal[field]
    response = api.post("/stores", minimal)
    assert response.status_code == 201
    created = response.json()
    assert {
        field: created[field]
        for field in (
            "is_let_sync",
            "sale_price_type_id",
            "order_creator_id",
            "if_customer_not_found",
            "default_customer_id",
            "days_to_shipment",
            "auto_reserve",
        )
    } == {
        "is_let_sync": True,
        "sale_price_type_id": None,
        "order_creator_id": owner.pk,
        "if_customer_not_found": "create_new",
        "default_customer_id": None,
        "days_to_shipment": 1,
        "auto_reserve": False,
    }


def test_create_takes_addresses_as_text_too(api, body):
    response = api.post("/stores", body(allowed_addresses="203.0.113.5, 2001:DB8::/32\n::1"))
    assert response.status_code == 201
    assert response.json()["allowed_addresses"] == ["203.0.113.5", "2001:db8::/32", "::1"]


def test_create_beyond_the_accounts_limit_is_409(api, body, account, store):
    account.max_stores = 1
    account.save()
    response = api.post("/stores", body())
    assert response.status_code == 409
    assert response.json() == {
        "code": "store_limit_reached",
        "detail": errors.STORE_LIMIT_REACHED.format(limit=1),
    }
    assert Store.objects.count() == 1


# -- replace and patch ----------------------------------------------------------------------


def test_put_replaces_every_field(api, owner, body, store, company, retail, warehouse):
    new = body(name="Renamed", language="de", sale_price_type_id=None, days_to_shipment=0)
    response = api.put(f"/stores/{store.pk}", new)
    assert response.status_code == 200
    store.refresh_from_db()
    assert (store.name, store.language, store.regular_price_type_id) == (
        "Renamed",
        "DE",
        retail.pk,
    )
    assert store.days_to_shipment == 0
    assert response.json()["department_ids"] == sorted(new["department_ids"])
    assert response.json()["changed_at"] == stamp(store.changed_at)


def test_put_may_leave_out_the_company(api, body, store):
    new = body(name="Renamed")
    del new["company_id"]
    assert api.put(f"/stores/{store.pk}", new).status_code == 200


def test_put_needs_every_other_field(api, store):
    response = api.put(f"/stores/{store.pk}", {"name": "Renamed"})
    assert response.status_code == 422
    errors_ = response.json()["errors"]
    assert "name" not in errors_ and "company_id" not in errors_
    assert set(errors_) == {
        "language",
        "allowed_addresses",
        "is_let_sync",
        "regular_price_type_id",
        "sale_price_type_id",
        "orders_department_id",
        "order_creator_id",
        "if_customer_not_found",
        "default_customer_id",
        "days_to_shipment",
        "auto_reserve",
        "department_ids",
    }
    assert set(map(tuple, errors_.values())) == {("This field is required.",)}


def test_put_cannot_move_a_store_to_another_company(api, body, store, other_company):
    response = api.put(f"/stores/{store.pk}", body(company_id=other_company.pk))
    assert response.status_code == 422
    assert response.json()["errors"] == {"company_id": [errors.COMPANY_CANNOT_CHANGE]}


def test_patch_changes_only_what_is_sent(api, store):
    before = shown(store)
    response = api.patch(f"/stores/{store.pk}", {"name": "Web shop ✓", "auto_reserve": True})
    assert response.status_code == 200
    after = shown(store) | {"auto_reserve": True}
    assert response.json() == after
    assert {k for k in before if before[k] != after[k]} == {"name", "auto_reserve", "changed_at"}


def test_patch_with_nothing_changes_nothing(api, store):
    before = shown(store)
    response = api.patch(f"/stores/{store.pk}", {})
    assert (response.status_code, response.json()) == (200, before)


def test_patch_clears_a_nullable_field_with_null(api, store, company):
    from backroom.catalog.models import PriceType

    sale = PriceType.objects.create(company=company, name="Sale")
    path = f"/stores/{store.pk}"
    assert api.patch(path, {"sale_price_type_id": sale.pk}).json()["sale_price_type_id"] == sale.pk
    assert api.patch(path, {"sale_price_type_id": None}).json()["sale_price_type_id"] is None


def test_patch_of_the_language_marks_the_catalog_for_resync(api, store, company):
    from backroom.catalog.models import Category

    category = Category.objects.create(company=company, name="Shoes", is_store_category=True)
    store.categories.add(category)
    SyncState.objects.create(
        store=store, kind="category", item_id=category.pk, version=1, confirmed_version=1
    )
    api.patch(f"/stores/{store.pk}", {"name": "Renamed"})
    assert SyncState.objects.get().version == 1
    api.patch(f"/stores/{store.pk}", {"language": "fr"})
    assert SyncState.objects.get().version == 2


@pytest.mark.parametrize("field", ["name", "language", "is_let_sync", "department_ids"])
def test_patch_refuses_null_for_fields_that_cannot_be_empty(api, store, field):
    response = api.patch(f"/stores/{store.pk}", {field: None})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


# -- delete, restore ------------------------------------------------------------------------


def test_delete_and_restore(api, owner, store):
    key = reveal_key(user=owner, store_id=store.pk)
    response = api.delete(f"/stores/{store.pk}")
    assert (response.status_code, response.content) == (204, b"")
    assert api.get(f"/stores/{store.pk}").json()["is_deleted"] is True
    assert find_store_by_key(key) is None
    assert api.delete(f"/stores/{store.pk}").status_code == 204  # again: nothing to do
    assert names(api.get("/stores", params={"deleted": True})) == ["Web shop"]
    response = api.post(f"/stores/{store.pk}/restore")
    assert (response.status_code, response.content) == (204, b"")
    assert api.get(f"/stores/{store.pk}").json()["is_deleted"] is False
    assert find_store_by_key(key) == store
    assert api.post(f"/stores/{store.pk}/restore").status_code == 204  # again


def test_restore_beyond_the_limit_is_409(api, account, company, owner, store):
    api.delete(f"/stores/{store.pk}")
    make_store(company, owner, name="Replacement")
    account.max_stores = 1
    account.save()
    response = api.post(f"/stores/{store.pk}/restore")
    assert response.status_code == 409
    assert response.json()["detail"] == errors.STORE_LIMIT_REACHED.format(limit=1)
    store.refresh_from_db()
    assert store.is_deleted


# -- the key --------------------------------------------------------------------------------


def test_reveal_shows_the_key_uncached(api, owner, store):
    response = api.get(f"/stores/{store.pk}/key")
    assert response.status_code == 200
    assert response.json() == {"key": reveal_key(user=owner, store_id=store.pk)}
    assert response["Cache-Control"] == "no-store"


def test_generate_replaces_the_key(api, owner, store):
    old = reveal_key(user=owner, store_id=store.pk)
    response = api.post(f"/stores/{store.pk}/key")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new = response.json()["key"]
    assert new != old and len(new) == 36
    assert find_store_by_key(new) == store
    assert find_store_by_key(old) is None
    assert api.get(f"/stores/{store.pk}/key").json() == {"key": new}


def test_a_key_that_cannot_be_decrypted_is_409(api, store):
    Store.objects.filter(pk=store.pk).update(key_ciphertext="garbage")
    response = api.get(f"/stores/{store.pk}/key")
    assert response.status_code == 409
    assert response.json() == {
        "code": "store_key_unavailable",
        "detail": errors.KEY_UNAVAILABLE,
    }
