"""Stock documents completed or undone, and reservations made or released, mark the products
(and variations) concerned in the stores that show the department's stock."""

from decimal import Decimal

import pytest

from backroom.catalog.models import Product
from backroom.inventory.models import StockDocument
from backroom.inventory.services import (
    complete_stock_document,
    create_stock_document,
    release_reservations,
    reserve_order_lines,
    set_on_hand,
    uncomplete_stock_document,
)
from tests.stores.marks.conftest import Statements, moved, up

pytestmark = pytest.mark.django_db

D = Decimal


def receipt(world, department, *names, complete=True):
    items = world.items
    return create_stock_document(
        company=items.boot.company,
        department=department,
        kind=StockDocument.Kind.RECEIPT,
        lines=[(getattr(items, name), D("3.5")) for name in names],
        complete=complete,
    )


def test_a_completed_receipt_marks_its_products_in_the_stores_showing_its_department(
    world, before, warehouse
):
    with Statements() as statements:
        receipt(world, warehouse, "boot", "tee_red", "tee_red", "sock")
    assert statements.marks == 1
    # A shows the warehouse; Sock has no row in A; A's product row of Tee red stays.
    assert moved(world, before) == {
        **up("A", "product", "boot"),
        **up("A", "variation", "tee_red"),
    }


def test_completing_and_undoing_a_draft_each_mark(world, before, shop_floor):
    document = receipt(world, shop_floor, "cap", "tee_blue", complete=False)
    assert moved(world, before) == {}
    complete_stock_document(document=document)
    expected = {**up("B", "product", "cap"), **up("B", "variation", "tee_blue")}
    assert moved(world, before) == expected
    uncomplete_stock_document(document=document)
    assert moved(world, before) == {key: 2 for key in expected}


def test_set_on_hand_marks_what_moved_and_nothing_when_already_right(world, before, warehouse):
    items = world.items
    set_on_hand(department=warehouse, quantities={items.cap: D("2"), items.tee: D("0")})
    assert moved(world, before) == up("A", "product", "cap")
    again = world.snapshot()
    with Statements() as statements:
        assert set_on_hand(department=warehouse, quantities={items.cap: D("2")}) == []
    assert (statements.marks, moved(world, again)) == (0, {})


def test_a_document_of_many_lines_marks_in_one_statement(world, warehouse, company):
    """The cost of a document does not grow with its lines, and marking is one UPDATE."""
    products = Product.objects.bulk_create(
        Product(company=company, name=f"Bulk {index}") for index in range(40)
    )

    def cost(count: int) -> tuple[int, int]:
        with Statements() as statements:
            create_stock_document(
                company=company,
                department=warehouse,
                kind=StockDocument.Kind.RECEIPT,
                lines=[(product, D("1")) for product in products[:count]],
            )
        return len(statements.context.captured_queries), statements.marks

    cost(1)  # counters and the like created once
    assert cost(1) == cost(40)
    assert cost(40)[1] == 1


@pytest.fixture
def stocked(world, warehouse, shop_floor):
    items = world.items
    set_on_hand(department=warehouse, quantities={items.boot: D("5"), items.tee_red: D("5")})
    set_on_hand(department=shop_floor, quantities={items.cap: D("5")})
    return world


def test_reserving_marks_what_it_holds_and_re_reserving_the_same_marks_nothing(
    stocked, make_order, warehouse
):
    world, items = stocked, stocked.items
    lines = list(make_order((items.boot, "2"), (items.tee_red, "1"), (items.sock, "1")).lines.all())
    before = world.snapshot()
    with Statements() as statements:
        reserve_order_lines(lines=[(line, line.quantity) for line in lines], department=warehouse)
    assert statements.marks == 1
    # Sock has no stock: nothing held, nothing marked.
    assert moved(world, before) == {
        **up("A", "product", "boot"),
        **up("A", "variation", "tee_red"),
    }

    before = world.snapshot()
    with Statements() as statements:
        reserve_order_lines(lines=[(line, line.quantity) for line in lines], department=warehouse)
    assert (statements.marks, moved(world, before)) == (0, {})

    reserve_order_lines(lines=[(lines[0], D("1"))], department=warehouse)
    assert moved(world, before) == up("A", "product", "boot")


def test_moving_a_reservation_marks_both_departments_stores(
    stocked, make_order, warehouse, shop_floor
):
    world, items = stocked, stocked.items
    line = make_order((items.cap, "1")).lines.get()
    set_on_hand(department=warehouse, quantities={items.cap: D("1")})
    reserve_order_lines(lines=[(line, D("1"))], department=warehouse)
    before = world.snapshot()
    reserve_order_lines(lines=[(line, D("1"))], department=shop_floor)
    assert moved(world, before) == up("AB", "product", "cap")


def test_releasing_marks_what_was_held_and_nothing_twice(stocked, make_order, warehouse):
    world, items = stocked, stocked.items
    lines = list(make_order((items.boot, "1"), (items.tee_red, "2")).lines.all())
    reserve_order_lines(lines=[(line, line.quantity) for line in lines], department=warehouse)
    before = world.snapshot()
    with Statements() as statements:
        assert release_reservations(lines=lines) == 2
    assert statements.marks == 1
    assert moved(world, before) == {
        **up("A", "product", "boot"),
        **up("A", "variation", "tee_red"),
    }
    before = world.snapshot()
    with Statements() as statements:
        assert release_reservations(lines=lines) == 0
    assert (statements.writes, moved(world, before)) == (0, {})
