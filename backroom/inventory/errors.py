"""Errors of the inventory app, with stable codes and the data a caller needs to explain them."""

from dataclasses import dataclass
from decimal import Decimal


class InventoryError(Exception):
    code = "inventory_error"


@dataclass(frozen=True)
class ShortLine:
    """One product that a stock change could not take: `requested` units were to leave the
    department, `available` (on-hand minus reservations) could."""

    product_id: int
    department_id: int
    available: Decimal
    requested: Decimal


class InsufficientStock(InventoryError):
    """A write-off, or un-completing a receipt, would take on-hand below what is reserved (and so
    possibly below zero). Nothing was changed; `lines` lists every product that is short."""

    code = "insufficient_stock"

    def __init__(self, lines: list[ShortLine]):
        self.lines = lines
        short = ", ".join(
            f"product {line.product_id} in department {line.department_id}: "
            f"{line.requested} requested, {line.available} available"
            for line in lines
        )
        super().__init__(f"Not enough stock: {short}.")


class InvalidQuantity(InventoryError):
    """A quantity that is not a finite Decimal in the allowed range."""

    code = "invalid_quantity"

    def __init__(self, message: str, *, product_id: int | None = None, quantity: object = None):
        self.product_id = product_id
        self.quantity = quantity
        super().__init__(message)


class EmptyDocument(InventoryError):
    code = "empty_document"

    def __init__(self):
        super().__init__("A stock document needs at least one line.")


class DocumentAlreadyCompleted(InventoryError):
    code = "document_already_completed"

    def __init__(self, document_id: int):
        self.document_id = document_id
        super().__init__(f"Stock document {document_id} is already completed.")


class DocumentNotCompleted(InventoryError):
    code = "document_not_completed"

    def __init__(self, document_id: int):
        self.document_id = document_id
        super().__init__(f"Stock document {document_id} is not completed.")
