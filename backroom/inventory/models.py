"""Stock: documents that move it, on-hand per product and department, reservations.

On-hand changes only when a stock document is completed or un-completed
(inventory.services). A reservation belongs to an order line and holds units of one product in
one department; available = on-hand - reservations (inventory.selectors.available_quantities).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from backroom.core.numbers import QUANTITY_DECIMAL_PLACES, QUANTITY_MAX_DIGITS


def quantity_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(
        max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES, **kwargs
    )


class StockLevel(models.Model):
    """On-hand quantity of a product in a department. The row is what concurrent writers lock."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="stock_levels"
    )
    department = models.ForeignKey(
        "companies.Department", on_delete=models.CASCADE, related_name="+"
    )
    on_hand = quantity_field(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "department"], name="stock_level_unique"),
            # The services keep on-hand at or above the reserved units; the database backs it.
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_level_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.on_hand} of product {self.product_id} in department {self.department_id}"


class StockDocument(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        WRITE_OFF = "write_off", "Write-off"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="stock_documents"
    )
    department = models.ForeignKey(
        "companies.Department", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    number = models.PositiveBigIntegerField()
    is_completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "number"], name="stock_document_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def sign(self) -> int:
        """How a completed document moves on-hand: receipts add, write-offs subtract."""
        return 1 if self.kind == self.Kind.RECEIPT else -1


class StockDocumentLine(models.Model):
    document = models.ForeignKey(StockDocument, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    quantity = quantity_field()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stock_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of product {self.product_id}"


class Reservation(models.Model):
    """Units of one product in one department held for an order line. Releasing deletes it."""

    order_line = models.OneToOneField(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="reservation"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "companies.Department", on_delete=models.CASCADE, related_name="+"
    )
    quantity = quantity_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["product", "department"], name="reservation_product_dept")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="reservation_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of product {self.product_id} for order line {self.order_line_id}"
