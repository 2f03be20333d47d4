"""The Django admin, scoped to the signed-in user's account.

Every ModelAdmin of Backroom derives from `AccountScopedAdmin` (inlines from
`AccountScopedInline`), which

- lists and opens only the rows of the user's account, and of the companies where the user's
  roles allow viewing that kind of document (another account's id gives "not found");
- offers in every select only rows of the user's account, so a foreign id posted in a form is
  rejected by the form, and rejects a row that ties together two companies;
- answers Django's has_*_permission from Backroom's own codes (accounts.permissions): the
  model's `document` decides the kind, the object's company decides own / all companies;
- never lets a new row land in a company where the user may not create it, and never moves a
  saved row to another company or account (those fields are read-only once saved).

Superusers are installation operators: they see every account, as in plain Django admin, and
still cannot tie rows of two companies together. Models that belong to an account but to no
company (users, roles, memberships, the account) have `document = None` and are for the
account's owners.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from backroom.accounts.permissions import company_ids_for, has_permission
from backroom.accounts.selectors import account_id_of
from backroom.accounts.tenancy import (
    company_id_of,
    company_path,
    is_company_scoped,
    is_tenant_model,
    scope_to_account,
    scope_to_companies,
)

admin.site.site_header = "Backroom administration"
admin.site.site_title = "Backroom"
admin.site.index_title = "Back office"

ACCOUNT_FIELD = "account"


def tenant_field(model: type[Model]) -> str | None:
    """The field that places a row of `model` in its company (or, for a company, in its
    account): `company`, `attribute` for a term, `product` for a price. Read-only once saved."""
    if model._meta.label_lower == "companies.company":
        return ACCOUNT_FIELD
    path = company_path(model) if is_tenant_model(model) else None
    if path is None:
        return ACCOUNT_FIELD if _has_field(model, ACCOUNT_FIELD) else None
    return path.split("__")[0]


def _has_field(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.fields)


def _is_operator(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


def _account_company_ids(request: HttpRequest) -> frozenset[int]:
    """The ids of the companies of the user's account; one query per request."""
    cached = getattr(request, "_backroom_company_ids", None)
    if cached is None:
        from backroom.companies.models import Company

        account_id = account_id_of(request.user)
        cached = frozenset(
            Company.objects.filter(account_id=account_id).values_list("pk", flat=True)
            if account_id
            else ()
        )
        request._backroom_company_ids = cached
    return cached


def _company_ids_for_any(request: HttpRequest, document: str, actions: tuple[str, ...]):
    """Companies where the user may do any of `actions` (None: every company of the account)."""
    ids: set[int] = set()
    for action in actions:
        allowed = company_ids_for(request.user, document, action)
        if allowed is None:
            return None
        ids.update(allowed)
    return sorted(ids)


