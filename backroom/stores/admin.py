"""Admin for online-store connections: a read-only view within the user's account.

A connection is created and edited on its own screens (Settings -> Online-stores), which apply
the document's rules through stores.services: the key, the allow-list, same-company references,
the account's limit, soft delete and restore, and the re-sync marks. Editing here would be a
second, weaker path to the same rows, so the admin only lists and shows them, links to the
document page, and never shows the key.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from backroom.core.admin import AccountScopedAdmin, ReadOnlyAdminMixin
from backroom.stores.models import Store


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
