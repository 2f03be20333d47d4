"""Tenancy and permissions through the API: another account's store and a company the user may
not see answer exactly like a missing id; a store the user sees but may not change is 403."""

import pytest

from backroom.accounts.models import User
from backroom.stores import errors
from backroom.stores.models import Store
from backroom.stores.services import find_store_by_key, reveal_key
from tests.api.conftest import ENDPOINTS
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "detail": "Store not found."}
NOT_ALLOWED = {"code": "not_allowed", "detail": "You do not have permission to do this."}


def snapshot(store: Store) -> dict:
    return {
        **Store.objects.values().get(pk=store.pk),
        "departments": sorted(store.departments.values_list("pk", flat=True)),
    }


def attempt(api, method, path, store, body):
    return api.call(method, path.format(id=store.pk), body(name="Hijacked"))


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if "{id}" in e[1]])
def test_another_accounts_store_is_not_found(as_user, owner, rival_store, body, method, path):
    """The rival's store is there, with a key; the owner of Acme sees and changes nothing."""
    before = snapshot(rival_store)
    response = attempt(as_user(owner), method, path, rival_store, body)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot(rival_store) == before


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if "{id}" in e[1]])
def test_another_companys_store_is_not_found_for_an_own_company_user(
    as_user, clerk, sister_store, body, method, path
):
    before = snapshot(sister_store)
    response = attempt(as_user(clerk), method, path, sister_store, body)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert snapshot(sister_store) == before


def test_a_foreign_id_and_a_missing_id_answer_alike(as_user, owner, rival_store):
    api = as_user(owner)
    foreign = api.get(f"/stores/{rival_store.pk}")
    missing = api.get(f"/stores/{rival_store.pk + 1000}")
    assert (foreign.status_code, foreign.content) == (missing.status_code, missing.content)


def test_the_list_shows_only_what_the_user_may_view(
    as_user, owner, clerk, store, sister_store, rival_store
):
    def listed(user: User, **params) -> list[str]:
        response = as_user(user).get("/stores", params=params)
        return [item["name"] for item in response.json()["items"]]

    assert listed(owner) == ["Web shop", "Wholesale shop"]
    assert listed(clerk) == ["Web shop"]
    assert listed(clerk, company_id=sister_store.company_id) == []
    assert listed(owner, company_id=rival_store.company_id) == []
    assert listed(owner, search="Rival") == []


def test_an_own_company_user_works_with_their_companys_stores(as_user, clerk, store, body, company):
    api = as_user(clerk)
    assert api.get(f"/stores/{store.pk}").status_code == 200
    assert api.patch(f"/stores/{store.pk}", {"name": "Mine"}).status_code == 200
    assert api.get(f"/stores/{store.pk}/key").status_code == 200
    response = api.post("/stores", body(order_creator_id=clerk.pk))
    assert response.status_code == 201
    assert response.json()["company_id"] == company.pk


def test_an_own_company_user_cannot_create_in_another_company(as_user, clerk, body, other_company):
    response = as_user(clerk).post("/stores", body(company_id=other_company.pk))
    assert response.status_code == 422
    assert response.json()["errors"]["company_id"] == [errors.COMPANY_NOT_ALLOWED]
    assert not Store.objects.exists()


def test_nobody_creates_in_another_accounts_company(as_user, owner, body, foreign_company):
    response = as_user(owner).post("/stores", body(company_id=foreign_company.pk))
    assert response.status_code == 422
    assert response.json()["errors"]["company_id"] == [errors.COMPANY_UNKNOWN]
    assert not Store.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"), [e for e in ENDPOINTS if e[0] != "get" or e[1].endswith("/key")]
)
def test_a_viewer_may_look_but_not_change_nor_see_the_key(
    as_user, viewer, store, body, method, path
):
    api = as_user(viewer)
    assert api.get(f"/stores/{store.pk}").status_code == 200
    before = snapshot(store)
    response = attempt(api, method, path, store, body)
    assert (response.status_code, response.json()) == (403, NOT_ALLOWED)
    assert snapshot(store) == before
    assert Store.objects.count() == 1


