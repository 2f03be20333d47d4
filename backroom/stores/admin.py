"""Admin for online-store connections: a read-only view within the user's account.

A connection is created and edited on its own screens (Settings -> Online-stores), which apply
the document's rules through stores.services: the key, the allow-list, same-company references,
the account's limit, soft delete and restore, and the re-sync marks. Editing here would be a
second, weaker path to the same rows, so the admin only lists and shows them, links to the
document page, and never shows the key.
"""

import json

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from backroom.core.admin import AccountScopedAdmin, ReadOnlyAdminMixin
from backroom.stores.models import HeldOrder, Store


@admin.register(Store)
class StoreAdmin(ReadOnlyAdminMixin, AccountScopedAdmin):
    document = "stores"
    list_display = ("name", "language", "company", "is_let_sync", "is_deleted", "document_page")
    list_select_related = ("company",)
    list_filter = ("is_let_sync", "is_deleted", "language", "company")
    search_fields = ("name",)
    exclude = ("key_digest", "key_ciphertext", "categories", "attributes")

    @admin.display(description="Document")
    def document_page(self, store: Store) -> str:
        return format_html('<a href="{}">Open</a>', reverse("stores:detail", args=[store.pk]))


@admin.register(HeldOrder)
class HeldOrderAdmin(ReadOnlyAdminMixin, AccountScopedAdmin):
    """Orders a store sent that wait to be imported: shown, with the buyer's data, to who may
    view customer orders (as the order screens), never changed here. Trying again and
    discarding are on the connection page ("Orders" panel), through stores.order_intake, which
    checks the orders permissions and imports in one transaction."""

    document = "orders"
    list_display = (
        "store",
        "store_order_id",
        "store_created_at",
        "short_reason",
        "attempts",
        "held_at",
        "last_tried_at",
        "connection_page",
    )
    list_select_related = ("store",)
    list_filter = ("store",)
    search_fields = ("=store_order_id", "reason")
    date_hierarchy = "held_at"
    exclude = ("payload",)
    readonly_fields = ("pretty_payload",)

    @admin.display(description="Reason")
    def short_reason(self, held: HeldOrder) -> str:
        return held.reason if len(held.reason) <= 120 else f"{held.reason[:119]}…"

    @admin.display(description="Connection")
    def connection_page(self, held: HeldOrder) -> str:
        return format_html('<a href="{}">Open</a>', reverse("stores:detail", args=[held.store_id]))

    @admin.display(description="Payload (as the store sent it)")
    def pretty_payload(self, held: HeldOrder) -> str:
        text = json.dumps(held.payload, indent=2, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)
