from decimal import Decimal as D

import pytest

from backroom.catalog.models import Product
from backroom.companies.errors import WrongCompany
from backroom.companies.models import Department
from backroom.inventory.errors import (
    DocumentAlreadyCompleted,
    DocumentNotCompleted,
    EmptyDocument,
    InsufficientStock,
    InvalidQuantity,
    ShortLine,
)
from backroom.inventory.models import Reservation, StockDocument
from backroom.inventory.services import (
    complete_stock_document,
    create_stock_document,
    uncomplete_stock_document,
)
from tests.inventory.fixtures import on_hand

RECEIPT = StockDocument.Kind.RECEIPT
WRITE_OFF = StockDocument.Kind.WRITE_OFF


def receive(company, department, *lines, **kwargs):
    return create_stock_document(
        company=company, department=department, kind=RECEIPT, lines=list(lines), **kwargs
    )


def test_completed_receipt_adds_to_on_hand(company, warehouse, widget, gadget, owner):
    document = receive(
        company, warehouse, (widget, D("5")), (gadget, D("2.5")), (widget, D("1")), user=owner
    )

    assert document.is_completed and document.completed_at is not None
    assert document.number == 1
    assert document.created_by == owner
    assert list(document.lines.values_list("product__sku", "quantity")) == [
        ("W-1", D("5.000")),
        ("G-1", D("2.500")),
        ("W-1", D("1.000")),
    ]
    assert on_hand(widget, warehouse) == D("6")
    assert on_hand(gadget, warehouse) == D("2.5")


def test_draft_moves_nothing_until_completed(company, warehouse, widget):
    document = receive(company, warehouse, (widget, D("5")), complete=False)
    assert not document.is_completed
    assert on_hand(widget, warehouse) == 0

    complete_stock_document(document=document)

    assert document.is_completed
    assert on_hand(widget, warehouse) == D("5")


def test_numbers_count_per_kind(company, warehouse, widget):
    first = receive(company, warehouse, (widget, D("5")))
    write_off = create_stock_document(
        company=company, department=warehouse, kind=WRITE_OFF, lines=[(widget, D("1"))]
    )
    second = receive(company, warehouse, (widget, D("5")))

    assert (first.number, write_off.number, second.number) == (1, 1, 2)


def test_completing_twice_is_an_error_not_a_double_count(company, warehouse, widget):
    document = receive(company, warehouse, (widget, D("5")))

    with pytest.raises(DocumentAlreadyCompleted) as error:
        complete_stock_document(document=document)

    assert error.value.code == "document_already_completed"
    assert on_hand(widget, warehouse) == D("5")


def test_a_stale_copy_cannot_complete_twice(company, warehouse, widget):
    """Two screens holding the same draft: the second click finds it completed under the lock."""
    document = receive(company, warehouse, (widget, D("5")), complete=False)
    stale = StockDocument.objects.get(pk=document.pk)
    complete_stock_document(document=document)

    with pytest.raises(DocumentAlreadyCompleted):
        complete_stock_document(document=stale)
    assert on_hand(widget, warehouse) == D("5")


def test_uncompleting_a_receipt_takes_it_back(company, warehouse, widget):
    document = receive(company, warehouse, (widget, D("5")))

    uncomplete_stock_document(document=document)

    assert not document.is_completed and document.completed_at is None
    assert on_hand(widget, warehouse) == 0
    with pytest.raises(DocumentNotCompleted) as error:
        uncomplete_stock_document(document=document)
    assert error.value.code == "document_not_completed"
    assert on_hand(widget, warehouse) == 0


def test_write_off_and_its_undo(company, warehouse, widget):
    receive(company, warehouse, (widget, D("5")))
    write_off = create_stock_document(
        company=company, department=warehouse, kind=WRITE_OFF, lines=[(widget, D("1.5"))]
    )
    assert on_hand(widget, warehouse) == D("3.5")

    uncomplete_stock_document(document=write_off)

    assert on_hand(widget, warehouse) == D("5")


def test_short_write_off_lists_every_short_line_and_changes_nothing(
    company, warehouse, widget, gadget, make_order
):
    receive(company, warehouse, (widget, D("5")), (gadget, D("3")))
    order = make_order((widget, "4"))
    Reservation.objects.create(
        order_line=order.lines.get(), product=widget, department=warehouse, quantity=D("4")
    )
    third = Product.objects.create(company=company, name="Never received")

    with pytest.raises(InsufficientStock) as error:
        create_stock_document(
            company=company,
            department=warehouse,
            kind=WRITE_OFF,
            lines=[(widget, D("2")), (gadget, D("3")), (third, D("1"))],
        )

    assert error.value.code == "insufficient_stock"
    assert error.value.lines == [
        ShortLine(widget.pk, warehouse.pk, available=D("1"), requested=D("2")),
        ShortLine(third.pk, warehouse.pk, available=D("0"), requested=D("1")),
    ]
    assert on_hand(widget, warehouse) == D("5")
    assert on_hand(gadget, warehouse) == D("3")
    assert not StockDocument.objects.filter(kind=WRITE_OFF).exists()
    # The number was given back with the rolled-back document.
    ok = create_stock_document(
        company=company, department=warehouse, kind=WRITE_OFF, lines=[(gadget, D("3"))]
    )
    assert ok.number == 1
    assert on_hand(gadget, warehouse) == 0


