"""What the stores endpoints read and write.

Input is checked for shape only (types, no unknown fields); every business rule, with its
message, is stores.services' (the same as the screens'). So the body schemas are strict: an id
is a JSON integer, a switch a JSON boolean ("5" and "true" are refused), and a field the API
does not know is an error rather than silently dropped, so that a typo never looks like a
successful save. The read-only fields of StoreOut (id, company, created_at, ...) are not input.

The three body schemas come from one table:
- create (POST): every field optional; omitted ones take the new document's defaults, and the
  service reports what is still missing with the screen's messages;
- replace (PUT): every field required except `company_id` (a connection's company never
  changes; when sent it must be the stored one);
- patch (PATCH): any subset; the others keep their stored values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from backroom.stores.models import Store
from backroom.stores.selectors import store_api_url

CUSTOMER_MODES = list(Store.IfCustomerNotFound.values)
SORT_KEYS = ("name", "language", "is_let_sync", "creator", "created")
STORE_API_PATH = "/api/public/woo_v3"

_REQUIRED = ...
# field: (type, default on create, description)
_INPUT_FIELDS: dict[str, tuple[Any, Any, str]] = {
    "company_id": (
        int | None,
        None,
        "The company (required on create; it cannot change afterwards).",
    ),
    "name": (str, "", "Required, at most 250 characters."),
    "language": (str, "", "Required: two letters, stored upper-case (the texts the store gets)."),
    "allowed_addresses": (
        list[str] | str,
        [],
        "IPv4/IPv6 addresses and CIDR ranges the store calls from: a list, or text with one "
        "per line or comma-separated. At least one.",
    ),
    "is_let_sync": (bool, True, "Connection allowed."),
    "regular_price_type_id": (int | None, None, "Required: a price type of the company."),
    "sale_price_type_id": (
        int | None,
        None,
        "Optional: a price type of the company, not the regular one.",
    ),
    "orders_department_id": (int | None, None, "Required: the department of the store's orders."),
    "order_creator_id": (
        int | None,
        None,
        "Required: a user of the company who creates the store's orders. On create, omitted or "
        "null means the calling user.",
    ),
    "if_customer_not_found": (
        str,
        Store.IfCustomerNotFound.CREATE_NEW.value,
        f"One of {', '.join(CUSTOMER_MODES)}.",
    ),
    "default_customer_id": (
        int | None,
        None,
        "A customer of the company; required with `use_default`.",
    ),
    "days_to_shipment": (int | None, 1, "Days to the estimated shipment date, 0 to 365."),
    "auto_reserve": (bool, False, "Reserve the stock of the store's orders."),
    "department_ids": (
        list[int],
        [],
        "At least one department of the company: the store shows the sum of their stock.",
    ),
}


class _InputBase(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)


def _extra(name: str) -> dict[str, Any] | None:
    return {"enum": CUSTOMER_MODES} if name == "if_customer_not_found" else None


def _input_model(model_name: str, default_for) -> type[Schema]:
    """One body schema: `default_for(name, create_default)` gives each field's default
    (`...` = required)."""
    definitions = {
        name: (
            kind,
            Field(
                default=default_for(name, default),
                description=description,
                json_schema_extra=_extra(name),
            ),
        )
        for name, (kind, default, description) in _INPUT_FIELDS.items()
    }
    return create_model(model_name, __base__=_InputBase, **definitions)


StoreCreateIn = _input_model("StoreCreateIn", lambda name, default: default)
StoreReplaceIn = _input_model(
    "StoreReplaceIn", lambda name, default: None if name == "company_id" else _REQUIRED
)
StorePatchIn = _input_model("StorePatchIn", lambda name, default: None)


class StoreListQuery(Schema):
    search: str = Field("", max_length=100, description="Part of the name or the language.")
    company_id: int | None = Field(None, description="Only this company's connections.")
    sort: Literal[SORT_KEYS] = "name"  # type: ignore[valid-type]
    descending: bool = False
    page: int = Field(1, ge=1, description="Past the last page, the last page is given.")
    page_size: int = Field(25, ge=1, le=100)
    deleted: bool = Field(False, description="Only deleted connections instead of live ones.")


class StoreOut(Schema):
    """A connection as the API shows it. Never its key (see the /key endpoints)."""

    id: int
    company_id: int
    company: str
    name: str
    language: str
    allowed_addresses: list[str]
    is_let_sync: bool
    regular_price_type_id: int
    sale_price_type_id: int | None
    orders_department_id: int
    order_creator_id: int
    if_customer_not_found: str = Field(json_schema_extra={"enum": CUSTOMER_MODES})
    default_customer_id: int | None
    days_to_shipment: int
    auto_reserve: bool
    department_ids: list[int]
    is_deleted: bool
    created_by: str = Field(description="The username of the user who created it.")
    created_at: datetime
    changed_at: datetime
    api_url: str = Field(description="The address to enter in the store's plugin.")

    @staticmethod
    def resolve_company(store: Store) -> str:
        return store.company.name

    @staticmethod
    def resolve_department_ids(store: Store) -> list[int]:
        return sorted(department.pk for department in store.departments.all())

    @staticmethod
    def resolve_created_by(store: Store) -> str:
        return store.created_by.username

    @staticmethod
    def resolve_api_url(store: Store) -> str:
        return store_api_url()


class StorePageOut(Schema):
    items: list[StoreOut]
    total: int = Field(description="Connections matching, over all pages.")
    page: int
    pages: int
    page_size: int


class KeyOut(Schema):
    key: str = Field(description="The store's secret key: enter it in the store's plugin.")
