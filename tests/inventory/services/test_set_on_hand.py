from decimal import Decimal as D

import pytest

from backroom.catalog.models import Product
from backroom.companies.errors import WrongCompany
from backroom.inventory.errors import InsufficientStock, InvalidQuantity, ShortLine
from backroom.inventory.models import Reservation, StockDocument, StockLevel
from backroom.inventory.services import set_on_hand
from tests.inventory.fixtures import on_hand


def test_first_run_posts_one_receipt(warehouse, widget, gadget, owner):
    documents = set_on_hand(
        department=warehouse, quantities={widget: D("5"), gadget: D("0")}, user=owner, note="CSV"
    )

    assert [(d.kind, d.number, d.is_completed, d.note) for d in documents] == [
        ("receipt", 1, True, "CSV")
    ]
    assert list(documents[0].lines.values_list("product_id", "quantity")) == [(widget.pk, D("5"))]
    assert on_hand(widget, warehouse) == D("5")
    # No row is made for a product that stays at zero.
    assert not StockLevel.objects.filter(product=gadget).exists()


def test_second_run_posts_nothing(warehouse, widget, gadget):
    quantities = {widget: D("5"), gadget: D("2.5")}
    set_on_hand(department=warehouse, quantities=quantities)

    assert set_on_hand(department=warehouse, quantities=quantities) == []
    assert StockDocument.objects.count() == 1


def test_ups_and_downs_make_one_receipt_and_one_write_off(warehouse, widget, gadget, company):
    third = Product.objects.create(company=company, name="Third")
    set_on_hand(department=warehouse, quantities={widget: D("5"), gadget: D("5")})

    documents = set_on_hand(
        department=warehouse, quantities={widget: D("7"), gadget: D("1"), third: D("0")}
    )

    assert [(d.kind, d.number) for d in documents] == [("receipt", 2), ("write_off", 1)]
    assert list(documents[0].lines.values_list("product_id", "quantity")) == [(widget.pk, D("2"))]
    assert list(documents[1].lines.values_list("product_id", "quantity")) == [(gadget.pk, D("4"))]
    assert (on_hand(widget, warehouse), on_hand(gadget, warehouse)) == (D("7"), D("1"))


def test_only_a_write_off_when_everything_goes_down(warehouse, widget):
    set_on_hand(department=warehouse, quantities={widget: D("5")})

    documents = set_on_hand(department=warehouse, quantities={widget: D("0")})

    assert [d.kind for d in documents] == ["write_off"]
    assert on_hand(widget, warehouse) == 0


def test_empty_mapping_posts_nothing(warehouse):
    assert set_on_hand(department=warehouse, quantities={}) == []


def test_other_departments_are_left_alone(warehouse, shop_floor, widget):
    set_on_hand(department=shop_floor, quantities={widget: D("3")})
    set_on_hand(department=warehouse, quantities={widget: D("5")})

    assert on_hand(widget, shop_floor) == D("3")


def test_below_reserved_is_refused_and_nothing_changes(warehouse, widget, gadget, make_order):
    set_on_hand(department=warehouse, quantities={widget: D("5"), gadget: D("5")})
    line = make_order((widget, "3")).lines.get()
    Reservation.objects.create(order_line=line, product=widget, department=warehouse, quantity=3)

    with pytest.raises(InsufficientStock) as error:
        set_on_hand(department=warehouse, quantities={widget: D("2"), gadget: D("9")})

    assert error.value.lines == [ShortLine(widget.pk, warehouse.pk, D("2"), D("3"))]
    assert (on_hand(widget, warehouse), on_hand(gadget, warehouse)) == (D("5"), D("5"))
    assert StockDocument.objects.count() == 1


@pytest.mark.parametrize("quantity", [D("-1"), D("NaN"), D("1e13"), 2.0])
def test_bad_targets_are_refused(warehouse, widget, quantity):
    with pytest.raises(InvalidQuantity):
        set_on_hand(department=warehouse, quantities={widget: quantity})
    assert not StockDocument.objects.exists()


def test_foreign_product_is_refused(warehouse, widget, foreign_product):
    with pytest.raises(WrongCompany) as error:
        set_on_hand(department=warehouse, quantities={widget: D("1"), foreign_product: D("1")})
    assert error.value.field == "product"
    assert not StockDocument.objects.exists()
