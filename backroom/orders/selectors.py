"""Reads of customer orders, always scoped to a company or a store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from backroom.orders.models import CustomerOrder, OrderLine

if TYPE_CHECKING:
    from backroom.companies.models import Company
    from backroom.stores.models import Store


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
