"""intake_order's auto-reserve: each line its quantity up to what is available, nothing for a
closed order; a repeat that closes the order releases, one that reopens it reserves again; and
every change marks the product for the stores that show the department's stock."""

from decimal import Decimal as D

import pytest

from backroom.inventory.models import Reservation
from backroom.inventory.selectors import available_quantities
from backroom.orders.intake import intake_order
from backroom.stores.models import Store, SyncState
from tests.orders.intake.conftest import incoming, line


@pytest.fixture
def reserving(shop):
    shop.auto_reserve = True
    return shop


def _reserved(order) -> list[D]:
    return [line.reserved_quantity for line in order.lines.order_by("id")]


def _available(company, product, department) -> D:
    return available_quantities(company=company, products=[product], departments=[department])[
        (product.pk, department.pk)
    ]


def test_without_auto_reserve_nothing_is_reserved(shop, widget, stock):
    stock(widget, "5")

    intake_order(store=shop, incoming=incoming(line(widget, "2")))

    assert Reservation.objects.count() == 0


def test_each_line_reserves_its_quantity(reserving, company, warehouse, widget, gadget, stock):
    stock(widget, "5")
    stock(gadget, "1.5")

    order = intake_order(
        store=reserving, incoming=incoming(line(widget, "2"), line(gadget, "1.25"))
    ).order

    assert _reserved(order) == [D("2.000"), D("1.250")]
    assert _available(company, widget, warehouse) == D("3.000")
    assert list(Reservation.objects.values_list("department", flat=True)) == [warehouse.pk] * 2


def test_a_reservation_is_capped_by_what_is_available_never_below_zero(
    reserving, company, warehouse, widget, stock
):
    stock(widget, "3")

    first = intake_order(store=reserving, incoming=incoming(line(widget, "5"), store_order_id=1))
    second = intake_order(store=reserving, incoming=incoming(line(widget, "1"), store_order_id=2))

    assert (_reserved(first.order), _reserved(second.order)) == ([D("3.000")], [D("0")])
    assert Reservation.objects.count() == 1  # nothing held, no row
    assert _available(company, widget, warehouse) == D("0.000")


def test_two_lines_of_one_product_share_what_is_there(reserving, widget, stock):
    stock(widget, "3")

    order = intake_order(store=reserving, incoming=incoming(line(widget, "2"), line(widget, "2")))

    assert _reserved(order.order) == [D("2.000"), D("1.000")]


@pytest.mark.parametrize("status", ["cancelled", "refunded", "failed"])
def test_an_order_that_arrives_closed_reserves_nothing(reserving, widget, stock, status):
    stock(widget, "5")

    order = intake_order(store=reserving, incoming=incoming(line(widget, "2"), status=status))

    assert (order.order.status, Reservation.objects.count()) == (status, 0)


@pytest.mark.parametrize("status", ["cancelled", "refunded", "failed"])
def test_closing_releases_and_reopening_reserves_again(
    reserving, company, warehouse, widget, stock, status
):
    stock(widget, "5")
    first = intake_order(store=reserving, incoming=incoming(line(widget, "2")))
    assert _reserved(first.order) == [D("2.000")]

    closed = intake_order(store=reserving, incoming=incoming(line(widget, "2"), status=status))

    assert closed.outcome == "status_changed"
    assert (_reserved(closed.order), _available(company, widget, warehouse)) == (
        [D("0")],
        D("5.000"),
    )
    # Another closing status: nothing left to release, nothing reserved.
    other = "failed" if status != "failed" else "cancelled"
    intake_order(store=reserving, incoming=incoming(line(widget, "2"), status=other))
    assert Reservation.objects.count() == 0

    reopened = intake_order(store=reserving, incoming=incoming(line(widget), status="on_hold"))

    assert reopened.outcome == "status_changed"
    assert _reserved(reopened.order) == [D("2.000")]
    assert _available(company, widget, warehouse) == D("3.000")


def test_reopening_without_auto_reserve_reserves_nothing(shop, widget, stock):
    stock(widget, "5")
    intake_order(store=shop, incoming=incoming(line(widget, "2"), status="cancelled"))

    reopened = intake_order(store=shop, incoming=incoming(line(widget, "2"), status="processing"))

    assert (reopened.order.status, Reservation.objects.count()) == ("processing", 0)


def test_reopening_reserves_what_is_available_then(reserving, widget, stock):
    stock(widget, "5")
    intake_order(store=reserving, incoming=incoming(line(widget, "4"), status="cancelled"))
    intake_order(store=reserving, incoming=incoming(line(widget, "3"), store_order_id=2))

    reopened = intake_order(store=reserving, incoming=incoming(status="processing"))

    assert _reserved(reopened.order) == [D("2.000")]


def test_an_open_status_change_keeps_the_reservations(reserving, widget, stock):
    stock(widget, "5")
    intake_order(store=reserving, incoming=incoming(line(widget, "2")))

    completed = intake_order(store=reserving, incoming=incoming(status="completed"))

    assert _reserved(completed.order) == [D("2.000")]


@pytest.fixture
def shelves(company, retail, warehouse, shop_floor, owner, webshop, widget, gadget):
    """The webshop shows the warehouse's stock; an outlet shows only the shop floor's. Both have
    been sent the widget and the gadget (version 1, confirmed)."""
    webshop.departments.add(warehouse)
    outlet = Store.objects.create(
        company=company,
        name="Outlet",
        language="EN",
        regular_price_type=retail,
        orders_department=shop_floor,
        order_creator=owner,
        created_by=owner,
    )
    outlet.departments.add(shop_floor)
    for store in (webshop, outlet):
        for number, product in enumerate((widget, gadget), start=1):
            SyncState.objects.create(
                store=store,
                kind="product",
                item_id=product.pk,
                woo_id=number,
                version=1,
                confirmed_version=1,
            )
    return outlet


def _versions(product) -> list[tuple[str, int]]:
    rows = SyncState.objects.filter(item_id=product.pk).order_by("store__name")
    return list(rows.values_list("store__name", "version"))


def test_reserving_and_releasing_mark_the_product_where_the_department_shows(
    reserving, shelves, widget, gadget, stock
):
    stock(widget, "5")
    stock(gadget, "5")
    versions = {p: _versions(p) for p in (widget, gadget)}
    assert versions[widget] == [("Acme online", 2), ("Outlet", 1)]  # set_on_hand marked it

    intake_order(store=reserving, incoming=incoming(line(widget, "2")))

    assert _versions(widget) == [("Acme online", 3), ("Outlet", 1)]
    assert _versions(gadget) == versions[gadget]  # not in the order

    intake_order(store=reserving, incoming=incoming(status="refunded"))

    assert _versions(widget) == [("Acme online", 4), ("Outlet", 1)]


def test_nothing_reserved_marks_nothing(reserving, shelves, widget):
    before = _versions(widget)

    intake_order(store=reserving, incoming=incoming(line(widget, "2")))  # none on hand

    assert (_versions(widget), Reservation.objects.count()) == (before, 0)