def limit_to_account(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """The choices a select may offer this user: rows of the user's account (everything for an
    operator; models outside any account, if any, as they are)."""
    if _is_operator(request) or not is_tenant_model(queryset.model):
        return queryset
    queryset = scope_to_account(account_id=account_id_of(request.user), queryset=queryset)
    if queryset.model._meta.label_lower == "accounts.user":
        queryset = queryset.filter(is_superuser=False)
    return queryset


class ScopedFormMixin:
    """Form checks that no select can bypass.

    The admin sets `backroom_user`, `backroom_document` (None for inlines, whose parent is
    checked) and `backroom_account_id` on the form class it builds for each request."""

    backroom_user = None
    backroom_document: str | None = None
    backroom_account_id: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        if (
            self.backroom_account_id
            and self.instance._state.adding
            and _has_field(model, ACCOUNT_FIELD)
            and ACCOUNT_FIELD not in self.fields
        ):
            self.instance.account_id = self.backroom_account_id

    def _get_validation_exclusions(self):
        """Keep the tenant field in model validation even when it is not on the form (read-only
        once saved, set by the admin when new): the unique constraints "per company" include
        it, and skipping them would turn a duplicate into a database error."""
        exclude = super()._get_validation_exclusions()
        model = self._meta.model
        for name in {ACCOUNT_FIELD, tenant_field(model)} - {None}:
            if (
                name in exclude
                and name not in self._errors
                and _has_field(model, name)
                and getattr(self.instance, f"{name}_id", None) is not None
            ):
                exclude.discard(name)
        return exclude

    def _update_errors(self, errors):
        """Errors about fields that are not on the form go to the form as a whole."""
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                key = (
                    field if field in self.fields or field == NON_FIELD_ERRORS else NON_FIELD_ERRORS
                )
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        company_id = company_id_of(self.instance) if is_company_scoped(self._meta.model) else None
        if company_id is None:
            return
        self._check_same_company(company_id)
        self._check_may_write(company_id)

    def _check_same_company(self, company_id: int) -> None:
        """Every row this one points to must be of the same company."""
        skip = tenant_field(self._meta.model)
        for name, field in self.fields.items():
            if name == skip or name in self._errors or not hasattr(field, "queryset"):
                continue
            related = field.queryset.model
            if not is_company_scoped(related):
                continue
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            if isinstance(value, QuerySet):
                path = company_path(related)
                foreign = value.exclude(**{path: company_id}).exists()
            else:
                foreign = company_id_of(value) != company_id
            if foreign:
                self.add_error(name, "Choose rows of this document's company only.")

    def _check_may_write(self, company_id: int) -> None:
        """A row may be created or changed only in a company where the user's roles allow it."""
        user = self.backroom_user
        if self.backroom_document is None or user is None or user.is_superuser:
            return
        action = "create" if self.instance._state.adding else "edit"
        if not has_permission(user, self.backroom_document, action, company_id):
            field = tenant_field(self._meta.model)
            self.add_error(
                field if field in self.fields else None,
                f"You may not {action} this kind of document in this company.",
            )


class ScopedModelForm(ScopedFormMixin, forms.ModelForm):
    pass


class _ScopedFieldsMixin:
    """Selects that offer only the user's account, for admins and inlines alike."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self.limit_choices(request, db_field, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self.limit_choices(request, db_field, field.queryset)
        return field

    def limit_choices(self, request: HttpRequest, db_field, queryset: QuerySet) -> QuerySet:
        """Rows of the user's account; a subclass may narrow further (call super first)."""
        return limit_to_account(request, queryset)

    def get_exclude(self, request, obj=None):
        """The account of a row is the user's own: set by the form, never chosen (operators
        choose it)."""
        exclude = list(super().get_exclude(request, obj) or ())
        if not _is_operator(request) and _has_field(self.model, ACCOUNT_FIELD):
            exclude.append(ACCOUNT_FIELD)
        return exclude or None

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not _is_operator(request) and ACCOUNT_FIELD in fields:
            fields.remove(ACCOUNT_FIELD)
        return fields

    def _prepare_form(self, request: HttpRequest, form_class, document: str | None):
        form_class.backroom_user = request.user
        form_class.backroom_document = document
        form_class.backroom_account_id = (
            None if _is_operator(request) else account_id_of(request.user)
        )
        return form_class


class AccountScopedAdmin(_ScopedFieldsMixin, admin.ModelAdmin):
    """A ModelAdmin that shows and writes only the signed-in user's account (see module doc).

    `document` is the permission kind (accounts.permissions.DOCUMENTS); None means the model
    belongs to the account as a whole and only owners manage it."""

    document: str | None = None
    form = ScopedModelForm

    # -- what the user sees ----------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_operator(request):
            return queryset
        queryset = scope_to_account(account_id=account_id_of(request.user), queryset=queryset)
        if self.document is not None:
            companies = _company_ids_for_any(request, self.document, ("view", "edit"))
            queryset = scope_to_companies(company_ids=companies, queryset=queryset)
        return queryset

    def get_list_filter(self, request):
        """Filters on related rows list only related rows of the listed rows: the plain filter
        would list every row in the database, other accounts' names included."""
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                field = self.model._meta.get_field(item)
                if field.is_relation:
                    item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        tenant = tenant_field(self.model)
        if obj is not None and tenant and _has_field(self.model, tenant) and tenant not in fields:
            fields.append(tenant)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return self._prepare_form(request, form, self.document)

    def limit_choices(self, request, db_field, queryset):
        """A new row's tenant field offers only companies (or parents in companies) where the
        user may create this kind of document."""
        queryset = super().limit_choices(request, db_field, queryset)
        if (
            self.document is not None
            and db_field.name == tenant_field(self.model)
            and not _is_operator(request)
            and is_company_scoped(queryset.model)
        ):
            queryset = scope_to_companies(
                company_ids=company_ids_for(request.user, self.document, "create"),
                queryset=queryset,
            )
        return queryset

    # -- what the user may do --------------------------------------------------------------

    def may(self, request: HttpRequest, action: str, obj: Model | None = None) -> bool:
        """May the user do `action` (view / create / edit / delete) on `obj`, or on some row
        of this model when `obj` is None?"""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        if self.document is None:
            return self._is_owner_of(request, obj)
        if obj is None:
            return has_permission(user, self.document, action)
        company_id = company_id_of(obj)
        if company_id not in _account_company_ids(request):
            return False
        return has_permission(user, self.document, action, company_id)

    def _is_owner_of(self, request: HttpRequest, obj: Model | None) -> bool:
        membership = getattr(request.user, "membership", None)
        if membership is None or not membership.is_owner:
            return False
        if obj is None:
            return True
        return scope_to_account(
            account_id=membership.account_id, queryset=type(obj)._default_manager.filter(pk=obj.pk)
        ).exists()

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.may(request, "view", obj) or self.may(request, "edit", obj)

    def has_add_permission(self, request):
        return self.may(request, "create")

    def has_change_permission(self, request, obj=None):
        return self.may(request, "edit", obj)

    def has_delete_permission(self, request, obj=None):
        return self.may(request, "delete", obj)

    # -- writes ----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Last check before the row is written: it is in the user's account."""
        self.require_in_account(request, obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The bulk "delete selected" action: refuse if any row is not the user's to delete
        (Django checks the rows' permission on the confirmation page; this is the backstop)."""
        if not _is_operator(request):
            if self.document is not None:
                allowed = company_ids_for(request.user, self.document, "delete")
                if allowed is not None:
                    path = company_path(self.model)
                    if queryset.exclude(**{f"{path}__in": allowed}).exists():
                        raise PermissionDenied
            elif not self._is_owner_of(request, None):
                raise PermissionDenied
        super().delete_queryset(request, queryset)

    def require_in_account(self, request: HttpRequest, obj: Model) -> None:
        if _is_operator(request):
            return
        if _has_field(type(obj), ACCOUNT_FIELD):
            in_account = obj.account_id == account_id_of(request.user)
        elif is_company_scoped(type(obj)):
            in_account = company_id_of(obj) in _account_company_ids(request)
        else:
            return
        if not in_account:
            raise PermissionDenied


class AccountScopedInline(_ScopedFieldsMixin, admin.options.InlineModelAdmin):
    """Rows edited inside their parent's page: viewing them needs the parent's view right,
    adding, changing or deleting them the right to edit the parent (to create it, on an add
    page)."""

    form = ScopedModelForm
    extra = 0

    def _parent_admin(self) -> AccountScopedAdmin:
        return self.admin_site.get_model_admin(self.parent_model)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        self._prepare_form(request, formset.form, None)
        return formset

    def _may_write(self, request, obj) -> bool:
        parent = self._parent_admin()
        return parent.may(request, "create") if obj is None else parent.may(request, "edit", obj)

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)


class ScopedTabularInline(AccountScopedInline):
    template = "admin/edit_inline/tabular.html"


class ScopedStackedInline(AccountScopedInline):
    template = "admin/edit_inline/stacked.html"


class ReadOnlyAdminMixin:
    """For rows that only services write (stock levels, reservations): list and look, never
    add, change or delete here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
