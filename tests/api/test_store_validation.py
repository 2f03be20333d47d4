"""Every rule of the connection document comes back through the API as a 422 with the
screens' message on its field (backroom/stores/errors.py), and nothing is saved."""

import pytest

from backroom.stores import errors
from backroom.stores.models import Store

pytestmark = pytest.mark.django_db

E = errors

# (changes to a valid create body, the exact `errors` expected)
RULES = [
    ({"company_id": None}, {"company_id": [E.COMPANY_REQUIRED]}),
    ({"company_id": 999999}, {"company_id": [E.COMPANY_UNKNOWN]}),
    ({"company_id": 0}, {"company_id": [E.COMPANY_UNKNOWN]}),
    ({"company_id": -5}, {"company_id": [E.COMPANY_UNKNOWN]}),
    ({"company_id": 2**70}, {"company_id": [E.COMPANY_UNKNOWN]}),
    ({"name": ""}, {"name": [E.NAME_REQUIRED]}),
    ({"name": " \t "}, {"name": [E.NAME_REQUIRED]}),
    ({"name": "x" * 251}, {"name": [E.NAME_TOO_LONG]}),
    ({"name": "Shop\x00"}, {"name": [E.NAME_CONTROL_CHARACTERS]}),
    ({"name": "Shop\nTwo"}, {"name": [E.NAME_CONTROL_CHARACTERS]}),
    ({"name": "Shop\x1b[31m"}, {"name": [E.NAME_CONTROL_CHARACTERS]}),
    ({"language": ""}, {"language": [E.LANGUAGE_REQUIRED]}),
    ({"language": "ENG"}, {"language": [E.LANGUAGE_INVALID]}),
    ({"language": "E1"}, {"language": [E.LANGUAGE_INVALID]}),
    ({"language": "éa"}, {"language": [E.LANGUAGE_INVALID]}),
    ({"language": "E"}, {"language": [E.LANGUAGE_INVALID]}),
    ({"allowed_addresses": []}, {"allowed_addresses": [E.ADDRESSES_REQUIRED]}),
    ({"allowed_addresses": ""}, {"allowed_addresses": [E.ADDRESSES_REQUIRED]}),
    (
        {"allowed_addresses": ["shop.example.com"]},
        {"allowed_addresses": [E.ADDRESS_HOSTNAME.format(entry="shop.example.com")]},
    ),
    (
        {"allowed_addresses": ["203.0.113.5:443"]},
        {
            "allowed_addresses": [
                E.ADDRESS_WITH_PORT.format(entry="203.0.113.5:443", address="203.0.113.5")
            ]
        },
    ),
    (
        {"allowed_addresses": ["10.0.0.1/24"]},
        {
            "allowed_addresses": [
                E.ADDRESS_HOST_BITS.format(entry="10.0.0.1/24", network="10.0.0.0/24")
            ]
        },
    ),
    (
        {"allowed_addresses": ["0.0.0.0/0"]},
        {"allowed_addresses": [E.ADDRESS_TOO_WIDE.format(entry="0.0.0.0/0", prefix=8)]},
    ),
    (
        {"allowed_addresses": ["<script>"]},
        {"allowed_addresses": [E.ADDRESS_INVALID.format(entry="<script>")]},
    ),
    (
        {"allowed_addresses": [f"10.0.{n // 256}.{n % 256}" for n in range(65)]},
        {"allowed_addresses": [E.ADDRESSES_TOO_MANY.format(limit=64)]},
    ),
    ({"allowed_addresses": "1" * 9000}, {"allowed_addresses": [E.ADDRESSES_TOO_LONG]}),
    ({"regular_price_type_id": None}, {"regular_price_type_id": [E.REGULAR_PRICE_TYPE_REQUIRED]}),
    ({"regular_price_type_id": 999999}, {"regular_price_type_id": [E.PRICE_TYPE_UNKNOWN]}),
    ({"regular_price_type_id": 2**70}, {"regular_price_type_id": [E.PRICE_TYPE_UNKNOWN]}),
    ({"sale_price_type_id": -1}, {"sale_price_type_id": [E.PRICE_TYPE_UNKNOWN]}),
    ({"orders_department_id": None}, {"orders_department_id": [E.ORDERS_DEPARTMENT_REQUIRED]}),
    ({"orders_department_id": 999999}, {"orders_department_id": [E.DEPARTMENT_UNKNOWN]}),
    ({"order_creator_id": 999999}, {"order_creator_id": [E.ORDER_CREATOR_UNKNOWN]}),
    (
        {"if_customer_not_found": "sometimes"},
        {"if_customer_not_found": [E.IF_CUSTOMER_NOT_FOUND_INVALID]},
    ),
    ({"if_customer_not_found": ""}, {"if_customer_not_found": [E.IF_CUSTOMER_NOT_FOUND_INVALID]}),
    (
        {"if_customer_not_found": "use_default"},
        {"default_customer_id": [E.DEFAULT_CUSTOMER_REQUIRED]},
    ),
    ({"default_customer_id": 999999}, {"default_customer_id": [E.CUSTOMER_UNKNOWN]}),
    ({"days_to_shipment": None}, {"days_to_shipment": [E.DAYS_REQUIRED]}),
    ({"days_to_shipment": -1}, {"days_to_shipment": [E.DAYS_OUT_OF_RANGE]}),
    ({"days_to_shipment": 366}, {"days_to_shipment": [E.DAYS_OUT_OF_RANGE]}),
    ({"days_to_shipment": 2**70}, {"days_to_shipment": [E.DAYS_OUT_OF_RANGE]}),
    ({"department_ids": []}, {"department_ids": [E.DEPARTMENTS_REQUIRED]}),
    ({"department_ids": [999999]}, {"department_ids": [E.DEPARTMENTS_UNKNOWN]}),
    ({"department_ids": [0]}, {"department_ids": [E.DEPARTMENTS_UNKNOWN]}),
    ({"department_ids": [2**70]}, {"department_ids": [E.DEPARTMENTS_UNKNOWN]}),
    ({"department_ids": list(range(1, 1002))}, {"department_ids": [E.DEPARTMENTS_UNKNOWN]}),
]


