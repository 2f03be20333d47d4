from decimal import Decimal as D

from backroom.catalog.models import Product
from backroom.companies.models import Department
from backroom.inventory.models import Reservation
from backroom.inventory.selectors import available_quantities, store_stock
from backroom.inventory.services import set_on_hand


def reserve(line, department, quantity):
    Reservation.objects.create(
        order_line=line, product_id=line.product_id, department=department, quantity=quantity
    )


def test_on_hand_minus_reservations(company, warehouse, shop_floor, widget, gadget, make_order):
    set_on_hand(department=warehouse, quantities={widget: D("10"), gadget: D("1.5")})
    set_on_hand(department=shop_floor, quantities={widget: D("2")})
    first, second = make_order((widget, "3"), (widget, "2.25")).lines.all()
    reserve(first, warehouse, D("3"))
    reserve(second, warehouse, D("2.25"))
    reserve(make_order((widget, "1"), department=shop_floor).lines.get(), shop_floor, D("1"))

    result = available_quantities(
        company=company, products=[widget, gadget.pk], departments=[warehouse, shop_floor.pk]
    )

    assert result == {
        (widget.pk, warehouse.pk): D("4.75"),
        (widget.pk, shop_floor.pk): D("1"),
        (gadget.pk, warehouse.pk): D("1.5"),
        (gadget.pk, shop_floor.pk): D("0"),
    }
    assert all(type(value) is D for value in result.values())


def test_one_query_however_many_products(company, warehouse, shop_floor, django_assert_num_queries):
    products = Product.objects.bulk_create(
        Product(company=company, name=f"P{i}") for i in range(40)
    )
    set_on_hand(department=warehouse, quantities={p: D(i) for i, p in enumerate(products)})

    with django_assert_num_queries(1):
        result = available_quantities(
            company=company, products=products, departments=[warehouse, shop_floor]
        )

    assert len(result) == 80
    assert result[(products[39].pk, warehouse.pk)] == D("39")
    with django_assert_num_queries(1):
        assert (
            store_stock(company=company, products=products, departments=[warehouse])[products[7].pk]
            == 7
        )


def test_nothing_asked_costs_nothing(company, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert available_quantities(company=company, products=[], departments=[1]) == {}


def test_another_companys_stock_reads_as_zero(
    company, warehouse, foreign_company, foreign_product, widget
):
    theirs = Department.objects.create(company=foreign_company, name="Theirs")
    set_on_hand(department=theirs, quantities={foreign_product: D("9")})
    set_on_hand(department=warehouse, quantities={widget: D("1")})

    result = available_quantities(
        company=company, products=[foreign_product, widget], departments=[theirs, warehouse]
    )

    assert result == {
        (foreign_product.pk, theirs.pk): D("0"),
        (foreign_product.pk, warehouse.pk): D("0"),
        (widget.pk, theirs.pk): D("0"),
        (widget.pk, warehouse.pk): D("1"),
    }
    assert store_stock(company=company, products=[foreign_product], departments=[theirs]) == {
        foreign_product.pk: 0
    }


def test_store_stock_sums_departments_and_rounds_down(
    company, warehouse, shop_floor, widget, gadget, make_order
):
    set_on_hand(department=warehouse, quantities={widget: D("2.6"), gadget: D("0.9")})
    set_on_hand(department=shop_floor, quantities={widget: D("1.5")})
    reserve(make_order((widget, "1")).lines.get(), warehouse, D("0.2"))

    assert store_stock(
        company=company, products=[widget, gadget], departments=[warehouse, shop_floor]
    ) == {widget.pk: 3, gadget.pk: 0}
    assert store_stock(company=company, products=[widget], departments=[shop_floor]) == {
        widget.pk: 1
    }


def test_store_stock_never_negative_and_a_short_department_takes_nothing_away(
    company, warehouse, shop_floor, widget, make_order
):
    """Reservations above on-hand cannot be made through the services; if data ever says so,
    the store still never sees less than zero, nor units subtracted from another department."""
    set_on_hand(department=warehouse, quantities={widget: D("1")})
    set_on_hand(department=shop_floor, quantities={widget: D("4")})
    reserve(make_order((widget, "3")).lines.get(), warehouse, D("3"))

    assert store_stock(company=company, products=[widget], departments=[warehouse]) == {
        widget.pk: 0
    }
    assert store_stock(company=company, products=[widget], departments=[warehouse, shop_floor]) == {
        widget.pk: 4
    }
