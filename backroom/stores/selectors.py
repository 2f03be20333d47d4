"""Reads of online-store connections: the list, one document, its status, and what a store
carries.

The user-facing functions take the user first and see only the stores of companies where the
user's roles allow viewing them (accounts.selectors.scope_for_user). The `*_for store`
functions take a store the caller already holds (found for a user, or by its key).

What a store carries (design invariant 4, issue 3): a category when it is linked to the store
and marked as an online-store category; the products (not deleted) of those categories, and the
variations (not deleted) of those products, through the parent only; the attributes linked to
the store, and all their terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from backroom.accounts.models import User
from backroom.accounts.selectors import get_for_user, parse_id, scope_for_user
from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
    Term,
    TermTranslation,
)
from backroom.stores.journal import EndpointJournal, get_journal_summary
from backroom.stores.models import Store, SyncState

Kind = SyncState.Kind
DOCUMENT = "stores"
MAX_PAGE_SIZE = 100
SEARCH_MAX_LENGTH = 100

SORT_KEYS = {
    "name": Lower("name"),
    "language": F("language"),
    "is_let_sync": F("is_let_sync"),
    "creator": Lower("created_by__username"),
    "created": F("created_at"),
    "company": Lower("company__name"),
}
"""The list's sort columns; any other key sorts by name."""


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class StoreStatus:
    """What a store's status panel shows. `waiting` counts, per kind, the items the store
    carries that it has never been sent or has not confirmed since they changed. The other
    fields come from the store-API journal (stores.journal): the last orders sync is the
    store's last accepted post of orders, which it sends every minute, orders or not."""

    waiting: dict[str, int]
    last_call_at: datetime | None = None
    last_catalog_sync_at: datetime | None = None
    last_orders_sync_at: datetime | None = None
    recent_errors: tuple[str, ...] = field(default_factory=tuple)
    calls: tuple[EndpointJournal, ...] = field(default_factory=tuple)


# -- for users ---------------------------------------------------------------------------------


def list_stores(
    *,
    user: User,
    search: str = "",
    company_id: object = None,
    sort: str = "name",
    descending: bool = False,
    page: object = 1,
    page_size: object = 25,
    deleted: bool = False,
) -> Page:
    """One page of the stores the user may view: live ones, or with `deleted` only deleted
    ones; `search` in the name or the language (case-insensitive); `company_id` one company.
    Unknown sort keys sort by name and pages out of range give the nearest page, so no
    parameter sent by a browser can fail. Two queries, whatever the page holds."""
    stores = scope_for_user(user=user, queryset=Store.objects.all(), document=DOCUMENT)
    stores = stores.filter(is_deleted=bool(deleted))
    search = _search_text(search)
    if search:
        stores = stores.filter(Q(name__icontains=search) | Q(language__icontains=search))
    if company_id not in (None, ""):
        parsed = parse_id(company_id)
        stores = stores.filter(company_id=parsed) if parsed else stores.none()
    size = min(max(_positive_int(page_size, 25), 1), MAX_PAGE_SIZE)
    total = stores.count()
    pages = max(1, ceil(total / size))
    number = min(_positive_int(page, 1), pages)
    key = SORT_KEYS.get(sort, SORT_KEYS["name"]) if isinstance(sort, str) else SORT_KEYS["name"]
    order = [key.desc(), F("pk").desc()] if descending else [key.asc(), F("pk").asc()]
    items = list(
        stores.select_related("company", "created_by").order_by(*order)[
            (number - 1) * size : number * size
        ]
    )
    return Page(items=items, total=total, page=number, pages=pages)


def get_store(*, user: User, store_id: object, action: str = "view") -> Store:
    """The store if the user may do `action` on it; NotFound otherwise (missing, another
    account's, or a company the user may not see or act in)."""
    return get_for_user(
        user=user,
        queryset=Store.objects.select_related(
            "company",
            "regular_price_type",
            "sale_price_type",
            "orders_department",
            "order_creator",
            "default_customer",
            "created_by",
            "changed_by",
        ),
        pk=store_id,
        document=DOCUMENT,
        action=action,
    )


# -- for a store -------------------------------------------------------------------------------


def store_status(*, store: Store) -> StoreStatus:
    """The status panel's figures: one count query per kind, two for the store-API journal
    (stores.journal: last call, end of the last catalog cycle, recent errors, calls per
    endpoint)."""
    carried = {
        Kind.CATEGORY: carried_categories(store=store),
        Kind.ATTRIBUTE: carried_attributes(store=store),
        Kind.TERM: carried_terms(store=store),
        Kind.PRODUCT: carried_products(store=store),
        Kind.VARIATION: carried_variations(store=store),
    }
    waiting = {
        str(kind): waiting_items(store=store, kind=kind, items=items).count()
        for kind, items in carried.items()
    }
    calls = get_journal_summary(store=store)
    return StoreStatus(
        waiting=waiting,
        last_call_at=calls.last_call_at,
        last_catalog_sync_at=calls.last_catalog_sync_at,
        last_orders_sync_at=calls.last_orders_sync_at,
        recent_errors=calls.recent_errors,
        calls=calls.endpoints,
    )


