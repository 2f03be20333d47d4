"""Reading WooCommerce REST v3 order objects, as the DokioStore plugin posts them, into
orders.intake.IncomingOrder (protocol notes, section 5.3).

Lenient where WooCommerce is inconsistent (numbers as strings and strings as numbers, null
dates, fractional quantities, `[]` for an empty object, unknown keys), strict where guessing
would import a wrong order: an unreadable id, quantity or price, or a line whose product cannot
be found, is an OrderNotImported with the reason.

Reading writes nothing. Finding the lines' products takes two queries whatever the line count
(the store's ids of every line at once, then every product they name or whose SKU a line gives).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from backroom.accounts.selectors import parse_id
from backroom.catalog.models import Product
from backroom.core.numbers import quantize_quantity
from backroom.orders.errors import OrderNotImported
from backroom.orders.intake import Buyer, IncomingLine, IncomingOrder
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.orders.services import storable_json
from backroom.stores.models import Store, SyncState

Status = CustomerOrder.Status
Match = OrderLine.ProductMatch

MAX_LINES = 1000
"""More line items than any real order has: such a payload is refused before any query."""

STATUSES: dict[str, str] = {
    "pending": Status.NEW,
    "processing": Status.PROCESSING,
    "on-hold": Status.ON_HOLD,
    "completed": Status.COMPLETED,
    "cancelled": Status.CANCELLED,
    "refunded": Status.REFUNDED,
    "failed": Status.FAILED,
    "checkout-draft": Status.NEW,
    "trash": Status.CANCELLED,
}
"""WooCommerce's order statuses as Backroom's; any other (a plugin's own status) is NEW."""

ORDER_TOTALS = (
    "total",
    "total_tax",
    "shipping_total",
    "shipping_tax",
    "discount_total",
    "discount_tax",
    "cart_tax",
)
"""The order's own figures kept in IncomingOrder.store_totals, when the store sent them."""

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
"""Dates outside these are not a shop's: unreadable (and they would overflow a watermark)."""

_NAME_LIMIT = OrderLine._meta.get_field("name").max_length
_NUMBER_LIMIT = CustomerOrder._meta.get_field("store_order_number").max_length
_MAGNITUDE_LIMIT = 15
"""Numbers of more than 15 integer digits are no shop's quantity or price: unreadable."""
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)
_CURRENCY = re.compile(r"[A-Z]{3}")
_SHOWN_NAME = 60
_SHOWN_LINES = 3


@dataclass(frozen=True)
class OrderIdentity:
    """What can be read of any payload, however broken: the store's order id and creation time
    (None when unreadable)."""

    store_order_id: int | None
    store_created_at: datetime | None


@dataclass(frozen=True)
class _StoreLine:
    """A line item as read, before its product is looked for."""

    position: int
    name: str
    product_id: int | None
    variation_id: int | None
    sku: str
    quantity: Decimal
    price: Decimal
    store_line_id: int | None
    store_total: Decimal | None

    @property
    def link(self) -> tuple[str, int] | None:
        """The SyncState (kind, woo id) that names this line's product: the variation when
        there is one (never its parent, a variable product), else the product."""
        if self.variation_id:
            return SyncState.Kind.VARIATION, self.variation_id
        if self.product_id:
            return SyncState.Kind.PRODUCT, self.product_id
        return None

    def described(self) -> str:
        """`line 2 "Hoodie – Green" (WooCommerce product 17, variation 34, SKU woo-hoodie)`."""
        return _describe_line(
            self.position, self.name, self.product_id, self.variation_id, self.sku
        )


# -- identity -------------------------------------------------------------------------------------


def order_identity(payload: object) -> OrderIdentity:
    """The order's id (a whole number above 0, as a number or as digits) and its creation time
    in UTC, read from any value whatever it holds; never raises."""
    if not isinstance(payload, dict):
        return OrderIdentity(store_order_id=None, store_created_at=None)
    return OrderIdentity(
        store_order_id=read_id(payload.get("id")),
        store_created_at=read_time(payload.get("date_created_gmt"), naive_is_utc=True),
    )


