"""Admin for customer orders: a read-mostly view. Orders are created by orders.services (from a
store or a screen) and cancelled by an action that releases their reservations; here one may
change only the shipment date and the note."""

from django.contrib import admin, messages

from backroom.core.admin import AccountScopedAdmin, ScopedTabularInline
from backroom.orders.errors import OrderError
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.orders.services import cancel_order


class OrderLineInline(ScopedTabularInline):
    model = OrderLine
    fields = ("product", "name", "quantity", "price", "total", "reserved_quantity")
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product", "reservation")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CustomerOrder)
class CustomerOrderAdmin(AccountScopedAdmin):
    document = "orders"
    inlines = (OrderLineInline,)
    list_display = (
        "number",
        "company",
        "customer",
        "department",
        "status",
        "shipment_date",
        "total",
        "store",
        "store_order_id",
        "created_at",
    )
    list_select_related = ("company", "customer", "department", "store")
    list_filter = ("status", "company", "store", "department")
    search_fields = ("=number", "=store_order_id", "customer__name", "customer__email")
    date_hierarchy = "created_at"
    actions = ("cancel_orders",)
    editable_fields = ("shipment_date", "note")

    def get_readonly_fields(self, request, obj=None):
        return [
            field.name
            for field in self.model._meta.fields
            if field.name not in self.editable_fields and field.name != "id"
        ]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Cancel the selected orders (releases their reservations)")
    def cancel_orders(self, request, queryset):
        for order in queryset.select_related("company").order_by("pk"):
            if not self.has_change_permission(request, order):
                messages.error(request, f"{order}: you may not change this order.")
                continue
            try:
                cancel_order(order=order)
            except OrderError as error:
                messages.error(request, f"{order}: {error}")
            else:
                messages.success(request, f"{order}: cancelled.")
