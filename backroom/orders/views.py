"""Screens of customer orders: the list (filters by store and status, search, paging, all of it
in the query string) and the order page (lines, reservations, why this customer, where the
order came from, the store's own figures and payload).

Views hold no rules: they read through orders.selectors, turn NotFound into the one 404
(missing and foreign ids alike) and a missing "orders: view" permission into a 403 that says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from backroom.accounts.errors import NotAllowed
from backroom.accounts.permissions import has_permission
from backroom.accounts.selectors import parse_id
from backroom.orders import selectors
from backroom.orders.intake import CLOSING_STATUSES
from backroom.orders.models import CustomerOrder
from backroom.stores import order_intake
from backroom.web.responses import pager_links, query_string, screen_of

DOCUMENT = "orders"
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
NOT_FROM_A_STORE = "none"
"""The store filter's value for the orders entered in Backroom (not from any store)."""
PAYLOAD_SHOWN_MAX = 200_000
"""Characters of the store's payload shown on the page; a longer one is cut (with a note)."""

STORE_TOTAL_LABELS = {
    "total": "Total (what the buyer paid)",
    "total_tax": "Total tax",
    "shipping_total": "Shipping",
    "shipping_tax": "Shipping tax",
    "discount_total": "Discount",
    "discount_tax": "Discount tax",
    "cart_tax": "Cart tax",
    "fee_total": "Fees",
    "lines_total": "Lines (the store's sum)",
}
"""The store's figures kept with an order (orders.intake), in the order they are shown."""

ADDRESS_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "address_1": "Address",
    "address_2": "Address (2)",
    "city": "City",
    "state": "State",
    "postcode": "Postcode",
    "country": "Country",
    "email": "E-mail",
    "phone": "Phone",
}


screen = screen_of(
    what="customer order",
    back="orders:list",
    reason=lambda error: "Your roles do not let you view customer orders.",
)


def _require_view(request: HttpRequest) -> None:
    if not has_permission(request.user, DOCUMENT, "view"):
        raise NotAllowed(document=DOCUMENT, action="view")


# -- the list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListState:
    """The list's state, all of it in the query string, so a link or a reload shows the same
    rows. Anything unreadable falls back to the default instead of failing."""

    search: str = ""
    store_id: int | None = None
    not_from_a_store: bool = False
    """`store=none`: only the orders entered in Backroom."""
    status: str = ""
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def read(cls, params: QueryDict) -> ListState:
        size = parse_id(params.get("size", ""))
        status = params.get("status", "")
        store = params.get("store", "")
        return cls(
            search=params.get("q", "")[: selectors.SEARCH_MAX_LENGTH],
            store_id=parse_id(store),
            not_from_a_store=store == NOT_FROM_A_STORE,
            status=status if status in CustomerOrder.Status.values else "",
            page=min(parse_id(params.get("page", "")) or 1, 10**9),
            size=size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        )

    def params(self, **changes) -> str:
        """The query string of this state with `changes`; defaults are left out."""
        values = {
            "q": self.search,
            "store": NOT_FROM_A_STORE if self.not_from_a_store else self.store_id or "",
            "status": self.status,
            "page": self.page,
            "size": self.size,
        }
        values.update(changes)
        return query_string(values, defaults={"page": 1, "size": DEFAULT_PAGE_SIZE})


@screen
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    state = ListState.read(request.GET)
    stores = list(selectors.list_order_stores(user=request.user))
    if state.store_id not in {store.pk for store in stores}:
        # A store that is not among the choices (gone, or never the user's): show what the
        # filter then says, every order.
        state = replace(state, store_id=None)
    page = selectors.list_orders(
        user=request.user,
        store_id=state.store_id,
        not_from_a_store=state.not_from_a_store,
        status=state.status,
        search=state.search,
        page=state.page,
        page_size=state.size,
    )
    state = replace(state, page=page.page)
    held = order_intake.count_held_orders(stores=stores)
    companies = {store.company_id for store in stores}
    context = {
        "state": state,
        "page": page,
        "orders": page.items,
        "stores": stores,
        "show_store_company": len(companies) > 1,
        "statuses": CustomerOrder.Status.choices,
        "page_sizes": PAGE_SIZES,
        **pager_links(state.params, page=page.page, pages=page.pages),
        "not_from_a_store": NOT_FROM_A_STORE,
        "held": [
            (
                store,
                held[store.pk],
                has_permission(request.user, "stores", "view", store.company_id),
            )
            for store in stores
            if store.pk in held
        ],
        "filtered": bool(state.search or state.store_id or state.not_from_a_store or state.status),
    }
    return render(request, "orders/list.html", context)


