"""How every model reaches its company and its account: the one table of paths.

Every business row belongs to a company and every company to an account (design.md,
invariant 1). Most models say so with a `company` foreign key; the others reach it through
their parent (a term through its attribute, an order line through its order). This module is
the only place that knows those paths; selectors and the admin scope querysets through it, and
a test checks that every model of the business apps has a path that ends at an account.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from backroom.accounts.errors import UnknownTenancy

# Models that belong to an account but to no company: path to the account.
ACCOUNT_PATHS: dict[str, str] = {
    "accounts.account": "pk",
    "accounts.role": "account",
    "accounts.membership": "account",
    "accounts.user": "membership__account",
    "accounts.apitoken": "user__membership__account",
}

# Models whose company is not their own `company` field: path to the company.
COMPANY_PATHS: dict[str, str] = {
    "companies.company": "pk",
    "catalog.term": "attribute__company",
    "catalog.productattribute": "product__company",
    "catalog.defaultattribute": "product__company",
    "catalog.variationattribute": "variation__company",
    "catalog.productimage": "product__company",
    "catalog.productprice": "product__company",
    "catalog.categorytranslation": "category__company",
    "catalog.attributetranslation": "attribute__company",
    "catalog.termtranslation": "term__attribute__company",
    "catalog.producttranslation": "product__company",
    "inventory.stocklevel": "product__company",
    "inventory.stockdocumentline": "document__company",
    "inventory.reservation": "order_line__order__company",
    "orders.orderline": "order__company",
    "stores.syncstate": "store__company",
    "stores.calljournal": "store__company",
    "stores.callerror": "store__company",
    "stores.heldorder": "store__company",
}


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _has_company_field(model: type[Model]) -> bool:
    field = next((f for f in model._meta.fields if f.name == "company"), None)
    return (
        field is not None
        and field.is_relation
        and _label(field.related_model) == "companies.company"
    )


def company_path(model: type[Model]) -> str | None:
    """The lookup from `model` to its company (`"company"`, `"attribute__company"`, `"pk"` for a
    company itself), or None for a model that belongs to an account but to no company."""
    label = _label(model)
    if label in ACCOUNT_PATHS:
        return None
    if label in COMPANY_PATHS:
        return COMPANY_PATHS[label]
    if _has_company_field(model):
        return "company"
    raise UnknownTenancy(f"{model._meta.label} has no known path to its company.")


def account_path(model: type[Model]) -> str:
    """The lookup from `model` to its account."""
    label = _label(model)
    if label in ACCOUNT_PATHS:
        return ACCOUNT_PATHS[label]
    path = company_path(model)
    return "account" if path == "pk" else f"{path}__account"


def is_company_scoped(model: type[Model]) -> bool:
    """Does `model` belong to a company (rather than to an account, or to nothing we know)?"""
    try:
        return company_path(model) is not None
    except UnknownTenancy:
        return False


def is_tenant_model(model: type[Model]) -> bool:
    """Does `model` belong to an account, directly or through a company?"""
    try:
        account_path(model)
    except UnknownTenancy:
        return False
    return True


def company_id_of(obj: Model) -> int | None:
    """The id of the company `obj` belongs to, walking its path on the object (loaded relations
    cost nothing; others cost a query each). None for account-level rows and rows whose parent
    is not set yet."""
    path = company_path(type(obj))
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    current: Model | None = obj
    for hop in hops:
        current = getattr(current, hop, None)
        if current is None:
            return None
    return getattr(current, f"{last}_id")


def scope_to_account(*, account_id: int | None, queryset: QuerySet) -> QuerySet:
    """Only the rows of `queryset` that belong to the account (none for `None`)."""
    if account_id is None:
        return queryset.none()
    return queryset.filter(**{account_path(queryset.model): account_id})


def scope_to_companies(*, company_ids: list[int] | None, queryset: QuerySet) -> QuerySet:
    """Only the rows of company-scoped `queryset` whose company is in `company_ids`; None leaves
    the queryset as it is (all companies, already scoped to one account by the caller)."""
    if company_ids is None:
        return queryset
    path = company_path(queryset.model)
    if path is None:
        raise UnknownTenancy(f"{queryset.model._meta.label} belongs to no company.")
    return queryset.filter(**{f"{path}__in": company_ids})