def test_a_viewer_never_gets_the_key_in_any_answer(as_user, viewer, owner, store):
    key = reveal_key(user=owner, store_id=store.pk).encode()
    api = as_user(viewer)
    for response in (
        api.get("/stores"),
        api.get(f"/stores/{store.pk}"),
        api.get(f"/stores/{store.pk}/key"),
        api.post(f"/stores/{store.pk}/key"),
    ):
        assert key not in response.content
    assert find_store_by_key(key.decode()) == store  # the failed "generate" changed nothing


def test_a_user_who_may_create_but_not_edit_gets_no_key(as_user, account, company, body):
    creator = make_user(
        account, company, username="maker", permissions=["stores.create.own", "stores.view.own"]
    )
    api = as_user(creator)
    response = api.post("/stores", body(order_creator_id=creator.pk))
    assert response.status_code == 201
    store_id = response.json()["id"]
    assert api.get(f"/stores/{store_id}/key").json() == NOT_ALLOWED
    assert api.patch(f"/stores/{store_id}", {"name": "x"}).json() == NOT_ALLOWED


def test_a_user_without_rights_sees_an_empty_list_and_may_create_nothing(
    as_user, account, company, store, body
):
    nobody = make_user(account, company, username="nobody", permissions=[])
    api = as_user(nobody)
    assert api.get("/stores").json()["items"] == []
    assert api.get(f"/stores/{store.pk}").json() == NOT_FOUND
    assert api.post("/stores", body()).json() == NOT_ALLOWED


def test_a_user_of_no_account_reaches_nothing(as_user, store, body):
    stray = User.objects.create_user(username="stray", password="stray-pass-123")
    api = as_user(stray)
    assert api.get("/stores").json()["items"] == []
    assert api.get(f"/stores/{store.pk}").status_code == 404
    assert api.post("/stores", body()).status_code == 403


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("regular_price_type_id", errors.PRICE_TYPE_UNKNOWN),
        ("sale_price_type_id", errors.PRICE_TYPE_UNKNOWN),
        ("orders_department_id", errors.DEPARTMENT_UNKNOWN),
        ("order_creator_id", errors.ORDER_CREATOR_UNKNOWN),
        ("default_customer_id", errors.CUSTOMER_UNKNOWN),
        ("department_ids", errors.DEPARTMENTS_UNKNOWN),
    ],
)
@pytest.mark.parametrize("where", ["sister", "rival"])
def test_rows_of_another_company_or_account_cannot_be_referred_to(
    as_user, owner, rival_owner, body, store, other_company, foreign_company, field, message, where
):
    """A price type, department, user or customer of another company (same account or not)
    is refused on its field, on create and on patch."""
    from backroom.catalog.models import PriceType
    from backroom.companies.models import Department
    from backroom.customers.models import Customer

    company = other_company if where == "sister" else foreign_company
    rows = {
        "regular_price_type_id": lambda: PriceType.objects.create(company=company, name="P"),
        "sale_price_type_id": lambda: PriceType.objects.create(company=company, name="P"),
        "orders_department_id": lambda: Department.objects.create(company=company, name="D"),
        "order_creator_id": lambda: (
            make_user(owner.account, other_company, username="sister-clerk", permissions=[])
            if where == "sister"
            else rival_owner
        ),
        "default_customer_id": lambda: Customer.objects.create(company=company, name="C"),
        "department_ids": lambda: Department.objects.create(company=company, name="D"),
    }
    row = rows[field]()
    value = [row.pk] if field == "department_ids" else row.pk
    extra = {"if_customer_not_found": "use_default"} if field == "default_customer_id" else {}
    api = as_user(owner)
    created = api.post("/stores", body(**{field: value}, **extra))
    assert created.status_code == 422
    assert created.json()["errors"] == {field: [message]}
    patched = api.patch(f"/stores/{store.pk}", {field: value, **extra})
    assert patched.status_code == 422
    assert patched.json()["errors"] == {field: [message]}
    assert Store.objects.count() == 1
