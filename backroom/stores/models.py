"""The online-store connection document: one per WooCommerce store and language."""

from django.conf import settings
from django.db import models

from backroom.companies.models import two_letters


class Store(models.Model):
    class IfCustomerNotFound(models.TextChoices):
        CREATE_NEW = "create_new", "Create a new customer"
        USE_DEFAULT = "use_default", "Use the default customer"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="stores"
    )
    name = models.CharField(max_length=250)
    language = models.CharField(max_length=2, validators=[two_letters])
    is_let_sync = models.BooleanField("connection allowed", default=True)
    regular_price_type = models.ForeignKey(
        "catalog.PriceType", on_delete=models.PROTECT, related_name="+"
    )
    sale_price_type = models.ForeignKey(
        "catalog.PriceType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    orders_department = models.ForeignKey(
        "companies.Department", on_delete=models.PROTECT, related_name="+"
    )
    order_creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    if_customer_not_found = models.CharField(
        max_length=11, choices=IfCustomerNotFound.choices, default=IfCustomerNotFound.CREATE_NEW
    )
    default_customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    days_to_shipment = models.PositiveSmallIntegerField(default=1)
    auto_reserve = models.BooleanField(default=False)
    departments = models.ManyToManyField("companies.Department", related_name="stores", blank=True)
    is_deleted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
