"""Writes of customer orders."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

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


@dataclass(frozen=True)
class NewOrderLine:
    """A line of an order to be created: `quantity` units of `product` at `price` each."""

    product: Product
    quantity: Decimal
    price: Decimal
    name: str = ""


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
) -> CustomerOrder:
    """A new order of `company` with its lines, numbered per company, in one transaction.

    Quantities and prices are rounded to the stored precision, each line's total is quantity x
    price rounded to the cent, and the order's total is the sum of the line totals. Everything
    named must be `company`'s (WrongCompany otherwise, the creator a member of its account);
    data that cannot be stored raises InvalidOrder naming every bad field. A second order with
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
            shipment_date=shipment_date,
            currency=currency,
            billing_address=clean_json(billing_address or {}),
            shipping_address=clean_json(shipping_address or {}),
            total=total,
            store=store,
            store_order_id=store_order_id,
            note=clean_text(note),
        )
        for line in cleaned:
            line.order = order
        OrderLine.objects.bulk_create(cleaned)
    return order


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
    if len(errors) > faults:
        return None
    total = quantize_money(quantity * price)
    if total >= _MONEY_LIMIT:
        errors[f"{field}.total"] = "The line's total is too large."
        return None
    return OrderLine(product=line.product, name=name, quantity=quantity, price=price, total=total)


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
