"""Writes of stock. On-hand changes only here, when a stock document is completed or un-completed;
reservations are made and released only here.

Policy when stock would run short: a write-off, or un-completing a receipt, may take on-hand
down to what is reserved and no further; otherwise nothing changes and InsufficientStock lists
every short product. So on-hand never drops below the reserved units nor below zero, and a
reservation always stands for units that are there. Reserving never fails for want of stock: a
line gets what is available, possibly nothing.

Every change of what is available marks the products (and variations) concerned for re-sync in
the stores that show the department's stock (stores.sync.mark_stock), in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from backroom.companies.errors import WrongCompany
from backroom.companies.selectors import require_in_company, require_member
from backroom.companies.services import lock_document_counters, next_document_number
from backroom.core.numbers import QUANTITY_DECIMAL_PLACES, QUANTITY_MAX_DIGITS, quantize_quantity
from backroom.inventory.errors import (
    DocumentAlreadyCompleted,
    DocumentNotCompleted,
    EmptyDocument,
    InsufficientStock,
    InvalidQuantity,
    ShortLine,
)
from backroom.inventory.locks import ensure_stock_levels, lock_stock_levels
from backroom.inventory.models import Reservation, StockDocument, StockDocumentLine, StockLevel
from backroom.inventory.selectors import available_quantities
from backroom.stores.sync import mark_stock

if TYPE_CHECKING:  # catalog and orders sit above inventory: imported for types only
    from backroom.accounts.models import User
    from backroom.catalog.models import Product
    from backroom.companies.models import Company, Department
    from backroom.orders.models import OrderLine

_QUANTITY_LIMIT = Decimal(10) ** (QUANTITY_MAX_DIGITS - QUANTITY_DECIMAL_PLACES)
# Document kind -> the counter its numbers come from.
_COUNTER_KINDS = {kind: f"stock_document.{kind}" for kind in StockDocument.Kind.values}


def clean_quantity(value: object, *, product_id: int | None = None, allow_zero: bool) -> Decimal:
    """A quantity rounded to the stored precision, or InvalidQuantity if it is not a finite
    Decimal, is negative (or zero when not allowed) or does not fit the database column."""
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise InvalidQuantity(
            "A quantity must be a Decimal.", product_id=product_id, quantity=value
        )
    value = Decimal(value)
    if not value.is_finite() or abs(value) >= _QUANTITY_LIMIT:
        raise InvalidQuantity(
            "The quantity is out of range.", product_id=product_id, quantity=value
        )
    value = quantize_quantity(value)
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidQuantity(
            "The quantity must be above zero." if not allow_zero else "The quantity is negative.",
            product_id=product_id,
            quantity=value,
        )
    return value


def set_on_hand(
    *,
    department: Department,
    quantities: Mapping[Product, Decimal],
    user: User | None = None,
    note: str = "",
) -> list[StockDocument]:
    """Bring on-hand of each product in the department to the given figure, as stock documents
    would: one completed receipt for the increases and/or one completed write-off for the
    decreases, in that order. Returns the documents made; [] when every figure is already right,
    so running an import twice posts nothing the second time.

    A target below what is reserved raises InsufficientStock and changes nothing."""
    company = department.company
    targets: dict[Product, Decimal] = {}
    for product, quantity in quantities.items():
        require_in_company(company=company, product=product)
        targets[product] = clean_quantity(quantity, product_id=product.pk, allow_zero=True)
    if not targets:
        return []
    with transaction.atomic():
        lock_document_counters(company=company, kinds=_COUNTER_KINDS.values())
        ensure_stock_levels(
            department_id=department.pk,
            product_ids=[product.pk for product, target in targets.items() if target],
        )
        levels = lock_stock_levels(
            department_id=department.pk, product_ids=[product.pk for product in targets]
        )
        increases: list[tuple[Product, Decimal]] = []
        decreases: list[tuple[Product, Decimal]] = []
        for product, target in sorted(targets.items(), key=lambda item: item[0].pk):
            level = levels.get(product.pk)
            change = target - (level.on_hand if level else Decimal(0))
            if change > 0:
                increases.append((product, change))
            elif change < 0:
                decreases.append((product, -change))
        documents = []
        for kind, lines in (
            (StockDocument.Kind.RECEIPT, increases),
            (StockDocument.Kind.WRITE_OFF, decreases),
        ):
            if lines:
                documents.append(
                    create_stock_document(
                        company=company,
                        department=department,
                        kind=kind,
                        lines=lines,
                        user=user,
                        note=note,
                    )
                )
        return documents


def create_stock_document(
    *,
    company: Company,
    department: Department,
    kind: str,
    lines: Sequence[tuple[Product, Decimal]],
    user: User | None = None,
    note: str = "",
    complete: bool = True,
) -> StockDocument:
    """A receipt or write-off of `lines` in the department, numbered per company and kind;
    completed at once (moving on-hand) unless `complete` is False.

    Everything named must be `company`'s (WrongCompany otherwise); a write-off that is short
    raises InsufficientStock and leaves nothing behind, not even a used number."""
    if kind not in _COUNTER_KINDS:
        raise ValueError(f"Unknown stock document kind {kind!r}.")
    require_in_company(company=company, department=department)
    if user is not None:
        require_member(company=company, user=user)
    cleaned = []
    for product, quantity in lines:
        require_in_company(company=company, product=product)
        cleaned.append((product, clean_quantity(quantity, product_id=product.pk, allow_zero=False)))
    if not cleaned:
        raise EmptyDocument()
    with transaction.atomic():
        document = StockDocument.objects.create(
            company=company,
            department=department,
            kind=kind,
            number=next_document_number(company=company, kind=_COUNTER_KINDS[kind]),
            note=note,
            created_by=user,
        )
        StockDocumentLine.objects.bulk_create(
            StockDocumentLine(document=document, product=product, quantity=quantity)
            for product, quantity in cleaned
        )
        if complete:
            _post(document, sign=document.sign)
            document.is_completed = True
            document.completed_at = timezone.now()
            document.save(update_fields=["is_completed", "completed_at"])
    return document


def complete_stock_document(*, document: StockDocument, user: User | None = None) -> StockDocument:
    """Apply a draft document to on-hand. Completing a completed document raises
    DocumentAlreadyCompleted (checked under a lock on the document, so two clicks at once count
    once); a short write-off raises InsufficientStock."""
    return _set_completed(document=document, user=user, completed=True)


def uncomplete_stock_document(
    *, document: StockDocument, user: User | None = None
) -> StockDocument:
    """Undo a completed document's effect on on-hand and make it a draft again. Raises
    DocumentNotCompleted for a draft, InsufficientStock when the received units are no longer
    there to take back (sold, reserved or written off)."""
    return _set_completed(document=document, user=user, completed=False)


def _set_completed(*, document: StockDocument, user: User | None, completed: bool) -> StockDocument:
    if user is not None:
        require_member(company=document.company, user=user)
    with transaction.atomic():
        locked = StockDocument.objects.select_for_update().get(pk=document.pk)
        if locked.is_completed == completed:
            error = DocumentAlreadyCompleted if completed else DocumentNotCompleted
            raise error(document.pk)
        _post(locked, sign=locked.sign if completed else -locked.sign)
        locked.is_completed = completed
        locked.completed_at = timezone.now() if completed else None
        locked.save(update_fields=["is_completed", "completed_at"])
    document.is_completed = locked.is_completed
    document.completed_at = locked.completed_at
    return document


def _post(document: StockDocument, *, sign: int) -> None:
    """Move on-hand by the document's lines times `sign`, under row locks; a decrease must leave
    at least the reserved units on hand (InsufficientStock otherwise, nothing changed)."""
    changes: dict[int, Decimal] = defaultdict(Decimal)
    for product_id, quantity in document.lines.values_list("product_id", "quantity"):
        changes[product_id] += quantity
    if sign > 0:
        ensure_stock_levels(department_id=document.department_id, product_ids=changes)
    levels = lock_stock_levels(department_id=document.department_id, product_ids=changes)
    if sign < 0:
        _check_can_take(document, changes)
    updated = []
    for product_id, quantity in changes.items():
        level = levels[product_id]
        level.on_hand = level.on_hand + sign * quantity
        updated.append(level)
    StockLevel.objects.bulk_update(updated, ["on_hand"], batch_size=500)
    lines = StockDocumentLine.objects.filter(document_id=document.pk)
    mark_stock(
        company_id=document.company_id,
        changes={document.department_id: lines.values("product_id")},
    )


def _check_can_take(document: StockDocument, changes: Mapping[int, Decimal]) -> None:
    available = available_quantities(
        company=document.company, products=changes, departments=[document.department_id]
    )
    short = [
        ShortLine(
            product_id=product_id,
            department_id=document.department_id,
            available=available[(product_id, document.department_id)],
            requested=quantity,
        )
        for product_id, quantity in sorted(changes.items())
        if available[(product_id, document.department_id)] < quantity
    ]
    if short:
        raise InsufficientStock(short)


def reserve_order_lines(
    *, lines: Sequence[tuple[OrderLine, Decimal]], department: Department
) -> dict[int, Decimal]:
    """Hold units in the department for order lines: each line gets what it wants, or what is
    available if that is less (possibly nothing), never more. A line's earlier reservation is
    replaced. Returns line id -> units now reserved.

    Safe under concurrency: the on-hand rows are locked in product order and availability is
    read again under the lock, so two orders never hold the same unit and never deadlock."""
    wanted: dict[int, Decimal] = {}
    for line, quantity in lines:
        if line.pk in wanted:
            raise ValueError(f"Order line {line.pk} is given twice.")
        wanted[line.pk] = clean_quantity(quantity, product_id=line.product_id, allow_zero=True)
        if wanted[line.pk] > line.quantity:
            raise InvalidQuantity(
                f"Order line {line.pk} cannot reserve more than its {line.quantity} units.",
                product_id=line.product_id,
                quantity=quantity,
            )
    if not lines:
        return {}
    order_lines = [line for line, _ in lines]
    with transaction.atomic():
        _require_lines_in_company(order_lines, company_id=department.company_id)
        product_ids = sorted({line.product_id for line in order_lines})
        lock_stock_levels(department_id=department.pk, product_ids=product_ids)
        earlier = Reservation.objects.filter(order_line_id__in=wanted)
        before = list(earlier.values_list("product_id", "department_id", "quantity"))
        earlier.delete()
        available = available_quantities(
            company=department.company, products=product_ids, departments=[department.pk]
        )
        reservations = []
        reserved: dict[int, Decimal] = {}
        for line in order_lines:
            key = (line.product_id, department.pk)
            reserved[line.pk] = min(wanted[line.pk], max(available[key], Decimal(0)))
            available[key] -= reserved[line.pk]
            if reserved[line.pk]:
                reservations.append(
                    Reservation(
                        order_line=line,
                        product_id=line.product_id,
                        department=department,
                        quantity=reserved[line.pk],
                    )
                )
        Reservation.objects.bulk_create(reservations)
        after = [(row.product_id, row.department_id, row.quantity) for row in reservations]
        _mark_reserved(company_id=department.company_id, before=before, after=after)
    _cache_reservations(order_lines, reservations)
    return reserved


def release_reservations(*, lines: Iterable[OrderLine]) -> int:
    """Give back every unit held for `lines`; returns how many reservations ended."""
    order_lines = list(lines)
    held = Reservation.objects.filter(order_line__in=[line.pk for line in order_lines])
    released: dict[int, list[tuple[int, int, Decimal]]] = defaultdict(list)
    for *row, company_id in held.values_list(
        "product_id", "department_id", "quantity", "department__company_id"
    ):
        released[company_id].append(tuple(row))
    deleted = 0
    if released:
        with transaction.atomic():
            deleted, _ = held.delete()
            for company_id, rows in released.items():
                _mark_reserved(company_id=company_id, before=rows, after=[])
    _cache_reservations(order_lines, [])
    return deleted


def _mark_reserved(
    *,
    company_id: int,
    before: Iterable[tuple[int, int, Decimal]],
    after: Iterable[tuple[int, int, Decimal]],
) -> None:
    """Mark the products whose reserved total in a department changed, as (product id,
    department id, quantity) rows held before and after: re-reserving what was held changes
    nothing a store shows, and marks nothing."""
    held: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for product_id, department_id, quantity in before:
        held[(product_id, department_id)] -= quantity
    for product_id, department_id, quantity in after:
        held[(product_id, department_id)] += quantity
    changed: dict[int, list[int]] = defaultdict(list)
    for (product_id, department_id), difference in held.items():
        if difference:
            changed[department_id].append(product_id)
    mark_stock(company_id=company_id, changes=changed)


def _require_lines_in_company(lines: Sequence[OrderLine], *, company_id: int) -> None:
    """One query: the company of every line's order must be the department's."""
    line_model = type(lines[0])
    companies = dict(
        line_model.objects.filter(pk__in=[line.pk for line in lines]).values_list(
            "pk", "order__company_id"
        )
    )
    for line in lines:
        if companies.get(line.pk) != company_id:
            raise WrongCompany(
                field="lines", company_id=company_id, object_company_id=companies.get(line.pk)
            )


def _cache_reservations(lines: Iterable[OrderLine], reservations: Iterable[Reservation]) -> None:
    """Keep `line.reserved_quantity` true after a change, without another query."""
    by_line = {reservation.order_line_id: reservation for reservation in reservations}
    for line in lines:
        line._meta.get_field("reservation").set_cached_value(line, by_line.get(line.pk))
