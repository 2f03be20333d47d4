"""Admin for online-store connections, within the user's account.

The connection's own screens (key, links, translations) are the web app's. Here:
- the key never appears: its digest and ciphertext are not on the form, and there is no way to
  see or set a key (users allowed to edit the store generate and reveal it on its page);
- the allow-list is one address or range per line, parsed by stores.addresses (same rules and
  messages as everywhere);
- links to categories and attributes are left to the link screens (which keep the stores' ids
  and forget what is unlinked), and `is_deleted` to delete / restore (which check the limit);
- a new connection counts against the account's limit, and saving a change of language, price
  types or store departments marks the store's catalog for re-sync, as update_store does.
"""

from django import forms
from django.contrib import admin
from django.db.models import Model

from backroom.core.admin import AccountScopedAdmin, ScopedModelForm
from backroom.stores.addresses import parse_allowed_addresses
from backroom.stores.errors import StoreLimitReached
from backroom.stores.models import Store
from backroom.stores.services import check_store_limit
from backroom.stores.sync import mark_store_catalog

RESYNC_COLUMNS = ("language", "regular_price_type_id", "sale_price_type_id")


class AllowedAddressesField(forms.CharField):
    """The allow-list as text, one entry per line; cleaned to the normalised list."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(entry) for entry in value)
        return value

    def to_python(self, value):
        return parse_allowed_addresses(super().to_python(value))


class StoreAdminForm(ScopedModelForm):
    allowed_addresses = AllowedAddressesField(
        required=False,
        help_text="IPv4/IPv6 addresses and CIDR ranges the store may call from, one per line. "
        "With none, the store cannot call.",
    )

    class Meta:
        model = Store
        exclude = ("key_digest", "key_ciphertext", "categories", "attributes", "is_deleted")

    def clean(self):
        """A new connection must fit in the account's limit (checked again, under the account
        lock, when it is saved)."""
        cleaned = super().clean()
        company = cleaned.get("company")
        if self.instance._state.adding and company is not None:
            try:
                check_store_limit(account_id=company.account_id, adding=1, lock=False)
            except StoreLimitReached as error:
                self.add_error(None, str(error))
        return cleaned


@admin.register(Store)
class StoreAdmin(AccountScopedAdmin):
    document = "stores"
    form = StoreAdminForm
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
    readonly_fields = ("is_deleted", "created_by", "created_at", "changed_by", "changed_at")

    def save_model(self, request, obj: Store, form, change):
        if change:
            obj.changed_by = request.user
            old = Store.objects.filter(pk=obj.pk).values(*RESYNC_COLUMNS).first() or {}
            new = {column: getattr(obj, column) for column in RESYNC_COLUMNS}
            new["language"] = new["language"].upper()
            obj._backroom_resync = old != new
        else:
            obj.created_by = request.user
            check_store_limit(account_id=obj.company.account_id, adding=1)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        store = form.instance
        before = _department_ids(store) if change else None
        super().save_related(request, form, formsets, change)
        if change and (
            getattr(store, "_backroom_resync", False) or before != _department_ids(store)
        ):
            mark_store_catalog(store=store)


def _department_ids(store: Model) -> set[int]:
    return set(store.departments.values_list("pk", flat=True))
