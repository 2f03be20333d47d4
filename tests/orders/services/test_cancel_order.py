from decimal import Decimal as D

from backroom.inventory.models import Reservation
from backroom.inventory.selectors import available_quantities
from backroom.inventory.services import reserve_order_lines, set_on_hand
from backroom.orders.models import CustomerOrder
from backroom.orders.services import cancel_order


def test_cancelling_releases_the_orders_reservations_only(
    company, warehouse, widget, gadget, make_order
):
    set_on_hand(department=warehouse, quantities={widget: D("5"), gadget: D("5")})
    order = make_order((widget, "2"), (gadget, "1"))
    other = make_order((widget, "1"))
    reserve_order_lines(
        lines=[(line, line.quantity) for line in [*order.lines.all(), *other.lines.all()]],
        department=warehouse,
    )

    assert cancel_order(order=order) is order

    assert order.status == CustomerOrder.Status.CANCELLED
    assert CustomerOrder.objects.get(pk=order.pk).status == "cancelled"
    assert list(Reservation.objects.values_list("order_line__order", "quantity")) == [
        (other.pk, D("1"))
    ]
    assert available_quantities(
        company=company, products=[widget, gadget], departments=[warehouse]
    ) == {(widget.pk, warehouse.pk): D("4"), (gadget.pk, warehouse.pk): D("5")}


def test_cancelling_twice_does_no_harm(warehouse, widget, make_order):
    order = make_order((widget, "2"))
    cancel_order(order=order)
    changed_at = CustomerOrder.objects.get(pk=order.pk).changed_at

    cancel_order(order=order)

    assert CustomerOrder.objects.get(pk=order.pk).changed_at == changed_at
    assert order.status == "cancelled"
