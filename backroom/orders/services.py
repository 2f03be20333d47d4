"""Writes of customer orders."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from backroom.companies.models import Company, Department
from backroom.companies.selectors import require_in_company, require_member
from backroom.companies.services import next_document_number
from backroom.core.numbers import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    QUANTITY_DECIMAL_PLACES,
    QUANTITY_MAX_DIGITS,
    quantize_money,
    quantize_quantity,
)
from backroom.customers.models import Customer
from backroom.customers.normalize import clean_json, clean_text
from backroom.inventory.services import release_reservations
from backroom.orders.errors import InvalidOrder
from backroom.orders.models import CustomerOrder, OrderLine

if TYPE_CHECKING:
    from backroom.accounts.models import User
    from backroom.catalog.models import Product
    from backroom.stores.models import Store

ORDER_NUMBER_KIND = "customer_order"
_MONEY_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
_QUANTITY_LIMIT = Decimal(10) ** (QUANTITY_MAX_DIGITS - QUANTITY_DECIMAL_PLACES)
_NAME_LIMIT = OrderLine._meta.get_field("name").max_length
_STORE_NUMBER_LIMIT = CustomerOrder._meta.get_field("store_order_number").max_length
_BIGINT = 2**63
_JSON_DEPTH_LIMIT = 100


@dataclass(frozen=True)
class NewOrderLine:
    """A line of an order to be created: `quantity` units of `product` at `price` each."""

    product: Product
    quantity: Decimal
    price: Decimal
    name: str = ""
    product_match: str = OrderLine.ProductMatch.CHOSEN
    """How the product was found: chosen by a user, or matched from a store's line."""
    store_line_id: int | None = None
    store_total: Decimal | None = None
    """The line's total as the store computed it: kept, and compared with Backroom's."""


def create_order(
    *,
    company: Company,
    customer: Customer,
    department: Department,
    created_by: User,
    lines: Sequence[NewOrderLine],
    status: str = CustomerOrder.Status.NEW,
    shipment_date: date | None = None,
    store: Store | None = None,
    store_order_id: int | None = None,
    billing_address: dict | None = None,
    shipping_address: dict | None = None,
    currency: str = "",
    note: str = "",
    customer_reason: str = CustomerOrder.CustomerReason.CHOSEN,
    store_order_number: str = "",
    store_created_at: datetime | None = None,
    store_totals: dict[str, str] | None = None,
    store_payload: object = None,
) -> CustomerOrder:
    """A new order of `company` with its lines, numbered per company, in one transaction.

    Quantities and prices are rounded to the stored precision, each line's total is quantity x
    price rounded to the cent, and the order's total is the sum of the line totals. The order is
    flagged `totals_mismatch` when the store's line totals (over the lines that have one) do not
    add up to Backroom's totals of the same lines. Everything named must be `company`'s
    (WrongCompany otherwise, the creator a member of its account); data that cannot be stored
    raises InvalidOrder naming every bad field. A second order with
    the same (store, store_order_id) raises IntegrityError, with the caller's transaction still
    usable and the number given back."""
    require_in_company(company=company, customer=customer, department=department, store=store)
    require_member(company=company, user=created_by)
    for product in {line.product for line in lines}:
        require_in_company(company=company, product=product)
    errors: dict[str, str] = {}
    cleaned = [_clean_line(index, line, errors) for index, line in enumerate(lines)]
    currency = clean_text(currency).upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = "Three letters (ISO 4217), or empty."
    if status not in CustomerOrder.Status.values:
        errors["status"] = f"One of {', '.join(CustomerOrder.Status.values)}."
    if (store is None) != (store_order_id is None):
        errors["store_order_id"] = "An order from a store has the store's order id, and only then."
    elif store_order_id is not None and not _is_bigint(store_order_id):
        errors["store_order_id"] = "A whole number (64 bits)."
    _check_store_fields(
        customer_reason=customer_reason,
        store_order_number=store_order_number,
        store_created_at=store_created_at,
        store_totals=store_totals,
        errors=errors,
    )
    try:
        store_payload = storable_json(store_payload)
    except ValueError as error:
        errors["store_payload"] = str(error)
    total = sum((line.total for line in cleaned if line), Decimal(0))
    if total >= _MONEY_LIMIT:
        errors["total"] = "The order's total is too large."
    if errors:
        raise InvalidOrder(errors)
    with transaction.atomic():
        order = CustomerOrder.objects.create(
            company=company,
            number=next_document_number(company=company, kind=ORDER_NUMBER_KIND),
            customer=customer,
            department=department,
            created_by=created_by,
            status=status,
            store_status=status if store else "",  # what a repeat compares with
            shipment_date=shipment_date,
            currency=currency,
            billing_address=clean_json(billing_address or {}),
            shipping_address=clean_json(shipping_address or {}),
            total=total,
            store=store,
            store_order_id=store_order_id,
            note=clean_text(note),
            customer_reason=customer_reason,
            store_order_number=clean_text(store_order_number),
            store_created_at=store_created_at,
            store_totals=clean_json(store_totals or {}),
            totals_mismatch=_totals_differ(cleaned),
            store_payload=store_payload,
        )
        for line in cleaned:
            line.order = order
        OrderLine.objects.bulk_create(cleaned)
    return order