def test_write_off_may_take_everything_not_reserved(company, warehouse, widget, make_order):
    receive(company, warehouse, (widget, D("5")))
    order = make_order((widget, "2"))
    Reservation.objects.create(
        order_line=order.lines.get(), product=widget, department=warehouse, quantity=D("2")
    )

    create_stock_document(
        company=company, department=warehouse, kind=WRITE_OFF, lines=[(widget, D("3"))]
    )

    assert on_hand(widget, warehouse) == D("2")


def test_uncompleting_a_receipt_whose_units_are_gone_is_refused(company, warehouse, widget):
    document = receive(company, warehouse, (widget, D("5")))
    create_stock_document(
        company=company, department=warehouse, kind=WRITE_OFF, lines=[(widget, D("4"))]
    )

    with pytest.raises(InsufficientStock) as error:
        uncomplete_stock_document(document=document)

    assert error.value.lines == [ShortLine(widget.pk, warehouse.pk, D("1"), D("5"))]
    document.refresh_from_db()
    assert document.is_completed
    assert on_hand(widget, warehouse) == D("1")


def test_stock_is_per_department(company, warehouse, shop_floor, widget):
    receive(company, warehouse, (widget, D("5")))
    receive(company, shop_floor, (widget, D("2")))

    assert (on_hand(widget, warehouse), on_hand(widget, shop_floor)) == (D("5"), D("2"))


@pytest.mark.parametrize(
    ("field", "make_args"),
    [
        ("department", lambda c, f: {"department": f["department"]}),
        ("product", lambda c, f: {"lines": [(f["product"], D("1"))]}),
    ],
)
def test_foreign_objects_are_refused(company, warehouse, widget, foreign_company, field, make_args):
    foreign = {
        "department": Department.objects.create(company=foreign_company, name="Theirs"),
        "product": Product.objects.create(company=foreign_company, name="Theirs"),
    }
    kwargs = {"department": warehouse, "lines": [(widget, D("1"))], **make_args(company, foreign)}

    with pytest.raises(WrongCompany) as error:
        create_stock_document(company=company, kind=RECEIPT, **kwargs)

    assert error.value.code == "wrong_company"
    assert error.value.field == field
    assert not StockDocument.objects.exists()


def test_a_user_of_another_account_is_refused(company, warehouse, widget, foreign_company):
    from tests.conftest import make_user

    stranger = make_user(foreign_company.account, foreign_company, username="x", permissions=[])

    with pytest.raises(WrongCompany) as error:
        receive(company, warehouse, (widget, D("1")), user=stranger)
    assert error.value.field == "user"


@pytest.mark.parametrize(
    "quantity",
    [D("0"), D("-1"), D("0.0004"), D("NaN"), D("sNaN"), D("Infinity"), D("1e12"), 1.5, "1", True],
)
def test_bad_quantities_are_refused(company, warehouse, widget, quantity):
    with pytest.raises(InvalidQuantity) as error:
        receive(company, warehouse, (widget, quantity))
    assert error.value.code == "invalid_quantity"
    assert not StockDocument.objects.exists()


def test_largest_quantity_fits(company, warehouse, widget):
    receive(company, warehouse, (widget, D("999999999999.999")))
    assert on_hand(widget, warehouse) == D("999999999999.999")


def test_quantities_are_rounded_to_three_places(company, warehouse, widget):
    receive(company, warehouse, (widget, D("1.0005")))
    assert on_hand(widget, warehouse) == D("1.001")


def test_an_empty_document_and_an_unknown_kind_are_refused(company, warehouse):
    with pytest.raises(EmptyDocument):
        receive(company, warehouse)
    with pytest.raises(ValueError, match="kind"):
        create_stock_document(company=company, department=warehouse, kind="theft", lines=[])


def test_the_database_refuses_negative_on_hand(warehouse, widget):
    from django.db import IntegrityError, transaction

    from backroom.inventory.models import StockLevel

    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(product=widget, department=warehouse, on_hand=D("-0.001"))