@pytest.mark.parametrize(("changes", "expected"), RULES)
def test_each_rule_is_a_field_error_with_its_message(api, body, changes, expected):
    response = api.post("/stores", body(**changes))
    assert response.status_code == 422, response.content
    assert response.json() == {
        "code": "store_invalid",
        "detail": "The request has errors: see `errors`.",
        "errors": expected,
    }
    assert not Store.objects.exists()


def test_the_sale_price_type_must_differ_from_the_regular_one(api, body, retail, store):
    response = api.post("/stores", body(sale_price_type_id=retail.pk))
    assert response.json()["errors"] == {"sale_price_type_id": [E.SALE_SAME_AS_REGULAR]}
    patched = api.patch(f"/stores/{store.pk}", {"sale_price_type_id": store.regular_price_type_id})
    assert patched.status_code == 422
    assert patched.json()["errors"] == {"sale_price_type_id": [E.SALE_SAME_AS_REGULAR]}


def test_every_broken_rule_is_reported_at_once_in_form_order(api, body):
    response = api.post(
        "/stores",
        body(
            department_ids=[],
            name="",
            language="xyz",
            days_to_shipment=400,
            allowed_addresses=[],
        ),
    )
    assert response.json()["errors"] == {
        "name": [E.NAME_REQUIRED],
        "language": [E.LANGUAGE_INVALID],
        "allowed_addresses": [E.ADDRESSES_REQUIRED],
        "days_to_shipment": [E.DAYS_OUT_OF_RANGE],
        "department_ids": [E.DEPARTMENTS_REQUIRED],
    }


def test_an_empty_create_lists_everything_required(api):
    response = api.post("/stores", {})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "company_id": [E.COMPANY_REQUIRED],
        "name": [E.NAME_REQUIRED],
        "language": [E.LANGUAGE_REQUIRED],
        "allowed_addresses": [E.ADDRESSES_REQUIRED],
        "regular_price_type_id": [E.REGULAR_PRICE_TYPE_REQUIRED],
        "orders_department_id": [E.ORDERS_DEPARTMENT_REQUIRED],
        "department_ids": [E.DEPARTMENTS_REQUIRED],
    }


@pytest.mark.parametrize("days", [0, 365])
def test_the_days_bounds_are_accepted(api, body, days):
    response = api.post("/stores", body(days_to_shipment=days))
    assert (response.status_code, response.json()["days_to_shipment"]) == (201, days)


def test_the_default_customer_mode_with_a_customer_is_accepted(api, body, customer):
    response = api.post(
        "/stores", body(if_customer_not_found="use_default", default_customer_id=customer.pk)
    )
    assert response.status_code == 201
    assert response.json()["default_customer_id"] == customer.pk


def test_a_name_of_250_characters_of_any_script_is_accepted(api, body):
    name = ("店" * 125) + ("🛒" * 125)
    response = api.post("/stores", body(name=name))
    assert response.status_code == 201
    assert response.json()["name"] == name
    assert Store.objects.get().name == name


UPDATE_RULES = [(changes, expected) for changes, expected in RULES if "company_id" not in changes]
"""The company is not a field of an update (see test_stores_api for what happens to it)."""


@pytest.mark.parametrize(("changes", "expected"), UPDATE_RULES)
def test_rules_hold_on_patch_and_put_too(api, body, store, changes, expected):
    before = Store.objects.values().get(pk=store.pk)
    patched = api.patch(f"/stores/{store.pk}", changes)
    assert (patched.status_code, patched.json()["errors"]) == (422, expected)
    put = api.put(f"/stores/{store.pk}", body(**changes))
    assert (put.status_code, put.json()["errors"]) == (422, expected)
    assert Store.objects.values().get(pk=store.pk) == before