# -- one order ----------------------------------------------------------------------------------


@screen
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    _require_view(request)
    order = selectors.get_order_for_user(user=request.user, order_id=order_id)
    lines = list(order.lines.all())
    # What auto-reserve could not hold for lack of stock: said, not left to subtraction.
    reserving = order.store is not None and order.store.auto_reserve
    reserving = reserving and order.status not in CLOSING_STATUSES
    context = {
        "order": order,
        "lines": [
            {
                "line": line,
                "quantity": _quantity(line.quantity),
                "reserved": _quantity(line.reserved_quantity),
                "short": _quantity(line.quantity - line.reserved_quantity) if reserving else "",
            }
            for line in lines
        ],
        "reservations": [
            {
                "product": line.product,
                "department": reservation.department,
                "quantity": _quantity(reservation.quantity),
                "since": reservation.created_at,
            }
            for line in lines
            if (reservation := getattr(line, "reservation", None)) is not None
        ],
        "store_totals": _store_totals(order.store_totals),
        "store_total": _store_total(order.store_totals),
        "lines_store_total": _lines_store_total(lines),
        "billing": _address_rows(order.billing_address),
        "shipping": _address_rows(order.shipping_address),
        "payload": _pretty_payload(order.store_payload),
        "may_view_store": order.store is not None
        and has_permission(request.user, "stores", "view", order.company_id),
    }
    return render(request, "orders/detail.html", context)


def _quantity(value: Decimal) -> str:
    """A quantity without the stored trailing zeros and never in exponent form: 2, 1.5."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _store_totals(figures: object) -> list[tuple[str, str]]:
    """The store's figures as (label, text), known ones first in a fixed order, then any
    other kept key as it is."""
    if not isinstance(figures, dict):
        return []
    known = [
        (label, str(figures[key])) for key, label in STORE_TOTAL_LABELS.items() if key in figures
    ]
    other = [
        (str(key), str(value)) for key, value in figures.items() if key not in STORE_TOTAL_LABELS
    ]
    return known + other


def _store_total(figures: object) -> str:
    """The store's own total of the order (what the buyer paid: lines, shipping, fees and tax),
    as the store wrote it; "" when it sent none."""
    total = figures.get("total") if isinstance(figures, dict) else None
    return "" if total in (None, "") else str(total)


def _lines_store_total(lines) -> Decimal | None:
    """The sum of the store's line totals over the lines that have one (what the mismatch flag
    compares with the sum of Backroom's line totals), or None when no line has one."""
    totals = [line.store_total for line in lines if line.store_total is not None]
    return sum(totals, Decimal(0)) if totals else None


def _address_rows(address: object) -> list[tuple[str, str]]:
    """An address snapshot as (label, text) rows: known fields in a fixed order, then any other
    key; empty values left out."""
    if not isinstance(address, dict):
        return []
    rows = [
        (label, str(address[key]))
        for key, label in ADDRESS_LABELS.items()
        if address.get(key) not in (None, "")
    ]
    rows += [
        (str(key).replace("_", " ").capitalize(), str(value))
        for key, value in address.items()
        if key not in ADDRESS_LABELS and value not in (None, "", [], {})
    ]
    return rows


def _pretty_payload(payload: object) -> dict[str, object] | None:
    """The store's payload as indented JSON text (the template escapes it), cut when huge."""
    if payload is None:
        return None
    text = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False)
    return {"text": text[:PAYLOAD_SHOWN_MAX], "cut": len(text) > PAYLOAD_SHOWN_MAX}
