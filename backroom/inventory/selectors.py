"""Reads of stock: the one function that says what is available, and the store's figure on top."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from backroom.core.numbers import (
    QUANTITY_DECIMAL_PLACES,
    QUANTITY_MAX_DIGITS,
    quantize_quantity,
    stock_to_wire,
)
from backroom.inventory.models import Reservation, StockLevel

if TYPE_CHECKING:  # catalog sits above inventory: imported for types only
    from backroom.catalog.models import Product
    from backroom.companies.models import Company, Department

_QUANTITY = DecimalField(max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES)


def _ids(objects: Iterable[Product | Department | int]) -> list[int]:
    return sorted({obj if isinstance(obj, int) else obj.pk for obj in objects})


def available_quantities(
    *,
    company: Company,
    products: Iterable[Product | int],
    departments: Iterable[Department | int],
) -> dict[tuple[int, int], Decimal]:
    """Available = on-hand minus reservations, per (product_id, department_id), in one query.

    Every requested pair is in the result; a pair with no stock, or whose product or department
    is not `company`'s, is Decimal(0), so a foreign id learns nothing."""
    product_ids = _ids(products)
    department_ids = _ids(departments)
    result = {(p, d): Decimal(0) for p in product_ids for d in department_ids}
    if not result:
        return result
    reserved = (
        Reservation.objects.filter(
            product_id=OuterRef("product_id"), department_id=OuterRef("department_id")
        )
        .order_by()
        .values("product_id", "department_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    rows = (
        StockLevel.objects.filter(
            product_id__in=product_ids,
            department_id__in=department_ids,
            product__company=company,
            department__company=company,
        )
        .annotate(reserved=Coalesce(Subquery(reserved, output_field=_QUANTITY), Value(Decimal(0))))
        .values_list("product_id", "department_id", "on_hand", "reserved")
    )
    for product_id, department_id, on_hand, reserved in rows:
        # Subtracted here, not in SQL: SQLite would do it in floating point.
        result[(product_id, department_id)] = quantize_quantity(on_hand - reserved)
    return result


def store_stock(
    *,
    company: Company,
    products: Iterable[Product | int],
    departments: Iterable[Department | int],
) -> dict[int, int]:
    """What a store may show per product id: the sum of what is available in its departments,
    rounded down to a whole unit, never below zero. One query (available_quantities).

    A department that is somehow short adds nothing rather than taking units away from the
    others."""
    result: dict[int, Decimal] = {product_id: Decimal(0) for product_id in _ids(products)}
    available = available_quantities(company=company, products=result, departments=departments)
    for (product_id, _), quantity in available.items():
        result[product_id] += max(quantity, Decimal(0))
    return {product_id: stock_to_wire(total) for product_id, total in result.items()}