def read_id(value: object) -> int | None:
    """A WooCommerce id: an int, digits (spaces around allowed) or a whole float, above 0 and
    fitting a bigint; None otherwise."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str):
        value = value.strip()
    return parse_id(value)


def read_time(value: object, *, naive_is_utc: bool) -> datetime | None:
    """`YYYY-MM-DDTHH:MM:SS`, with fractions, `Z` or an offset allowed, as an aware datetime
    in UTC; a text without offset is UTC when `naive_is_utc` (WooCommerce's `*_gmt` fields),
    else None. None for anything else, null included."""
    moment = _parse_time(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        if not naive_is_utc:
            return None
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # an offset that moves year 1 or 9999 out of range
        return None
    return moment if EARLIEST <= moment < LATEST else None


def _parse_time(value: object) -> datetime | None:
    """The date-time written in `value`, naive or aware as written; None when unreadable."""
    if not isinstance(value, str):
        return None
    found = _DATE_TIME.fullmatch(value.strip())
    if not found:
        return None
    day, time, fraction, offset = found.groups()
    text = f"{day}T{time}"
    if fraction:
        text += "." + fraction[:6].ljust(6, "0")
    if offset:
        text += "+00:00" if offset == "Z" else offset
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # a month 13, a day 31 in April...
        return None


# -- the order -----------------------------------------------------------------------------------


def read_woo_order(*, store: Store, payload: object) -> IncomingOrder:
    """`payload` as an IncomingOrder of `store`, its lines' products found (the store's
    variation id, then product id, then the SKU). OrderNotImported says what is wrong, every
    line at fault named."""
    if not isinstance(payload, dict):
        raise OrderNotImported(
            f"The store sent {_json_kind(payload)} where an order (a JSON object) was expected."
        )
    payload = _kept(payload)
    identity = order_identity(payload)
    if identity.store_order_id is None:
        raise OrderNotImported(
            f"The order has no readable id ({_shown(payload.get('id'))}): WooCommerce gives "
            "every order a whole number above 0."
        )
    read, lines = _read_lines(store, payload.get("line_items"))
    billing = _object(payload.get("billing"))
    shipping = _object(payload.get("shipping"))
    return IncomingOrder(
        store_order_id=identity.store_order_id,
        status=read_status(payload.get("status")),
        buyer=_read_buyer(payload, billing, shipping),
        lines=lines,
        store_order_number=_text(payload.get("number")).strip()[:_NUMBER_LIMIT],
        store_created_at=identity.store_created_at,
        order_date=_order_date(payload.get("date_created"), identity.store_created_at),
        currency=_currency(payload.get("currency")),
        store_totals=_store_totals(payload, read),
        note=_text(payload.get("customer_note")),
        payload=payload,
    )


def _kept(payload: dict) -> dict:
    """The payload as it can be stored (orders.services.storable_json): read from, and kept."""
    try:
        return storable_json(payload)
    except ValueError:
        raise OrderNotImported(
            "The order's data is nested too deeply to be kept: no WooCommerce order is."
        ) from None


def read_status(value: object) -> str:
    """The Backroom status of a WooCommerce status (`wc-` prefix and case tolerated)."""
    text = _text(value).strip().lower().removeprefix("wc-")
    return STATUSES.get(text, Status.NEW)


def _read_buyer(payload: dict, billing: dict, shipping: dict) -> Buyer:
    """Who ordered. The name is the billing person's, else (when billing names no one, not
    even a company) the shipping person's; a guest (customer_id 0) has no store customer id.
    E-mail and phone are the billing ones: a shipping phone may be a gift's recipient."""
    name = _person(billing)
    organisation = _text(billing.get("company")).strip()
    if not name and not organisation:
        name = _person(shipping)
    return Buyer(
        name=name,
        organisation=organisation,
        email=_text(billing.get("email")).strip(),
        phone=_text(billing.get("phone")).strip(),
        billing_address=billing,
        shipping_address=shipping,
        store_customer_id=read_id(payload.get("customer_id")),
    )


def _person(address: dict) -> str:
    first = _text(address.get("first_name")).strip()
    last = _text(address.get("last_name")).strip()
    return f"{first} {last}".strip()


def _order_date(local: object, created_at: datetime | None) -> date | None:
    """The shop's own calendar day: `date_created` as written (shop time), else the UTC day."""
    moment = _parse_time(local)
    if moment is not None and EARLIEST.year <= moment.year < LATEST.year:
        return moment.date()
    return created_at.date() if created_at else None


