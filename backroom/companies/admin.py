"""Admin for companies and their departments."""

from django.contrib import admin

from backroom.accounts.permissions import company_ids_for
from backroom.companies.models import Company, Department, DocumentCounter
from backroom.core.admin import AccountScopedAdmin, ReadOnlyAdminMixin


@admin.register(Company)
class CompanyAdmin(AccountScopedAdmin):
    document = "companies"
    list_display = ("name", "language", "country", "time_zone", "created_at")
    list_filter = ("language", "country")
    search_fields = ("name",)
    readonly_fields = ("created_at",)

    def has_add_permission(self, request):
        """A new company is nobody's own company yet: creating one needs "all companies"."""
        if request.user.is_active and request.user.is_superuser:
            return True
        return super().has_add_permission(request) and (
            company_ids_for(request.user, "companies", "create") is None
        )


@admin.register(Department)
class DepartmentAdmin(AccountScopedAdmin):
    document = "departments"
    list_display = ("name", "company", "address", "menu_order")
    list_select_related = ("company",)
    list_filter = ("company",)
    search_fields = ("name", "address")


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdminMixin, AccountScopedAdmin):
    """The last number given per kind of document; moved only by numbering services."""

    document = "companies"
    list_display = ("company", "kind", "last_number")
    list_select_related = ("company",)
    list_filter = ("kind",)
