"""Admin for customers (counterparties)."""

from django.contrib import admin

from backroom.core.admin import AccountScopedAdmin
from backroom.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(AccountScopedAdmin):
    document = "customers"
    list_display = ("name", "kind", "email", "phone", "company", "store", "store_customer_id")
    list_select_related = ("company", "store")
    list_filter = ("kind", "company", "store")
    search_fields = ("name", "email", "phone", "email_normalized", "phone_normalized")
    readonly_fields = ("email_normalized", "phone_normalized", "created_at")