def _currency(value: object) -> str:
    text = _text(value).strip().upper()
    return text if _CURRENCY.fullmatch(text) else ""


def _store_totals(payload: dict, lines: list[_StoreLine]) -> dict[str, str]:
    """The store's figures that it sent, as decimal texts, with the sum of its fee lines and of
    its line totals."""
    totals = {}
    for key in ORDER_TOTALS:
        value = read_decimal(payload.get(key))
        if value is not None:
            totals[key] = str(value)
    fees = [_object(fee).get("total") for fee in _list(payload.get("fee_lines"))]
    fee_values = [read_decimal(fee) for fee in fees]
    if fee_values and None not in fee_values:
        totals["fee_total"] = str(sum(fee_values, Decimal(0)))
    line_totals = [line.store_total for line in lines if line.store_total is not None]
    if line_totals:
        totals["lines_total"] = str(sum(line_totals, Decimal(0)))
    return totals


# -- lines --------------------------------------------------------------------------------------


def _read_lines(store: Store, value: object) -> tuple[list[_StoreLine], tuple[IncomingLine, ...]]:
    """The order's line items as read, and as IncomingLines with their products; every line
    at fault (unreadable, or no product found) named in one OrderNotImported."""
    faults: list[str] = []
    read = [
        line
        for position, raw in enumerate(_raw_lines(value), 1)
        if (line := _read_line(position, raw, faults)) is not None
    ]
    found = _find_products(store=store, lines=read)
    missing = [line for line in read if line.position not in found]
    if missing:
        faults.append(_missing_sentence(missing))
    if faults:
        raise OrderNotImported(" ".join(faults))
    return read, tuple(
        IncomingLine(
            product=found[line.position][0],
            product_match=found[line.position][1],
            quantity=line.quantity,
            price=line.price,
            name=line.name,
            store_line_id=line.store_line_id,
            store_total=line.store_total,
        )
        for line in read
    )


def _raw_lines(value: object) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OrderNotImported(
            f"The order's line_items is {_json_kind(value)}, not a list of lines."
        )
    if len(value) > MAX_LINES:
        raise OrderNotImported(
            f"The order has {len(value)} lines; Backroom takes at most {MAX_LINES} per order."
        )
    return value


def _read_line(position: int, raw: object, faults: list[str]) -> _StoreLine | None:
    """The line item at `position` (from 1), or None after adding what is wrong to `faults`."""
    if not isinstance(raw, dict):
        faults.append(f"Line {position} is {_json_kind(raw)}, not a line item.")
        return None
    name = _line_name(raw.get("name"))
    product_id = read_id(raw.get("product_id"))
    variation_id = read_id(raw.get("variation_id"))
    sku = _text(raw.get("sku")).strip()
    described = _describe_line(position, name, product_id, variation_id, sku)
    quantity = read_decimal(raw.get("quantity"))
    if quantity is None or quantize_quantity(quantity) <= 0:
        faults.append(
            f"The quantity of {described} ({_shown(raw.get('quantity'))}) is not a number above 0."
        )
        return None
    store_total = read_decimal(raw.get("total"))
    price = _line_price(raw.get("price"), quantity, store_total)
    if price is None or price < 0:
        faults.append(
            f"The price of {described} ({_shown(raw.get('price'))}) is not a number of 0 or "
            "more, and no line total gives it."
        )
        return None
    return _StoreLine(
        position=position,
        name=name,
        product_id=product_id,
        variation_id=variation_id,
        sku=sku,
        quantity=quantity,
        price=price,
        store_line_id=read_id(raw.get("id")),
        store_total=store_total,
    )


def _line_price(value: object, quantity: Decimal, total: Decimal | None) -> Decimal | None:
    """The unit price the store gave; when it gave none, its line total over the quantity.
    An unreadable price is not replaced: the store meant something we cannot tell."""
    if value is not None and value != "":
        return read_decimal(value)
    if total is None:
        return None
    return total / quantity


def _line_name(value: object) -> str:
    """The line's name with WooCommerce's HTML entities undone (`&ndash;` is "–"), cut to what
    an order line holds."""
    return html.unescape(_text(value)).strip()[:_NAME_LIMIT]


