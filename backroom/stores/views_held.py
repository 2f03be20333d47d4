"""The connection page's "Orders" panel: the orders a store sent that could not be imported yet
(held orders), with "Try again" (one or all) and "Discard".

Who sees what: the panel shows to whoever may view the store (stores: view); trying again needs
"orders: create" on the store's company and discarding "orders: delete" (the services check
both, stores.order_intake; the buttons show only to those who may). The panel loads into the
document page with htmx; without JavaScript it is a page of its own, and every button works as
a plain form post (discarding asks on a page first).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from backroom.accounts.errors import NotAllowed, NotFound
from backroom.accounts.permissions import has_permission
from backroom.accounts.selectors import parse_id
from backroom.stores import order_intake, selectors
from backroom.stores.models import Store
from backroom.web.responses import denied, not_found

PANEL_ROWS = 50
"""Held orders listed in the panel (the oldest first); the rest are counted."""

REFUSALS = {
    ("orders", "create"): "Your roles do not let you create customer orders of this company, "
    "so you cannot import held orders.",
    ("orders", "delete"): "Your roles do not let you delete customer orders of this company, "
    "so you cannot discard held orders.",
}


def held_screen(view):
    """Login required; NotFound becomes the one 404 (a store or held order the user cannot
    see) and NotAllowed a 403 that says which permission is missing."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return not_found(
                request, what="online-store connection", back_url=reverse("stores:list")
            )
        except NotAllowed as error:
            reason = REFUSALS.get(
                (error.document, error.action),
                "Your roles do not let you view online-store connections of this company.",
            )
            return denied(request, reason=reason, back_url=reverse("stores:list"))

    return wrapper


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


def _panel(request: HttpRequest, store: Store, *, toast: str = "") -> HttpResponse:
    """The panel as an htmx fragment (with a toast), else the held orders' own page."""
    context = _panel_context(request, store)
    if request.htmx:
        response = render(request, "stores/_held_orders.html", context)
        return trigger_client_event(response, "toast", toast) if toast else response
    return render(request, "stores/held_orders.html", context)


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
@require_POST
def held_orders_retry(request: HttpRequest, store_id: int) -> HttpResponse:
    """Try again the held orders named (`held_id`), or all of them when none is named."""
    store = selectors.get_store(user=request.user, store_id=store_id)
    ids = _held_ids(request)
    report = order_intake.retry_held_orders(
        user=request.user, store_id=store.pk, held_ids=ids or None
    )
    still_held = order_intake.held_orders(store=store).count()
    text = " ".join([f"Imported: {report.released}. Still held: {still_held}.", *report.problems])
    if not request.htmx:
        messages.success(request, text)
        return redirect("stores:held_orders", store_id=store.pk)
    return _panel(request, store, toast=text)


@held_screen
@require_http_methods(["GET", "POST"])
def held_orders_discard(request: HttpRequest, store_id: int) -> HttpResponse:
    """Discard the held orders named: the question first (a page of its own without
    JavaScript; htmx asks in the browser and sends `confirmed=1`), then the discarding."""
    store = selectors.get_store(user=request.user, store_id=store_id)
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
    text = f"Discarded: {count}."
    if not request.htmx:
        messages.success(request, text)
        return redirect("stores:held_orders", store_id=store.pk)
    return _panel(request, store, toast=text)
