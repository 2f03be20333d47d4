"""Customer orders and their lines."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from backroom.core.numbers import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    QUANTITY_DECIMAL_PLACES,
    QUANTITY_MAX_DIGITS,
)


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class CustomerOrder(models.Model):
    class CustomerReason(models.TextChoices):
        """Why the order is on its customer: how an incoming buyer was matched, or not."""

        CHOSEN = "chosen", "Chosen by a user"
        STORE_CUSTOMER_ID = "store_customer_id", "Same customer id in the store"
        EMAIL = "email", "Same e-mail address"
        PHONE = "phone", "Same phone number"
        CREATED = "created", "New customer, created from the order"
        DEFAULT = "default", "Unknown buyer: the store's default customer"

    class Status(models.TextChoices):
        NEW = "new", "New"
        PROCESSING = "processing", "Processing"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Failed"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="orders"
    )
    number = models.PositiveBigIntegerField()
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    department = models.ForeignKey(
        "companies.Department", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    customer_reason = models.CharField(
        max_length=20, choices=CustomerReason.choices, default=CustomerReason.CHOSEN
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    store_status = models.CharField(
        max_length=16,
        choices=Status.choices,
        blank=True,
        help_text="The status the store gave the order last: a repeat changes the order's "
        "status only when the store's has changed.",
    )
    shipment_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    total = money_field(default=0)
    store = models.ForeignKey(
        "stores.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    store_order_id = models.BigIntegerField(null=True, blank=True)
    store_order_number = models.CharField(
        max_length=40, blank=True, help_text="The order's number as the store shows it."
    )
    store_created_at = models.DateTimeField(
        null=True, blank=True, help_text="When the order was placed in the store."
    )
    store_totals = models.JSONField(
        default=dict,
        blank=True,
        help_text="The store's own figures (total, tax, shipping, discount, lines), as texts.",
    )
    totals_mismatch = models.BooleanField(
        default=False, help_text="The store's line totals differ from the sum of the lines."
    )
    store_payload = models.JSONField(
        null=True, blank=True, help_text="The order exactly as the store sent it."
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], name="order_number_unique_per_company"
            ),
            models.UniqueConstraint(
                fields=["store", "store_order_id"],
                condition=Q(store__isnull=False, store_order_id__isnull=False),
                name="order_unique_per_store_order_id",
            ),
            models.CheckConstraint(
                condition=Q(store__isnull=True) | Q(store_order_id__isnull=False),
                name="order_from_store_has_store_id",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "store_created_at"], name="order_store_created"),
            models.Index(fields=["company", "status"], name="order_company_status"),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"


class OrderLine(models.Model):
    class ProductMatch(models.TextChoices):
        """How a store's line found its product."""

        CHOSEN = "chosen", "Chosen by a user"
        STORE_ID = "store_id", "The store's product or variation id"
        SKU = "sku", "The SKU"

    order = models.ForeignKey(CustomerOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=500, blank=True, help_text="The name as the order gave it.")
    quantity = models.DecimalField(
        max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES
    )
    price = money_field()
    total = money_field()
    product_match = models.CharField(
        max_length=8, choices=ProductMatch.choices, default=ProductMatch.CHOSEN
    )
    store_line_id = models.BigIntegerField(
        null=True, blank=True, help_text="The line's id in the store's order."
    )
    store_total = money_field(
        null=True, blank=True, help_text="The line's total as the store computed it."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name or self.product_id}"

    @property
    def reserved_quantity(self):
        """Units held for this line now (a reservation row exists only while units are held)."""
        from decimal import Decimal

        reservation = getattr(self, "reservation", None)
        return reservation.quantity if reservation else Decimal(0)
