"""Fixtures for the JSON API: clients that call it as a user (by token or by session), a
valid request body, and stores in the places a caller must not reach."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from backroom.accounts.models import User
from backroom.accounts.services import create_api_token
from backroom.catalog.models import PriceType
from backroom.companies.models import Company, Department
from backroom.stores.models import Store
from backroom.stores.services import StoreInput, create_store
from tests.conftest import make_user

BASE = "/api/v1"
CSRF_SECRET = "Q" * 32
"""An unmasked CSRF secret: Django accepts it as cookie and header alike."""

ALL_STORE_RIGHTS = [f"stores.{a}.all" for a in ("view", "create", "edit", "delete")]
OWN_STORE_RIGHTS = [f"stores.{a}.own" for a in ("view", "create", "edit", "delete")]


@dataclass
class Api:
    """A test client that speaks JSON to /api/v1 as one user."""

    client: Client
    headers: dict[str, str]
    how: str

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        params: dict | None = None,
        headers: dict[str, str] | None = None,
    ):
        data: Any = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}}
        if method == "get":
            return self.client.get(BASE + path, params or {}, **kwargs)
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method)(BASE + path, **kwargs)

    def get(self, path: str, **kwargs):
        return self.call("get", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs):
        return self.call("post", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs):
        return self.call("put", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs):
        return self.call("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.call("delete", path, **kwargs)


def token_api(user: User) -> Api:
    _, raw = create_api_token(user=user, name="tests")
    return Api(Client(), {"Authorization": f"Bearer {raw}"}, "token")


def session_api(user: User) -> Api:
    """Signed in, with CSRF checks on and a valid CSRF cookie + header."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return Api(client, {"X-CSRFToken": CSRF_SECRET}, "session")


@pytest.fixture(params=["token", "session"])
def as_user(request):
    """A function making an Api client for a user, by token and (second run) by session."""
    return token_api if request.param == "token" else session_api


@pytest.fixture
def api(as_user, owner) -> Api:
    """The account's owner, by token and by session."""
    return as_user(owner)


@pytest.fixture
def body(company, retail, sale, warehouse, shop_floor, owner):
    """A function returning a valid create body for `company`, with fields overridden."""

    def make(**changes) -> dict[str, Any]:
        data = {
            "company_id": company.pk,
            "name": "Main shop",
            "language": "en",
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
            "department_ids": [shop_floor.pk, warehouse.pk],
        }
        data.update(changes)
        return data

    return make


def make_store(company: Company, user: User, *, name: str = "Web shop", **changes) -> Store:
    """A store of `company` made by `user` through the service, with a price type and a
    department of its own."""
    price_type = PriceType.objects.create(company=company, name=f"{name} prices")
    department = Department.objects.create(company=company, name=f"{name} depot")
    data = StoreInput(
        company_id=company.pk,
        name=name,
        language="EN",
        allowed_addresses=["198.51.100.7"],
        is_let_sync=True,
        regular_price_type_id=price_type.pk,
        sale_price_type_id=None,
        orders_department_id=department.pk,
        order_creator_id=user.pk,
        if_customer_not_found="create_new",
        default_customer_id=None,
        days_to_shipment=1,
        auto_reserve=False,
        department_ids=[department.pk],
    )
    for field, value in changes.items():
        data = StoreInput(**{**data.__dict__, field: value})
    store, _key = create_store(user=user, data=data)
    return store


@pytest.fixture
def store(company, owner) -> Store:
    return make_store(company, owner)


@pytest.fixture
def sister_store(other_company, owner) -> Store:
    """A store of the account's second company."""
    return make_store(other_company, owner, name="Wholesale shop")


@pytest.fixture
def rival_store(foreign_company, rival_owner) -> Store:
    """A store of another account."""
    return make_store(foreign_company, rival_owner, name="Rival shop")


@pytest.fixture
def clerk(account, company) -> User:
    """May do everything with the stores of their own company only."""
    return make_user(account, company, username="clerk", permissions=OWN_STORE_RIGHTS)


@pytest.fixture
def viewer(account, company) -> User:
    """May view every company's stores, and nothing else."""
    return make_user(account, company, username="viewer", permissions=["stores.view.all"])


ENDPOINTS = [
    ("get", "/stores"),
    ("post", "/stores"),
    ("get", "/stores/{id}"),
    ("put", "/stores/{id}"),
    ("patch", "/stores/{id}"),
    ("delete", "/stores/{id}"),
    ("post", "/stores/{id}/restore"),
    ("get", "/stores/{id}/key"),
    ("post", "/stores/{id}/key"),
]
"""Every operation of the API, as (method, path with `{id}` for a store id)."""

WRITES = [(method, path) for method, path in ENDPOINTS if method != "get"]
