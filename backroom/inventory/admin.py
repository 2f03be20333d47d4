"""Admin for stock: documents are drafted here and completed (or un-completed) by an action that
calls inventory.services; on-hand and reservations are shown, never edited."""

from django.contrib import admin, messages
from django.db import transaction

from backroom.core.admin import AccountScopedAdmin, ReadOnlyAdminMixin, ScopedTabularInline
from backroom.inventory.errors import InventoryError
from backroom.inventory.models import Reservation, StockDocument, StockDocumentLine, StockLevel
from backroom.inventory.services import (
    complete_stock_document,
    create_stock_document,
    uncomplete_stock_document,
)


def _acting_user(request):
    """The user a service records: operators outside any account act anonymously."""
    return request.user if getattr(request.user, "membership", None) else None


class StockDocumentLineInline(ScopedTabularInline):
    model = StockDocumentLine
    fields = ("product", "quantity")
    autocomplete_fields = ("product",)

    def get_min_num(self, request, obj=None, **kwargs):
        return 1

    def get_formset(self, request, obj=None, **kwargs):
        """A document needs a line: say so on the form rather than fail on save."""
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def _may_write(self, request, obj) -> bool:
        """A completed document's lines are what moved on-hand: they stay as they are."""
        if obj is not None and obj.is_completed:
            return False
        return super()._may_write(request, obj)


@admin.register(StockDocument)
class StockDocumentAdmin(AccountScopedAdmin):
    """A new document is saved as a draft through inventory.services.create_stock_document
    (which numbers it); completing it is an action, so on-hand moves only through the service."""

    document = "inventory"
    inlines = (StockDocumentLineInline,)
    list_display = (
        "number",
        "kind",
        "company",
        "department",
        "is_completed",
        "completed_at",
        "created_by",
        "created_at",
    )
    list_select_related = ("company", "department", "created_by")
    list_filter = ("kind", "is_completed", "company", "department")
    search_fields = ("=number", "note")
    fields = (
        "company",
        "kind",
        "department",
        "note",
        "number",
        "is_completed",
        "completed_at",
        "created_by",
        "created_at",
    )
    readonly_fields = ("number", "is_completed", "completed_at", "created_by", "created_at")
    actions = ("complete_documents", "uncomplete_documents")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("kind")  # the number came from this kind's sequence
            if obj.is_completed:
                fields += ["department", "note"]
        return fields

    def has_delete_permission(self, request, obj=None):
        """A completed document has moved on-hand: un-complete it first."""
        if obj is not None and obj.is_completed:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(is_completed=True).exists():
            messages.error(
                request, "Completed documents cannot be deleted; un-complete them first."
            )
            return
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        """Drafts already saved are plain rows; a new one waits for its lines (save_related)."""
        self.require_in_account(request, obj)
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        draft = form.instance
        lines = [
            (line_form.cleaned_data["product"], line_form.cleaned_data["quantity"])
            for formset in formsets
            for line_form in formset.forms
            if line_form.cleaned_data and not line_form.cleaned_data.get("DELETE")
        ]
        with transaction.atomic():
            created = create_stock_document(
                company=draft.company,
                department=draft.department,
                kind=draft.kind,
                lines=lines,
                user=_acting_user(request),
                note=draft.note,
                complete=False,
            )
        # The admin goes on with what it built (log entry, redirect): make it the saved rows.
        draft.pk, draft.number, draft.created_by_id = (
            created.pk,
            created.number,
            created.created_by_id,
        )
        draft.created_at = created.created_at
        draft._state.adding = False
        for formset in formsets:
            formset.new_objects = list(created.lines.all())
            formset.changed_objects, formset.deleted_objects = [], []

    @admin.action(description="Complete the selected documents (moves on-hand)")
    def complete_documents(self, request, queryset):
        self._apply(request, queryset, complete_stock_document, "completed")

    @admin.action(description="Un-complete the selected documents (takes their effect back)")
    def uncomplete_documents(self, request, queryset):
        self._apply(request, queryset, uncomplete_stock_document, "un-completed")

    def _apply(self, request, queryset, service, done: str) -> None:
        """Each document on its own: one that fails is reported and does not stop the others.
        Only documents the user may edit are touched."""
        for document in queryset.select_related("company").order_by("pk"):
            if not self.has_change_permission(request, document):
                messages.error(request, f"{document}: you may not change this document.")
                continue
            try:
                service(document=document, user=_acting_user(request))
            except InventoryError as error:
                messages.error(request, f"{document}: {error}")
            else:
                messages.success(request, f"{document}: {done}.")


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdminMixin, AccountScopedAdmin):
    """On-hand per product and department; it changes only when a stock document completes."""

    document = "inventory"
    list_display = ("product", "department", "on_hand")
    list_select_related = ("product", "department")
    list_filter = ("department",)
    search_fields = ("product__name", "product__sku")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdminMixin, AccountScopedAdmin):
    """Units held for order lines; made and released by orders and inventory services."""

    document = "inventory"
    list_display = ("product", "department", "quantity", "order", "created_at")
    list_select_related = ("product", "department", "order_line__order")
    list_filter = ("department",)
    search_fields = ("product__name", "product__sku")

    @admin.display(description="order", ordering="order_line__order__number")
    def order(self, reservation: Reservation):
        return reservation.order_line.order