def _find_products(*, store: Store, lines: Iterable[_StoreLine]) -> dict[int, tuple[Product, str]]:
    """position -> (product, how it was matched) for the lines whose product is found: the
    store's variation id, else its product id, through the store's SyncState; then (no id,
    or an id not linked to a live product) the SKU among the company's live products.
    Two queries at most, whatever the number of lines."""
    lines = list(lines)
    links = _linked_items(store=store, lines=lines)
    item_ids = {item_id for candidates in links.values() for item_id in candidates}
    skus = {line.sku for line in lines if line.sku}
    if not item_ids and not skus:
        return {}
    products = list(
        Product.objects.filter(company_id=store.company_id, is_deleted=False).filter(
            Q(pk__in=item_ids) | Q(sku__in=skus)
        )
    )
    by_id = {product.pk: product for product in products}
    by_sku = {product.sku: product for product in products if product.sku}
    found: dict[int, tuple[Product, str]] = {}
    for line in lines:
        linked = [by_id[item] for item in links.get(line.link, ()) if item in by_id]
        if linked:
            found[line.position] = (linked[0], Match.STORE_ID)
        elif line.sku in by_sku:
            found[line.position] = (by_sku[line.sku], Match.SKU)
    return found


def _linked_items(*, store: Store, lines: list[_StoreLine]) -> dict[tuple[str, int], list[int]]:
    """(kind, woo id) -> the Backroom items the store links to that id, lowest first (two
    rows with one woo id would be a store's mistake: the choice stays stable)."""
    wanted: dict[str, set[int]] = {}
    for line in lines:
        if line.link:
            kind, woo_id = line.link
            wanted.setdefault(kind, set()).add(woo_id)
    if not wanted:
        return {}
    condition = Q()
    for kind, woo_ids in wanted.items():
        condition |= Q(kind=kind, woo_id__in=woo_ids)
    links: dict[tuple[str, int], list[int]] = {}
    rows = (
        SyncState.objects.filter(condition, store=store)
        .order_by("item_id")
        .values_list("kind", "woo_id", "item_id")
    )
    for kind, woo_id, item_id in rows:
        links.setdefault((kind, woo_id), []).append(item_id)
    return links


def _missing_sentence(missing: list[_StoreLine]) -> str:
    """Which lines have no product, and what the shop owner can do about it."""
    shown = "; ".join(line.described() for line in missing[:_SHOWN_LINES])
    more = len(missing) - _SHOWN_LINES
    if more > 0:
        shown += f"; and {more} more"
    subject = "No Backroom product matches" if len(missing) == 1 else "No Backroom products match"
    return (
        f"{subject} {shown}. Link the product to this store (a catalog sync records its "
        "WooCommerce id) or give a Backroom product the same SKU, then try again."
    )


def _describe_line(
    position: int, name: str, product_id: int | None, variation_id: int | None, sku: str
) -> str:
    shown_name = name if len(name) <= _SHOWN_NAME else name[: _SHOWN_NAME - 1] + "…"
    parts = []
    if product_id:
        parts.append(f"WooCommerce product {product_id}")
    if variation_id:
        parts.append(f"variation {variation_id}")
    if sku:
        parts.append(f"SKU {_shown(sku)}")
    text = f"line {position}"
    if shown_name:
        text += f' "{shown_name}"'
    if parts:
        text += f" ({', '.join(parts)})"
    return text


# -- values -------------------------------------------------------------------------------------


def read_decimal(value: object) -> Decimal | None:
    """A number given as a JSON number or as text (`"12.50"`, `1.5`, `17.647059` read through
    its text, never as a binary fraction), finite and of at most 15 integer digits; None for
    anything else (null, "", a boolean, "12,50")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str) and len(value) <= 100:
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            return None
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or (number and number.adjusted() >= _MAGNITUDE_LIMIT):
        return None
    return number


def _text(value: object) -> str:
    """A text field as text: numbers where WooCommerce should have sent strings become their
    digits; null, booleans, lists and objects are no text."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return ""


def _object(value: object) -> dict:
    """A JSON object; WooCommerce's `[]` for an empty one (and anything else) is {}."""
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "something else"


def _shown(value: object) -> str:
    """A value as quoted in a reason: short, and only its kind when it is not a scalar."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:39] + "…"
        return f'"{text}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    return _json_kind(value)
