"""Customers (counterparties) and the normalised keys they are matched on."""

from django.db import models
from django.db.models import Q


class Customer(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="customers"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=500)
    email = models.CharField(max_length=320, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    email_normalized = models.CharField(max_length=320, blank=True, editable=False, db_index=True)
    phone_normalized = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    store = models.ForeignKey(
        "stores.Store",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The online store this customer first came from.",
    )
    store_customer_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The customer's id in that store (WooCommerce customer id).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "store_customer_id"],
                condition=Q(store__isnull=False, store_customer_id__isnull=False),
                name="customer_store_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from backroom.customers.normalize import normalize_email, normalize_phone

        self.email_normalized = normalize_email(self.email)
        self.phone_normalized = normalize_phone(self.phone, region=self.company.country or None)
        super().save(*args, **kwargs)
