"""Fixtures for orders: a factory that makes an order with lines through the service."""

from decimal import Decimal

import pytest

from backroom.orders.services import NewOrderLine, create_order


@pytest.fixture
def make_order(company, customer, warehouse, owner):
    """make_order((product, quantity), ...) -> an order of `customer` from the warehouse, each
    line priced 10.00."""

    def make(*items, **kwargs):
        lines = [
            NewOrderLine(product=p, quantity=Decimal(q), price=Decimal("10.00")) for p, q in items
        ]
        kwargs.setdefault("department", warehouse)
        return create_order(
            company=company, customer=customer, created_by=owner, lines=lines, **kwargs
        )

    return make


@pytest.fixture
def webshop(company, retail, warehouse, owner):
    """An online-store connection of the test company."""
    from backroom.stores.models import Store

    return Store.objects.create(
        company=company,
        name="Acme online",
        language="EN",
        regular_price_type=retail,
        orders_department=warehouse,
        order_creator=owner,
        created_by=owner,
    )
