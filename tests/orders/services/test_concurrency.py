"""Creating orders at the same moment (PostgreSQL): distinct consecutive numbers, no errors, and
one order when the same store order arrives twice at once."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection

from backroom.orders.models import CustomerOrder
from backroom.orders.services import NewOrderLine, create_order
from tests.inventory.threads import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.parametrize("earlier_orders", [0, 3])
def test_twenty_orders_at_once_get_twenty_consecutive_numbers(
    company, customer, warehouse, owner, widget, make_order, earlier_orders
):
    for _ in range(earlier_orders):
        make_order((widget, "1"))

    def place():
        return create_order(
            company=company,
            customer=customer,
            department=warehouse,
            created_by=owner,
            lines=[NewOrderLine(product=widget, quantity=D("1"), price=D("9.99"))],
        ).number

    results = run_at_once([place] * 20)

    assert not [r for r in results if isinstance(r, BaseException)]
    assert sorted(results) == list(range(earlier_orders + 1, earlier_orders + 21))
    assert CustomerOrder.objects.count() == earlier_orders + 20


def test_same_store_order_twice_at_once_makes_one(
    company, customer, warehouse, owner, widget, webshop
):
    def place():
        return create_order(
            company=company,
            customer=customer,
            department=warehouse,
            created_by=owner,
            lines=[NewOrderLine(product=widget, quantity=D("1"), price=D("9.99"))],
            store=webshop,
            store_order_id=501,
        ).number

    results = run_at_once([place] * 5)

    assert sorted(r for r in results if isinstance(r, int)) == [1]
    assert all(isinstance(r, IntegrityError) for r in results if not isinstance(r, int))
    assert list(CustomerOrder.objects.values_list("store_order_id", "number")) == [(501, 1)]