def carried_categories(*, store: Store) -> QuerySet[Category]:
    return Category.objects.filter(stores=store, is_store_category=True)


def carried_attributes(*, store: Store) -> QuerySet[Attribute]:
    return Attribute.objects.filter(stores=store)


def carried_terms(*, store: Store) -> QuerySet[Term]:
    return Term.objects.filter(attribute__stores=store)


def carried_products(*, store: Store) -> QuerySet[Product]:
    """Simple and variable products (not deleted) in at least one carried category."""
    in_carried = Product.categories.through.objects.filter(
        product_id=OuterRef("pk"),
        category__stores=store,
        category__is_store_category=True,
    )
    return Product.objects.filter(
        company_id=store.company_id, parent__isnull=True, is_deleted=False
    ).filter(Exists(in_carried))


def carried_variations(*, store: Store) -> QuerySet[Product]:
    """Variations (not deleted) of carried products: a variation follows its parent, never
    its own categories."""
    return variations_of(parents=carried_products(store=store).values("pk")).filter(
        company_id=store.company_id
    )


def variations_of(*, parents: QuerySet | Iterable[int]) -> QuerySet[Product]:
    """The variations (not deleted) of the given products: of carried ones, those a store
    carries."""
    return Product.objects.filter(type=Product.Type.VARIATION, is_deleted=False, parent__in=parents)


def waiting_items(*, store: Store, kind: str, items: QuerySet) -> QuerySet:
    """Those of `items` (of `kind`) that the store is to be sent: never sent, or changed since
    it confirmed them (design invariant 4)."""
    return items.exclude(pk__in=_confirmed(store=store, kind=kind))


def carried_category_ids(*, store: Store) -> set[int]:
    return set(carried_categories(store=store).values_list("pk", flat=True))


def carried_product_ids(*, store: Store) -> set[int]:
    return set(carried_products(store=store).values_list("pk", flat=True))


def list_store_categories(*, store: Store) -> QuerySet[Category]:
    """The categories of the store's company, each with `is_linked` (linked to this store) and
    `is_carried` (linked and marked as an online-store category): the rows of the link screen."""
    linked = Store.categories.through.objects.filter(store_id=store.pk, category_id=OuterRef("pk"))
    return (
        Category.objects.filter(company_id=store.company_id)
        .annotate(is_linked=Exists(linked))
        .annotate(is_carried=Q(is_linked=True) & Q(is_store_category=True))
        .order_by("menu_order", "name", "pk")
    )


def list_store_attributes(*, store: Store) -> QuerySet[Attribute]:
    """The attributes of the store's company, each with `is_linked` to this store."""
    linked = Store.attributes.through.objects.filter(store_id=store.pk, attribute_id=OuterRef("pk"))
    return (
        Attribute.objects.filter(company_id=store.company_id)
        .annotate(is_linked=Exists(linked))
        .order_by("menu_order", "name", "pk")
    )


def list_missing_translations(*, store: Store) -> dict[str, list]:
    """What the store carries that has no name in its language yet, per kind (category,
    attribute, term, product), in each kind's own order. Nothing is missing when the store's
    language is the company's: the base texts are in it. (An item shows its base text until
    translated; other empty fields fall back to the base text and are not listed.)"""
    kinds = (Kind.CATEGORY, Kind.ATTRIBUTE, Kind.TERM, Kind.PRODUCT)
    language = store.language.upper()
    if language == store.company.language.upper():
        return {str(kind): [] for kind in kinds}
    translated = {
        Kind.CATEGORY: CategoryTranslation.objects.values("category_id"),
        Kind.ATTRIBUTE: AttributeTranslation.objects.values("attribute_id"),
        Kind.TERM: TermTranslation.objects.values("term_id"),
        Kind.PRODUCT: ProductTranslation.objects.values("product_id"),
    }
    carried = {
        Kind.CATEGORY: carried_categories(store=store),
        Kind.ATTRIBUTE: carried_attributes(store=store),
        Kind.TERM: carried_terms(store=store).select_related("attribute"),
        Kind.PRODUCT: carried_products(store=store),
    }
    return {
        str(kind): list(
            carried[kind].exclude(
                pk__in=translated[kind].filter(language=language).exclude(name="")
            )
        )
        for kind in kinds
    }


# -- helpers -----------------------------------------------------------------------------------


def _confirmed(*, store: Store, kind: str) -> QuerySet:
    """Ids of items of `kind` the store has confirmed in their current version."""
    return SyncState.objects.filter(
        store=store, kind=kind, version__lte=F("confirmed_version")
    ).values("item_id")


def _search_text(value: object) -> str:
    """The search as a filter may use it: text, trimmed, without NUL (PostgreSQL refuses it),
    cut to a sane length."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]


def _positive_int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value if value > 0 else default
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value) or default
    return default


STORE_API_PATH = "/api/public/woo_v3"


def store_api_url() -> str:
    """The "Store API address" to enter in the plugin: BACKROOM_PUBLIC_URL and the woo_v3 path."""
    return settings.BACKROOM_PUBLIC_URL.rstrip("/") + STORE_API_PATH
