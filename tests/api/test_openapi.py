"""The API describes itself: /api/v1/openapi.json lists every operation with its schemas and
security, and /api/v1/docs shows it with assets served by Backroom (no CDN)."""

import pytest
from django.test import Client

from backroom.api.stores.schemas import StoreOut
from tests.api.conftest import BASE, ENDPOINTS

pytestmark = pytest.mark.django_db

STORE_FIELDS = [
    "id",
    "company_id",
    "company",
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
    "is_deleted",
    "created_by",
    "created_at",
    "changed_at",
    "api_url",
]


@pytest.fixture
def schema() -> dict:
    """Fetched without signing in: the schema holds no data, only the API's shape."""
    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def refs(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def test_the_schema_lists_every_operation_and_nothing_else(schema):
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Backroom API"
    listed = {
        (method, path.removeprefix(BASE).replace("{store_id}", "{id}"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert listed == set(ENDPOINTS)


def test_every_operation_takes_a_token_or_a_session(schema):
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"},
        "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert operation["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }


def test_every_reference_resolves(schema):
    components = schema["components"]["schemas"]
    found = refs(schema)
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in components


def test_a_store_is_described_field_by_field_and_without_its_key(schema):
    store = schema["components"]["schemas"]["StoreOut"]
    assert list(store["properties"]) == STORE_FIELDS == list(StoreOut.model_fields)
    assert set(store["required"]) == set(STORE_FIELDS)
    assert not any("key" in name for name in store["properties"])


@pytest.mark.parametrize("name", ["StoreCreateIn", "StoreReplaceIn", "StorePatchIn"])
def test_bodies_refuse_unknown_fields_and_show_no_key(schema, name):
    body = schema["components"]["schemas"][name]
    assert body["additionalProperties"] is False
    assert list(body["properties"]) == [f for f in STORE_FIELDS if f in body["properties"]]
    assert "key" not in body["properties"] and "id" not in body["properties"]


def test_what_put_requires_and_create_does_not(schema):
    schemas = schema["components"]["schemas"]
    assert "required" not in schemas["StoreCreateIn"]
    assert "required" not in schemas["StorePatchIn"]
    name_to_department_ids = STORE_FIELDS[3:16]
    assert set(schemas["StoreReplaceIn"]["required"]) == set(name_to_department_ids)


def test_the_docs_page_uses_backrooms_own_assets():
    response = Client().get(f"{BASE}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{BASE}/openapi.json" in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
