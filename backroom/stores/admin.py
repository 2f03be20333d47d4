"""Admin for online-store connections. The connection's own screens (keys, sync state) belong to
the stores app; here the document's settings, within one company."""

from django.contrib import admin

from backroom.core.admin import AccountScopedAdmin
from backroom.stores.models import Store


@admin.register(Store)
class StoreAdmin(AccountScopedAdmin):
    document = "stores"
    list_display = (
        "name",
        "language",
        "company",
        "is_let_sync",
        "orders_department",
        "auto_reserve",
        "is_deleted",
    )
    list_select_related = ("company", "orders_department")
    list_filter = ("is_let_sync", "is_deleted", "language", "company")
    search_fields = ("name",)
    filter_horizontal = ("departments",)
    readonly_fields = ("created_by", "created_at", "changed_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
