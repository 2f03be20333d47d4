"""The connection page's "Orders" panel: the orders a store sent that could not be imported yet
(held orders), with "Try again" (one or all) and "Discard".

Who sees what: the panel shows to whoever may view the store (stores: view); trying again needs
"orders: create" on the store's company and discarding "orders: delete" (the services check
both, stores.order_intake; the buttons show only to those who may). The panel loads into the
document page with htmx; without JavaScript it is a page of its own, and every button works as
a plain form post (discarding asks on a page first).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from backroom.accounts.errors import NotAllowed, NotFound
from backroom.accounts.permissions import has_permission
from backroom.accounts.selectors import parse_id
from backroom.stores import order_intake, selectors
from backroom.stores.models import Store
from backroom.web.responses import screen_of

PANEL_ROWS = 50
"""Held orders listed in the panel (the oldest first); the rest are counted."""

REFUSALS = {
    ("orders", "create"): "Your roles do not let you create customer orders of this company, "
    "so you cannot import held orders.",
    ("orders", "delete"): "Your roles do not let you delete customer orders of this company, "
    "so you cannot discard held orders.",
}


def _refusal(error: NotAllowed) -> str:
    return REFUSALS.get(
        (error.document, error.action),
        "Your roles do not let you view online-store connections of this company.",
    )


held_screen = screen_of(what="online-store connection", back="stores:list", reason=_refusal)
"""NotFound (a store or held order the user cannot see) is the one 404; NotAllowed a 403 that
says which permission is missing."""


def _panel_context(request: HttpRequest, store: Store) -> dict[str, object]:
    held = order_intake.held_orders(store=store)
    user = request.user
    return {
        "store": store,
        "held": list(held[:PANEL_ROWS]),
        "held_total": held.count(),
        "may_retry": has_permission(user, "orders", "create", store.company_id),
        "may_discard": has_permission(user, "orders", "delete", store.company_id),
        "may_view_orders": has_permission(user, "orders", "view", store.company_id),
    }


def _panel(request: HttpRequest, store: Store, *, outcome: str = "") -> HttpResponse:
    """The panel as an htmx fragment, else the held orders' own page. The `outcome` of a
    button is written in the panel itself, above the table, not in a toast: a toast floats
    over the rows (over the last row's buttons) and toasts of quick clicks pile up, while the
    panel's line is replaced by the next answer."""
    context = _panel_context(request, store)
    if request.htmx:
        return render(request, "stores/_held_orders.html", {**context, "outcome": outcome})
    return render(request, "stores/held_orders.html", context)


def _after_a_button(request: HttpRequest, store: Store, outcome: str) -> HttpResponse:
    """htmx: the panel with the outcome; a plain post: back to the panel's page (so a reload
    does not post again), with the outcome as a message."""
    if request.htmx:
        return _panel(request, store, outcome=outcome)
    messages.success(request, outcome)
    return redirect("stores:held_orders", store_id=store.pk)


def _only_by_the_button(request: HttpRequest, store: Store, *, button: str) -> HttpResponse:
    """A retry or discard address opened in the browser (a GET): 405 as the method demands,
    with a sentence and a link instead of the browser's blank error page."""
    response = render(
        request,
        "stores/held_orders.html",
        {"store": store, "wrong_method": True, "button": button},
        status=405,
    )
    # Discard also answers a GET that names held orders (its question page).
    response["Allow"] = "POST" if button == "Try again" else "GET, POST"
    return response


def _held_ids(request: HttpRequest) -> list[int]:
    """The held orders named by the form (`held_id`, repeatable); NotFound for an id that
    cannot be one."""
    ids = [parse_id(value) for value in request.POST.getlist("held_id")[: PANEL_ROWS + 1]]
    if None in ids or len(ids) > PANEL_ROWS:
        raise NotFound(model="Held order")
    return ids


@held_screen
@require_GET
def held_orders(request: HttpRequest, store_id: int) -> HttpResponse:
    store = selectors.get_store(user=request.user, store_id=store_id)
    return _panel(request, store)


@held_screen
def held_orders_retry(request: HttpRequest, store_id: int) -> HttpResponse:
    """Try again the held orders named (`held_id`), or all of them when none is named."""
    store = selectors.get_store(user=request.user, store_id=store_id)
    if request.method != "POST":
        return _only_by_the_button(request, store, button="Try again")
    ids = _held_ids(request)
    # What is tried: the ids named, or the oldest held orders as the service takes them.
    tried = ids or list(
        order_intake.held_orders(store=store).values_list("pk", flat=True)[
            : order_intake.RETRIES_PER_CLICK
        ]
    )
    report = order_intake.retry_held_orders(
        user=request.user, store_id=store.pk, held_ids=ids or None
    )
    # A connection that cannot take orders tried nothing (the report's problem says why).
    refused = order_intake.orders_refusal(store=store) is not None
    still_held = order_intake.held_orders(store=store).filter(pk__in=tried).count()
    outcome = _retry_outcome(report, still_held=0 if refused else still_held)
    return _after_a_button(request, store, outcome)


def _retry_outcome(report: order_intake.BatchReport, *, still_held: int) -> str:
    """What became of the held orders tried (not of the store's others: the panel counts
    those), then the service's problems (ids no longer held, more than one click tries)."""
    tried = report.released + still_held
    if not tried:
        counts = "No held order was tried."
    else:
        counts = f"Tried {tried}: imported {report.released}, still held {still_held}."
    return " ".join([counts, *report.problems])


@held_screen
def held_orders_discard(request: HttpRequest, store_id: int) -> HttpResponse:
    """Discard the held orders named: the question first (a page of its own without
    JavaScript; htmx asks in the browser and sends `confirmed=1`), then the discarding. Opened
    without any held order named (the address typed or bookmarked), it says where the button
    is."""
    store = selectors.get_store(user=request.user, store_id=store_id)
    if request.method not in ("GET", "POST") or (
        request.method == "GET" and "held_id" not in request.GET
    ):
        return _only_by_the_button(request, store, button="Discard")
    if request.method == "GET" or request.POST.get("confirmed") != "1":
        params = request.POST if request.method == "POST" else request.GET
        ids = {parse_id(value) for value in params.getlist("held_id")[:PANEL_ROWS]}
        asked = list(order_intake.held_orders(store=store).filter(pk__in=ids - {None})[:PANEL_ROWS])
        if not asked:
            raise NotFound(model="Held order")
        if not has_permission(request.user, "orders", "delete", store.company_id):
            raise NotAllowed(document="orders", action="delete")
        return render(request, "stores/held_orders.html", {"store": store, "discarding": asked})
    ids = _held_ids(request)
    if not ids:
        raise NotFound(model="Held order")
    count = order_intake.discard_held_orders(user=request.user, store_id=store.pk, held_ids=ids)
    return _after_a_button(request, store, f"Discarded: {count}.")
