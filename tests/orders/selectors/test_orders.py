from decimal import Decimal as D

import pytest

from backroom.inventory.services import reserve_order_lines, set_on_hand
from backroom.orders.models import CustomerOrder
from backroom.orders.selectors import find_store_order, get_order


def test_get_order_with_lines_and_reservations_in_three_queries(
    company, warehouse, widget, gadget, make_order, django_assert_num_queries
):
    set_on_hand(department=warehouse, quantities={widget: D("1")})
    order = make_order((widget, "2"), (gadget, "1"))
    reserve_order_lines(
        lines=[(line, line.quantity) for line in order.lines.all()], department=warehouse
    )

    with django_assert_num_queries(2):
        found = get_order(company=company, order_id=order.pk)
        lines = [
            (line.product.name, line.quantity, line.reserved_quantity) for line in found.lines.all()
        ]

    assert found == order
    assert lines == [("Widget", D("2"), D("1")), ("Gadget", D("1"), D("0"))]


def test_get_order_of_another_company_is_missing(
    make_order, widget, other_company, foreign_company
):
    order = make_order((widget, "1"))
    for company in (other_company, foreign_company):
        with pytest.raises(CustomerOrder.DoesNotExist):
            get_order(company=company, order_id=order.pk)
    with pytest.raises(CustomerOrder.DoesNotExist):
        get_order(company=order.company, order_id=order.pk + 1)


def test_find_store_order(make_order, widget, webshop, company, owner, retail):
    from backroom.stores.models import Store

    order = make_order((widget, "1"), store=webshop, store_order_id=9)
    make_order((widget, "1"))
    second_store = Store.objects.create(
        company=company,
        name="Second",
        language="DE",
        regular_price_type=retail,
        orders_department=webshop.orders_department,
        order_creator=owner,
        created_by=owner,
    )

    assert find_store_order(store=webshop, store_order_id=9) == order
    assert find_store_order(store=webshop, store_order_id=10) is None
    assert find_store_order(store=second_store, store_order_id=9) is None
