from decimal import Decimal as D

import pytest

from backroom.companies.errors import WrongCompany
from backroom.companies.models import Department
from backroom.inventory.errors import InvalidQuantity
from backroom.inventory.models import Reservation
from backroom.inventory.selectors import available_quantities
from backroom.inventory.services import release_reservations, reserve_order_lines, set_on_hand


def reserved_rows():
    return sorted(Reservation.objects.values_list("order_line_id", "department_id", "quantity"))


def test_each_line_gets_what_it_wants_while_there_is_stock(
    company, warehouse, widget, gadget, make_order
):
    set_on_hand(department=warehouse, quantities={widget: D("5"), gadget: D("1")})
    a, b, c = make_order((widget, "3"), (gadget, "2"), (widget, "4")).lines.all()

    result = reserve_order_lines(
        lines=[(a, D("3")), (b, D("2")), (c, D("4"))], department=warehouse
    )

    assert result == {a.pk: D("3"), b.pk: D("1"), c.pk: D("2")}
    assert reserved_rows() == [
        (a.pk, warehouse.pk, D("3")),
        (b.pk, warehouse.pk, D("1")),
        (c.pk, warehouse.pk, D("2")),
    ]
    assert (a.reserved_quantity, b.reserved_quantity, c.reserved_quantity) == (3, 1, 2)
    assert available_quantities(
        company=company, products=[widget, gadget], departments=[warehouse]
    ) == {(widget.pk, warehouse.pk): D("0"), (gadget.pk, warehouse.pk): D("0")}


def test_nothing_available_reserves_nothing(warehouse, widget, make_order):
    line = make_order((widget, "2")).lines.get()

    assert reserve_order_lines(lines=[(line, D("2"))], department=warehouse) == {line.pk: D("0")}
    assert reserved_rows() == []
    assert line.reserved_quantity == 0


def test_reserving_again_replaces_the_lines_reservation(warehouse, widget, make_order):
    set_on_hand(department=warehouse, quantities={widget: D("5")})
    line = make_order((widget, "4")).lines.get()
    reserve_order_lines(lines=[(line, D("4"))], department=warehouse)

    # Its own 4 units count as available to it again.
    assert reserve_order_lines(lines=[(line, D("4"))], department=warehouse) == {line.pk: D("4")}
    assert reserve_order_lines(lines=[(line, D("1"))], department=warehouse) == {line.pk: D("1")}
    assert reserved_rows() == [(line.pk, warehouse.pk, D("1"))]
    assert reserve_order_lines(lines=[(line, D("0"))], department=warehouse) == {line.pk: D("0")}
    assert reserved_rows() == []


def test_release_gives_units_back(company, warehouse, widget, make_order):
    set_on_hand(department=warehouse, quantities={widget: D("5")})
    first, second = make_order((widget, "2"), (widget, "1")).lines.all()
    reserve_order_lines(lines=[(first, D("2")), (second, D("1"))], department=warehouse)

    assert release_reservations(lines=[first]) == 1

    assert first.reserved_quantity == 0
    assert reserved_rows() == [(second.pk, warehouse.pk, D("1"))]
    assert available_quantities(company=company, products=[widget], departments=[warehouse]) == {
        (widget.pk, warehouse.pk): D("4")
    }
    assert release_reservations(lines=[first]) == 0


def test_reserving_no_lines_costs_nothing(warehouse, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert reserve_order_lines(lines=[], department=warehouse) == {}


def test_query_count_does_not_grow_with_lines(
    company, warehouse, make_order, django_assert_num_queries
):
    from backroom.catalog.models import Product

    products = Product.objects.bulk_create(
        Product(company=company, name=f"P{i}") for i in range(20)
    )
    set_on_hand(department=warehouse, quantities={p: D("1") for p in products})
    lines = list(make_order(*[(p, "1") for p in products]).lines.all())

    # company check, lock, read and delete old, availability, insert, mark the stores
    # (+ savepoint on SQLite/PG)
    with django_assert_num_queries(9):
        reserve_order_lines(lines=[(line, D("1")) for line in lines], department=warehouse)
    assert Reservation.objects.count() == 20


@pytest.mark.parametrize("quantity", [D("-1"), D("2.001"), D("NaN"), 1.0])
def test_bad_wanted_quantities_are_refused(warehouse, widget, make_order, quantity):
    set_on_hand(department=warehouse, quantities={widget: D("5")})
    line = make_order((widget, "2")).lines.get()

    with pytest.raises(InvalidQuantity):
        reserve_order_lines(lines=[(line, quantity)], department=warehouse)
    assert reserved_rows() == []


def test_the_same_line_twice_is_refused(warehouse, widget, make_order):
    line = make_order((widget, "2")).lines.get()
    with pytest.raises(ValueError, match="twice"):
        reserve_order_lines(lines=[(line, D("1")), (line, D("1"))], department=warehouse)


def test_a_department_of_another_company_is_refused(
    warehouse, widget, make_order, other_company, foreign_company
):
    line = make_order((widget, "2")).lines.get()
    for company in (other_company, foreign_company):
        department = Department.objects.create(company=company, name="Elsewhere")
        with pytest.raises(WrongCompany):
            reserve_order_lines(lines=[(line, D("1"))], department=department)
    assert reserved_rows() == []