def _check_store_fields(
    *,
    customer_reason: str,
    store_order_number: str,
    store_created_at: datetime | None,
    store_totals: dict[str, str] | None,
    errors: dict[str, str],
) -> None:
    """Add to `errors` the faults of what an order from a store carries besides its lines."""
    if customer_reason not in CustomerOrder.CustomerReason.values:
        errors["customer_reason"] = f"One of {', '.join(CustomerOrder.CustomerReason.values)}."
    if len(clean_text(store_order_number)) > _STORE_NUMBER_LIMIT:
        errors["store_order_number"] = f"At most {_STORE_NUMBER_LIMIT} characters."
    if store_created_at is not None and (
        not isinstance(store_created_at, datetime) or timezone.is_naive(store_created_at)
    ):
        errors["store_created_at"] = "A date and time with its time zone."
    if store_totals is not None and not (
        isinstance(store_totals, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in store_totals.items())
    ):
        errors["store_totals"] = "Texts by name."


def _is_bigint(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_BIGINT <= value < _BIGINT


def _totals_differ(lines: Sequence[OrderLine | None]) -> bool:
    """Whether the store's line totals differ from Backroom's, over the lines that have one."""
    compared = [line for line in lines if line is not None and line.store_total is not None]
    store_sum = sum((line.store_total for line in compared), Decimal(0))
    return store_sum != sum((line.total for line in compared), Decimal(0))


def storable_json(value: object, *, _depth: int = 0) -> object:
    """`value` (parsed JSON) as any database can store it, otherwise unchanged: NUL and lone
    surrogates in texts and keys (which PostgreSQL refuses) become U+FFFD, NaN and infinities
    (which no JSON column takes) become null. Nesting deeper than 100 raises ValueError: no
    real order is that deep, and deeper data would exhaust the stack when it is written."""
    if _depth > _JSON_DEPTH_LIMIT:
        raise ValueError("The data is nested too deeply.")
    if isinstance(value, dict):
        return {
            _storable_text(str(key)): storable_json(item, _depth=_depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [storable_json(item, _depth=_depth + 1) for item in value]
    if isinstance(value, str):
        return _storable_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _storable_text(text: str) -> str:
    if "\x00" not in text and text.isascii():
        return text
    return "".join(
        "\ufffd" if char == "\x00" or "\ud800" <= char <= "\udfff" else char for char in text
    )


def _clean_line(index: int, line: NewOrderLine, errors: dict[str, str]) -> OrderLine | None:
    """The OrderLine to store for `line`, or None after adding its faults to `errors`."""
    field = f"lines[{index}]"
    faults = len(errors)
    quantity = _clean_number(
        line.quantity, _QUANTITY_LIMIT, quantize_quantity, f"{field}.quantity", errors
    )
    price = _clean_number(line.price, _MONEY_LIMIT, quantize_money, f"{field}.price", errors)
    if quantity is not None and quantity <= 0:
        errors[f"{field}.quantity"] = "Must be above zero."
    if price is not None and price < 0:
        errors[f"{field}.price"] = "Must not be negative."
    name = clean_text(line.name)
    if len(name) > _NAME_LIMIT:
        errors[f"{field}.name"] = f"At most {_NAME_LIMIT} characters."
    store_total = None
    if line.store_total is not None:
        store_total = _clean_number(
            line.store_total, _MONEY_LIMIT, quantize_money, f"{field}.store_total", errors
        )
    if line.product_match not in OrderLine.ProductMatch.values:
        errors[f"{field}.product_match"] = f"One of {', '.join(OrderLine.ProductMatch.values)}."
    store_line_id = line.store_line_id
    if store_line_id is not None and not _is_bigint(store_line_id):
        errors[f"{field}.store_line_id"] = "A whole number (64 bits)."
    if len(errors) > faults:
        return None
    total = quantize_money(quantity * price)
    if total >= _MONEY_LIMIT:
        errors[f"{field}.total"] = "The line's total is too large."
        return None
    return OrderLine(
        product=line.product,
        name=name,
        quantity=quantity,
        price=price,
        total=total,
        product_match=line.product_match,
        store_line_id=store_line_id,
        store_total=store_total,
    )


def _clean_number(value, limit, quantize, field: str, errors: dict[str, str]) -> Decimal | None:
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        errors[field] = "Must be a Decimal."
        return None
    value = Decimal(value)
    if not value.is_finite() or abs(value) >= limit:
        errors[field] = "Out of range."
        return None
    return quantize(value)


def cancel_order(*, order: CustomerOrder) -> CustomerOrder:
    """Cancel the order and give back every unit reserved for it. Cancelling a cancelled order
    changes nothing, so a store that re-sends a cancellation does no harm."""
    with transaction.atomic():
        locked = CustomerOrder.objects.select_for_update().get(pk=order.pk)
        release_reservations(lines=locked.lines.all())
        if locked.status != CustomerOrder.Status.CANCELLED:
            locked.status = CustomerOrder.Status.CANCELLED
            locked.save(update_fields=["status", "changed_at"])
    order.status = locked.status
    order.changed_at = locked.changed_at
    return order
