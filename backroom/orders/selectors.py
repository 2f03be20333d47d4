"""Reads of customer orders, always scoped: to a company, a store, or what the signed-in user may
see (accounts.selectors.scope_for_user with the "orders" permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from backroom.accounts.selectors import get_for_user, scope_for_user
from backroom.customers.normalize import normalize_email
from backroom.orders.models import CustomerOrder, OrderLine

if TYPE_CHECKING:
    from backroom.accounts.models import User
    from backroom.companies.models import Company
    from backroom.stores.models import Store

Status = CustomerOrder.Status


def get_order(*, company: Company, order_id: int) -> CustomerOrder:
    """The company's order with its lines and their reservations (two queries);
    CustomerOrder.DoesNotExist alike for a missing and a foreign id."""
    lines = OrderLine.objects.select_related("product", "reservation")
    return CustomerOrder.objects.prefetch_related(Prefetch("lines", queryset=lines)).get(
        company=company, pk=order_id
    )


def find_store_order(*, store: Store, store_order_id: int) -> CustomerOrder | None:
    """The order that a store sent under its own id, if it has arrived before."""
    return CustomerOrder.objects.filter(store=store, store_order_id=store_order_id).first()


# -- for screens: what the signed-in user may see ----------------------------------------------

DOCUMENT = "orders"
MAX_PAGE_SIZE = 100
SEARCH_MAX_LENGTH = 100
BIGGEST_ID = 2**63 - 1
"""The largest whole number the databases store (a bigger one in a query fails on SQLite)."""


@dataclass(frozen=True)
class OrderPage:
    items: list[CustomerOrder]
    total: int
    page: int
    pages: int


def list_orders(
    *,
    user: User,
    store_id: int | None = None,
    not_from_a_store: bool = False,
    status: str = "",
    search: str = "",
    page: int = 1,
    page_size: int = 25,
) -> OrderPage:
    """One page of the orders the user may view, newest first (by when they were placed: the
    store's time for an order from a store, else when it was entered), with their customer and
    store. `store_id` (or `not_from_a_store`: only orders entered in Backroom) and `status`
    narrow it (an unknown status or a store the user cannot see gives no rows); `search` finds
    orders as _search_filter says. Pages out of range give the nearest page. Two queries,
    whatever the page holds."""
    orders = scope_for_user(user=user, queryset=CustomerOrder.objects.all(), document=DOCUMENT)
    if not_from_a_store:
        orders = orders.filter(store__isnull=True)
    elif store_id is not None:
        orders = orders.filter(store_id=store_id)
    if status:
        orders = orders.filter(status=status) if status in Status.values else orders.none()
    found = _search_filter(search)
    if found is not None:
        orders = orders.filter(found)
    size = min(max(page_size, 1), MAX_PAGE_SIZE)
    total = orders.count()
    pages = max(1, ceil(total / size))
    number = min(max(page, 1), pages)
    placed = Coalesce("store_created_at", "created_at")
    items = list(
        orders.select_related("customer", "store")
        .annotate(placed_at=placed)
        .order_by(F("placed_at").desc(), F("pk").desc())[(number - 1) * size : number * size]
    )
    return OrderPage(items=items, total=total, page=number, pages=pages)


def list_order_stores(*, user: User) -> QuerySet[Store]:
    """The stores whose orders the user may see (the list's store filter), deleted ones too:
    their orders stay."""
    from backroom.stores.models import Store

    return scope_for_user(
        user=user, queryset=Store.objects.select_related("company"), document=DOCUMENT
    ).order_by("name", "language", "id")


def get_order_for_user(*, user: User, order_id: object) -> CustomerOrder:
    """The order page's order: with its customer, store, department and creator, its lines with
    their products and reservations (three queries). NotFound alike for a missing id, another
    account's and a company whose orders the user may not view."""
    lines = OrderLine.objects.select_related(
        "product", "reservation", "reservation__department"
    ).order_by("pk")
    queryset = CustomerOrder.objects.select_related(
        "company", "customer", "store", "department", "created_by"
    ).prefetch_related(Prefetch("lines", queryset=lines))
    return get_for_user(user=user, queryset=queryset, pk=order_id, document=DOCUMENT)


def _search_filter(value: str) -> Q | None:
    """What the list's search box finds: the order number or the store's order id (whole),
    part of the store's order number, of the customer's name or e-mail address, or of the
    billing e-mail the store sent (the customer may have been found by another key, so theirs
    can differ), and the e-mail address as Backroom compares them (customers.normalize: case,
    spaces, full-width letters). "#459", as the list shows store orders, finds the store's
    order 459 and nothing else. None when there is nothing to search."""
    text = _search_text(value)
    search = text.lstrip("#").strip()
    if not search:
        return None
    if text.startswith("#"):
        exact = Q(store_order_number__iexact=search)
        if search.isascii() and search.isdigit() and int(search) <= BIGGEST_ID:
            exact |= Q(store_order_id=int(search))
        return exact
    found = (
        Q(customer__name__icontains=search)
        | Q(store_order_number__icontains=search)
        | Q(customer__email__icontains=search)
        | Q(billing_address__email__icontains=search)
    )
    email = normalize_email(search)
    if email:
        found |= Q(customer__email_normalized=email)
    # isascii: isdigit() also says yes to "²" and other digits that int() refuses.
    if search.isascii() and search.isdigit() and int(search) <= BIGGEST_ID:
        found |= Q(number=int(search)) | Q(store_order_id=int(search))
    return found


def _search_text(value: str) -> str:
    """Search text as a query may hold it: cut, without NUL (PostgreSQL refuses it in LIKE) or
    other control characters."""
    return "".join(c for c in value[:SEARCH_MAX_LENGTH] if c.isprintable()).strip()
