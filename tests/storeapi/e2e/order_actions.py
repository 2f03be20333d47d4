"""What the orders end-to-end test does to and reads from a served Backroom's data, run inside
`backroom shell` on that data (`call`): the connection's settings change through update_store as
the connection screen changes them; the rest only reads. Results are JSON-friendly, numbers as
the database gives them back (Decimal texts), so a test compares exact values."""

from __future__ import annotations

import json
from dataclasses import asdict

from backroom.accounts.models import User
from backroom.core.numbers import quantize_quantity
from backroom.demo.builder import ADMIN_USERNAME
from backroom.stores.services import StoreInput, update_store


def call(site, name: str, /, **arguments: object) -> object:
    """order_actions.<name>(**arguments) in `backroom shell` on the site's data; its JSON."""
    code = (
        "import json; from tests.storeapi.e2e import order_actions; "
        f"print(json.dumps(order_actions.{name}(**json.loads({json.dumps(json.dumps(arguments))}))))"
    )
    return json.loads(site.run("shell", "-c", code).strip().splitlines()[-1])


def set_store_orders(*, store_id: int, **changes: object) -> list[str]:
    """Change the connection's order settings (e.g. auto_reserve=True) as its screen saves
    them; the names of the fields that changed."""
    from backroom.stores.models import Store

    store = Store.objects.get(pk=store_id)
    data = StoreInput(
        company_id=store.company_id,
        name=store.name,
        language=store.language,
        allowed_addresses=store.allowed_addresses,
        is_let_sync=store.is_let_sync,
        regular_price_type_id=store.regular_price_type_id,
        sale_price_type_id=store.sale_price_type_id,
        orders_department_id=store.orders_department_id,
        order_creator_id=store.order_creator_id,
        if_customer_not_found=store.if_customer_not_found,
        default_customer_id=store.default_customer_id,
        days_to_shipment=store.days_to_shipment,
        auto_reserve=store.auto_reserve,
        department_ids=list(store.departments.values_list("pk", flat=True)),
    )
    data = StoreInput(**{**asdict(data), **changes})
    admin = User.objects.get(username=ADMIN_USERNAME)
    return sorted(update_store(user=admin, store_id=store.pk, data=data).changed)


ORDER_ENDPOINTS = ("getLastSynchronizedOrderTime", "putOrdersIntoCRM")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def orders_of_store(*, store_id: int) -> dict:
    """Everything the store's orders made: customers (of the company, oldest first), orders by
    store order id, their lines with what each reserves now, held orders, and the units reserved
    per SKU."""
    from django.db.models import Sum

    from backroom.customers.models import Customer
    from backroom.inventory.models import Reservation
    from backroom.orders.models import CustomerOrder
    from backroom.stores.models import CallError, CallJournal, HeldOrder, Store

    store = Store.objects.get(pk=store_id)
    customers = [
        {
            "name": customer.name,
            "kind": customer.kind,
            "email": customer.email,
            "phone": customer.phone,
            "store": customer.store.name if customer.store else None,
            "store_customer_id": customer.store_customer_id,
            "billing_address": customer.billing_address,
            "shipping_address": customer.shipping_address,
        }
        for customer in Customer.objects.filter(company=store.company)
        .select_related("store")
        .order_by("id")
    ]
    orders = {}
    rows = (
        CustomerOrder.objects.filter(store=store)
        .select_related("customer", "department", "created_by")
        .prefetch_related("lines__product", "lines__reservation")
        .order_by("number")
    )
    for order in rows:
        orders[str(order.store_order_id)] = {
            "number": order.number,
            "status": order.status,
            "customer": order.customer.name,
            "customer_reason": order.customer_reason,
            "department": order.department.name,
            "created_by": order.created_by.username,
            "shipment_date": _text(order.shipment_date),
            "store_order_number": order.store_order_number,
            "store_created_at": order.store_created_at.isoformat(),
            "currency": order.currency,
            "total": _text(order.total),
            "store_totals": order.store_totals,
            "totals_mismatch": order.totals_mismatch,
            "payload_status": (order.store_payload or {}).get("status"),
            "billing_email": order.billing_address.get("email"),
            "lines": [
                {
                    "sku": line.product.sku,
                    "name": line.name,
                    "quantity": _text(line.quantity),
                    "price": _text(line.price),
                    "total": _text(line.total),
                    "store_total": _text(line.store_total),
                    "product_match": line.product_match,
                    "store_line_id": line.store_line_id,
                    "reserved": _text(
                        getattr(line, "reservation", None) and line.reservation.quantity
                    ),
                }
                for line in order.lines.all()
            ],
        }
    held = [
        {
            "store_order_id": row.store_order_id,
            "reason": row.reason,
            "attempts": row.attempts,
            "store_created_at": _text(row.store_created_at and row.store_created_at.isoformat()),
        }
        for row in HeldOrder.objects.filter(store=store).order_by("store_order_id")
    ]
    reserved = {
        row["product__sku"]: str(quantize_quantity(row["units"]))  # SQLite's SUM is not
        for row in Reservation.objects.filter(order_line__order__store=store)
        .values("product__sku")
        .annotate(units=Sum("quantity"))
        .order_by("product__sku")
    }
    journal = {
        row.endpoint: {"calls": row.calls, "failures": row.failures, "items": row.items}
        for row in CallJournal.objects.filter(store=store, endpoint__in=ORDER_ENDPOINTS)
    }
    errors = [
        (row.endpoint, row.message, row.repeats)
        for row in CallError.objects.filter(store=store).order_by("at", "pk")
    ]
    return {
        "customers": customers,
        "orders": orders,
        "held": held,
        "reserved": reserved,
        "journal": journal,
        "errors": errors,
    }
