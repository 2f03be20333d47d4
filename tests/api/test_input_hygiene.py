"""Whatever a client sends, the answer is a clear 4xx in JSON: malformed JSON, wrong types,
unknown fields, oversized bodies, hostile and unicode strings, odd paths; never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, create_model

from backroom.api.errors import INVALID_DETAIL, MALFORMED_DETAIL, NOT_AN_OBJECT
from backroom.api.parser import MAX_BODY_BYTES
from backroom.api.stores.schemas import StoreOut
from backroom.stores.models import Store
from tests.api.conftest import BASE, token_api

pytestmark = pytest.mark.django_db

MALFORMED = {"code": "malformed_json", "detail": MALFORMED_DETAIL}

StoreJson = create_model(
    "StoreJson",
    __config__=ConfigDict(extra="forbid"),
    **{name: (field.annotation, ...) for name, field in StoreOut.model_fields.items()},
)
"""StoreOut's fields and types, without its resolvers: what a store's JSON must look like."""


def field_errors(response) -> dict:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"
    assert response.json()["detail"] == INVALID_DETAIL
    return response.json()["errors"]


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"{'name': 'single quotes'}",
        b'{"name": "Shop",}',
        b"name=Shop&language=EN",
        b"\xff\xfe\x00\x01",
        b'{"name": "\xc3\x28"}',  # invalid UTF-8
        b'{"name": "\\ud800"}',  # an unpaired surrogate: valid JSON, impossible text
        b'{"name": "\\udfff\\ud800"}',
        b"[" * 50_000,  # deeper than any parser should follow
        b'{"days_to_shipment": ' + b"9" * 5000 + b"}",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_malformed_json_is_400(api, store, raw, method):
    path = "/stores" if method == "post" else f"/stores/{store.pk}"
    response = api.call(method, path, raw=raw)
    assert (response.status_code, response.json()) == (400, MALFORMED)
    assert Store.objects.count() == 1


@pytest.mark.parametrize("raw", [b"", b"[]", b"[{}]", b'"Shop"', b"42", b"null", b"true"])
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_a_body_that_is_not_an_object_is_refused(api, store, raw, method):
    path = "/stores" if method == "post" else f"/stores/{store.pk}"
    response = api.call(method, path, raw=raw)
    assert field_errors(response) == {"__all__": [NOT_AN_OBJECT]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": 5}, "name"),
        ({"name": ["Shop"]}, "name"),
        ({"name": {"en": "Shop"}}, "name"),
        ({"language": None}, "language"),
        ({"is_let_sync": "true"}, "is_let_sync"),
        ({"is_let_sync": 1}, "is_let_sync"),
        ({"auto_reserve": None}, "auto_reserve"),
        ({"days_to_shipment": "5"}, "days_to_shipment"),
        ({"days_to_shipment": 5.0}, "days_to_shipment"),
        ({"days_to_shipment": 2.5}, "days_to_shipment"),
        ({"days_to_shipment": True}, "days_to_shipment"),
        ({"regular_price_type_id": "1"}, "regular_price_type_id"),
        ({"company_id": [1]}, "company_id"),
        ({"department_ids": "1,2"}, "department_ids"),
        ({"department_ids": [1.5]}, "department_ids"),
        ({"department_ids": ["1"]}, "department_ids"),
        ({"department_ids": None}, "department_ids"),
        ({"allowed_addresses": [1, 2]}, "allowed_addresses"),
        ({"allowed_addresses": {"ip": "1.2.3.4"}}, "allowed_addresses"),
        ({"if_customer_not_found": False}, "if_customer_not_found"),
    ],
)
def test_wrong_types_are_field_errors(api, body, changes, field):
    response = api.post("/stores", body(**changes))
    assert list(field_errors(response)) == [field]
    assert not Store.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"key": "11111111-2222-4333-8444-555555555555"},
        {"crm_secret_key": "1"},
        {"key_digest": "0" * 64},
        {"id": 7},
        {"is_deleted": True},
        {"created_by": "someone"},
        {"lang_code": "EN"},
        {"Name": "Shop"},
        {"": 1},
        {"名前": "店"},
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_unknown_fields_are_refused_by_name(api, body, store, extra, method):
    """Read-only fields and typos alike: the document's key cannot be set, and a misspelt
    field is never a silent no-op."""
    path = "/stores" if method == "post" else f"/stores/{store.pk}"
    before = Store.objects.values().get(pk=store.pk)
    response = api.call(method, path, body(**extra))
    assert field_errors(response) == dict.fromkeys(extra, ["Unknown field."])
    assert Store.objects.count() == 1
    assert Store.objects.values().get(pk=store.pk) == before


def test_a_body_over_the_apis_limit_is_413(api, body):
    padded = body(name="Shop", allowed_addresses=" " * MAX_BODY_BYTES)
    response = api.post("/stores", padded)
    assert response.status_code == 413
    assert response.json() == {
        "code": "body_too_large",
        "detail": f"The body is larger than {MAX_BODY_BYTES} bytes.",
    }
    assert not Store.objects.exists()


def test_a_body_over_djangos_limit_is_413_too(api, body, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = api.post("/stores", body(allowed_addresses=" " * 3000))
    assert response.status_code == 413
    assert response.json()["detail"] == "The body is larger than 2000 bytes."


def test_a_body_just_under_the_limit_is_read(api, body):
    padded = body()
    padded["allowed_addresses"] = ""
    size = len(json.dumps(padded).encode())
    padded["allowed_addresses"] = " " * (MAX_BODY_BYTES - size)
    response = api.post("/stores", padded)
    assert response.status_code == 422  # read, and judged: addresses are required
    assert "allowed_addresses" in response.json()["errors"]


@pytest.mark.parametrize(
    "name",
    [
        "Магазин «Север»",
        "東京ストア 🛒",
        "متجر القاهرة",  # right to left
        "Cafe\u0301 Noe\u0308l",  # combining marks
        "👩‍👩‍👧‍👦 family shop",  # zero-width joiners
        "<script>alert('x')</script>",
        "'; DROP TABLE stores_store; --",
        "{{ request.user.password }}",
        "%s %d %(key)s",
        "../../etc/passwd",
        "null",
        "\u202eevil",  # right-to-left override is a format character, not a control one
    ],
)
def test_unicode_and_hostile_names_are_kept_verbatim(api, body, name):
    response = api.post("/stores", body(name=name))
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["name"] == name
    assert Store.objects.get().name == name
    assert api.get("/stores", params={"search": name[:20]}).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/nope", "/stores/", "/stores/1/x", "/stores/1/key/extra", "/openapi.json/x", "/../admin/"],
)
def test_unknown_paths_are_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such endpoint."}


@pytest.mark.parametrize("store_id", ["abc", "1.5", "１", "%00", "1e3", "0x10", "%20"])
def test_store_ids_that_are_no_number_are_field_errors(api, store_id):
    assert list(field_errors(api.get(f"/stores/{store_id}"))) == ["store_id"]


@pytest.mark.parametrize("store_id", ["-1", "0", "00", str(2**63), str(2**70)])
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_store_ids_no_row_can_have_are_404(api, body, store_id, method):
    response = api.call(method, f"/stores/{store_id}", body() if method != "get" else None)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_method_the_path_lacks_is_405(api, store):
    response = api.call("put", "/stores")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "company_id",
    "name",
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
    "unknown",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=5))
def test_any_json_gets_a_well_formed_answer(owner, body, store, changes):
    """Random values in random fields, on create and on patch: a saved document shaped like
    StoreOut, or a 4xx error shaped like ErrorOut; never anything else."""
    api = token_api(owner)
    for method, path, payload in (
        ("post", "/stores", body(**changes)),
        ("patch", f"/stores/{store.pk}", changes),
    ):
        response = api.call(method, path, payload)
        assert response.status_code in (200, 201, 409, 422), response.content
        data = response.json()
        if response.status_code < 300:
            StoreJson.model_validate(data)
        else:
            assert set(data) == {"code", "detail", "errors"} or set(data) == {"code", "detail"}
            assert all(
                isinstance(messages, list) and all(isinstance(m, str) for m in messages)
                for messages in data.get("errors", {}).values()
            )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["search", "company_id", "sort", "descending", "page", "page_size", "deleted"]
        ),
        st.text(max_size=30),
        max_size=4,
    )
)
def test_any_list_parameters_get_a_well_formed_answer(owner, store, params):
    response = token_api(owner).client.get(
        f"{BASE}/stores", params, headers=token_api(owner).headers
    )
    assert response.status_code in (200, 422), response.content
    assert set(response.json()) in (
        {"items", "total", "page", "pages", "page_size"},
        {"code", "detail", "errors"},
    )
