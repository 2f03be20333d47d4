"""The DokioStore plugin's wire format, pinned (protocol notes, sections 2, 3 and 6).

Replies are pydantic models in strict mode built from stores.feed's dataclasses (whose field
names are the wire keys): a price that is not a string, an id that is not an integer (a bool is
not one either), a list that is None, a value outside WooCommerce's enums would fail here,
before it reaches a shop, instead of making WooCommerce refuse a whole step. Keys come out in
the order declared, compact, UTF-8, without a BOM.

Requests are parsed leniently where the plugin (PHP, loose comparisons) is lenient: ids as
numbers or numeric strings ("57" == 57), `\\/` escapes, any Content-Type. Anything else is a
WireError with a short sentence that never echoes what was sent.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
)

RESULT_OK = 1
RESULT_WRONG_KEY = -200
MAX_PAGE_SIZE = 500
MAX_BODY_BYTES = 5 * 1024 * 1024
"""An id report of 100,000 pairs is about 3 MB."""
MAX_ORDERS_BODY_BYTES = 1024 * 1024
"""A batch holds at most 10 orders (WooCommerce's page size) of a few KB each; 1 MiB leaves
room for orders of hundreds of lines and refuses anything else before it is parsed."""
ID_MIN = -(2**63)
ID_MAX = 2**63 - 1
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,19}")
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
_WATERMARK = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_SHOWN_ERRORS = 3


class WireError(ValueError):
    """A request the protocol does not allow; the message is for the caller's log."""


# -- replies -----------------------------------------------------------------------------------


class _Reply(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", from_attributes=True, frozen=True)


Id = StrictInt
Count = Annotated[StrictInt, Field(ge=0)]
Price = Annotated[StrictStr, StringConstraints(pattern=r"^(?:[0-9]+(?:\.[0-9]+)?)?$")]
"""A decimal string such as "12.50", or "" (no price / no sale)."""
StockStatus = Literal["instock", "outofstock", "onbackorder"]
Backorders = Literal["no", "notify", "yes"]


class CategoryWire(_Reply):
    crm_id: Id
    woo_id: Id | None
    parent_crm_id: Id
    parent_woo_id: Id | None
    name: StrictStr
    description: StrictStr
    slug: StrictStr
    display: Literal["default", "products", "subcategories", "both"]
    menu_order: StrictInt
    img_address: StrictStr | None
    img_original_name: StrictStr
    img_alt: StrictStr
    img_anonyme_access: StrictBool


class CategoriesReply(_Reply):
    queryResultCode: Literal[1] = RESULT_OK
    productCategories: list[CategoryWire]
    allProductCategoriesWooIds: list[Id]


class AttributeWire(_Reply):
    crm_id: Id
    woo_id: Id | None
    name: StrictStr
    type: StrictStr
    slug: StrictStr
    order_by: Literal["menu_order", "name", "name_num", "id"]
    has_archives: StrictBool


class AttributesReply(_Reply):
    queryResultCode: Literal[1] = RESULT_OK
    productAttributes: list[AttributeWire]
    allProductAttributesWooIds: list[Id]


class TermWire(_Reply):
    crm_id: Id
    woo_id: Id | None
    attribute_crm_id: Id
    attribute_woo_id: Id
    name: StrictStr
    description: StrictStr
    slug: StrictStr
    menu_order: StrictInt


class TermsReply(_Reply):
    queryResultCode: Literal[1] = RESULT_OK
    attributeTerms: list[TermWire]
    allTermsWooIds: list[Id]


class CountReply(_Reply):
    """Both counts use the key `productCount` (variations too: protocol notes 3.14)."""

    queryResultCode: Literal[1] = RESULT_OK
    productCount: Count


class ImageWire(_Reply):
    img_address: StrictStr | None
    img_original_name: StrictStr | None
    img_alt: StrictStr | None


class ProductAttributeWire(_Reply):
    crm_id: Id
    woo_id: Id
    position: StrictInt
    visible: StrictBool
    variation: StrictBool
    options: list[StrictStr]


class DefaultAttributeWire(_Reply):
    woo_attribute_id: Id
    crm_attribute_id: Id
    name: StrictStr
    option: StrictStr


class ProductWire(_Reply):
    crm_id: Id
    woo_id: Id | None
    name: StrictStr
    slug: None
    type: Literal["simple", "variable"]
    regular_price: Price
    sale_price: Price
    description: StrictStr
    short_description: StrictStr
    stock_status: StockStatus
    sku: StrictStr
    stock_quantity: Count
    sold_individually: StrictBool
    manage_stock: StrictBool
    backorders: Backorders
    purchase_note: StrictStr
    menu_order: StrictInt
    reviews_allowed: StrictBool
    categories: list[Id]
    images: list[ImageWire]
    attributes: list[ProductAttributeWire]
    defaultAttributes: list[DefaultAttributeWire]
    upsells: list[Id]
    crosssells: list[Id]
    variations_woo_ids: list[Id]


class ProductsReply(_Reply):
    queryResultCode: Literal[1] = RESULT_OK
    products: list[ProductWire]


class VariationAttributeWire(_Reply):
    id: Id
    option: StrictStr


class VariationWire(_Reply):
    crm_id: Id
    woo_id: Id | None
    name: StrictStr
    slug: None
    regular_price: Price
    sale_price: Price
    description: StrictStr
    short_description: StrictStr
    stock_status: StockStatus
    sku: StrictStr
    stock_quantity: Count
    sold_individually: StrictBool
    manage_stock: StrictBool
    backorders: Backorders
    purchase_note: StrictStr
    menu_order: StrictInt
    reviews_allowed: StrictBool
    image: ImageWire
    parent_product_woo_id: Id
    listOfVariationAttributes: list[VariationAttributeWire]


class VariationsReply(_Reply):
    queryResultCode: Literal[1] = RESULT_OK
    variations: list[VariationWire]


class SyncGateReply(_Reply):
    """isLetSync: `is_sync_allowed` must be a real boolean (the plugin compares `== true`, so
    the string "false" would allow)."""

    is_sync_allowed: StrictBool
    reason: StrictStr


class WrongKeyReply(_Reply):
    """A catalog GET with a wrong key. Only the code: were lists sent, a plugin that ignored the
    code would take empty "all ...WooIds" lists as "delete everything"."""

    queryResultCode: Literal[-200] = RESULT_WRONG_KEY


def watermark_text(watermark: str) -> str:
    """getLastSynchronizedOrderTime's reply, checked: `YYYY-MM-DDTHH:MM:SS`, nothing around it.
    The plugin pastes the body into WooCommerce's `after=` as it is, and WooCommerce answers
    anything else (quotes, a blank, a code) with 400, so the store would send no orders."""
    if not _WATERMARK.fullmatch(watermark):
        raise ValueError(f"not a watermark: {watermark!r}")
    return watermark


# -- requests ----------------------------------------------------------------------------------


def _loose_id(value: object) -> int:
    """An id as PHP compares it: 57, "57", " 57 " and 57.0 are 57; true, 57.5, "5e1", "" and
    anything outside a signed 64-bit integer are not ids."""
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip(" \t\n\r")):
        number = int(value.strip(" \t\n\r"))
    else:
        raise ValueError("expected a whole number")
    if not ID_MIN <= number <= ID_MAX:
        raise ValueError("expected a 64-bit whole number")
    return number


LooseId = Annotated[int, BeforeValidator(_loose_id)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


Report = TypeVar("Report", bound=_Request)


class IdPair(_Request):
    id: LooseId
    crm_id: LooseId


class PairsReport(_Request):
    """`{"crmSecretKey": "...", "idsSet": [{"id": <woo id>, "crm_id": <crm id>}, ...]}`."""

    idsSet: list[IdPair]

    def pairs(self) -> list[tuple[int, int]]:
        """(woo_id, crm_id) pairs, as stores.sync.confirm_reported_ids takes them."""
        return [(pair.id, pair.crm_id) for pair in self.idsSet]


class WooIdsReport(_Request):
    """`{"crmSecretKey": "...", "idsSet": [311, 312]}`: a plain list of Woo product ids."""

    idsSet: list[LooseId]


@dataclass(frozen=True)
class Page:
    first_result: int
    max_results: int


def parse_body(raw: bytes) -> dict[str, object]:
    """The JSON object of a POST body. Not UTF-8, not JSON (NaN and Infinity included), too
    deep, or not an object: WireError."""
    try:
        text = raw.decode("utf-8")
        body = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        raise WireError("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise WireError("The request body must be a JSON object.")
    return body


_KEY_FIRST = re.compile(rb'\A\s*\{\s*"crmSecretKey"\s*:\s*"([A-Za-z0-9-]{1,100})"')


def salvage_key(raw: bytes) -> str | None:
    """The key of a body that is not valid JSON, when it starts as the plugin writes every
    body (`{"crmSecretKey":"<key>",...`); None otherwise."""
    found = _KEY_FIRST.match(raw)
    return found[1].decode("ascii") if found else None


def read_orders(body: Mapping[str, object]) -> list[object]:
    """putOrdersIntoCRM's `orders`: a list, whatever its items are (each order is read, and
    held when unreadable, on its own: stores.order_intake). WireError when it is not a list."""
    orders = body.get("orders")
    if not isinstance(orders, list):
        raise WireError('"orders" must be a list of orders.')
    return orders


def read_report(body: Mapping[str, object], model: type[Report]) -> Report:
    """`body` as the report `model`; WireError naming the first wrong places."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise WireError(_describe(error)) from None


def read_page(query: Mapping[str, Sequence[str]]) -> Page:
    """`first_result` (offset, from 0) and `max_results` (page size, 0 to MAX_PAGE_SIZE), each
    given once as a plain decimal number; WireError otherwise."""
    return Page(
        first_result=_page_number(query, "first_result", maximum=None),
        max_results=_page_number(query, "max_results", maximum=MAX_PAGE_SIZE),
    )


def _page_number(query: Mapping[str, Sequence[str]], name: str, *, maximum: int | None) -> int:
    values = list(query.get(name) or [])
    if not values:
        raise WireError(f"The parameter {name} is missing.")
    if len(values) > 1:
        raise WireError(f"The parameter {name} is given more than once.")
    if not _PAGE_NUMBER.fullmatch(values[0]):
        raise WireError(f"The parameter {name} must be a whole number from 0.")
    number = int(values[0])
    if maximum is not None and number > maximum:
        raise WireError(f"The parameter {name} must be at most {maximum}.")
    return number


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_input=False, include_url=False)[:_SHOWN_ERRORS]:
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]
        )
        problems.append(f"{where.lstrip('.') or 'body'}: {_reason(item)}")
    more = error.error_count() - len(problems)
    suffix = f" (and {more} more)" if more > 0 else ""
    return "The request body has the wrong shape: " + "; ".join(problems) + suffix + "."


_REASONS = {
    "missing": "missing",
    "list_type": "expected a list",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
}


def _reason(item: Mapping[str, object]) -> str:
    """pydantic's message in plain words (ours come from _loose_id as "Value error, ...")."""
    if reason := _REASONS.get(str(item.get("type"))):
        return reason
    return str(item.get("msg", "invalid")).removeprefix("Value error, ")
