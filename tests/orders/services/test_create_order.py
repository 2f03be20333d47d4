from datetime import date
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from backroom.companies.errors import WrongCompany
from backroom.companies.models import Department
from backroom.customers.models import Customer
from backroom.orders.errors import InvalidOrder
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.orders.services import NewOrderLine, create_order
from tests.conftest import make_user


@pytest.fixture
def order_kwargs(company, customer, warehouse, owner, widget, gadget):
    return {
        "company": company,
        "customer": customer,
        "department": warehouse,
        "created_by": owner,
        "lines": [
            NewOrderLine(product=widget, quantity=D("3"), price=D("2.99"), name="Widget, blue"),
            NewOrderLine(product=gadget, quantity=D("0.335"), price=D("10.01")),
        ],
    }


def test_order_with_lines_and_decimal_totals(order_kwargs, webshop, widget, gadget):
    order = create_order(
        **order_kwargs,
        status=CustomerOrder.Status.PROCESSING,
        shipment_date=date(2025, 3, 1),
        store=webshop,
        store_order_id=1234,
        billing_address={"first_name": "Ann", "city": "Leeds"},
        shipping_address={"city": "York"},
        currency="gbp",
        note="Leave at the door",
    )

    order = CustomerOrder.objects.get(pk=order.pk)
    assert (order.number, order.status, order.shipment_date) == (1, "processing", date(2025, 3, 1))
    assert (order.store, order.store_order_id, order.currency) == (webshop, 1234, "GBP")
    assert order.billing_address == {"first_name": "Ann", "city": "Leeds"}
    assert order.shipping_address == {"city": "York"}
    assert order.note == "Leave at the door"
    # 3 x 2.99 = 8.97; 0.335 x 10.01 = 3.35335 -> 3.35
    assert list(order.lines.values_list("product", "name", "quantity", "price", "total")) == [
        (widget.pk, "Widget, blue", D("3.000"), D("2.99"), D("8.97")),
        (gadget.pk, "", D("0.335"), D("10.01"), D("3.35")),
    ]
    assert order.total == D("12.32")
    assert type(order.total) is D


def test_defaults_and_numbers_per_company(order_kwargs, other_company, account):
    first = create_order(**order_kwargs)
    second = create_order(**order_kwargs)

    assert (first.number, second.number) == (1, 2)
    assert (first.status, first.store, first.store_order_id, first.currency) == (
        "new",
        None,
        None,
        "",
    )
    assert first.billing_address == {} and first.shipment_date is None
    other_customer = Customer.objects.create(company=other_company, name="Bob")
    other = create_order(
        company=other_company,
        customer=other_customer,
        department=Department.objects.create(company=other_company, name="Depot"),
        created_by=order_kwargs["created_by"],
        lines=[],
    )
    assert (other.number, other.total, other.lines.count()) == (1, D("0"), 0)


def test_prices_round_half_up_to_cents(order_kwargs, widget):
    order_kwargs["lines"] = [NewOrderLine(product=widget, quantity=D("1"), price=D("0.125"))]
    order = create_order(**order_kwargs)
    line = order.lines.get()
    assert (line.price, line.total, order.total) == (D("0.13"), D("0.13"), D("0.13"))


def test_same_store_order_twice_is_an_integrity_error_in_a_usable_transaction(
    order_kwargs, webshop
):
    create_order(**order_kwargs, store=webshop, store_order_id=77)

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            create_order(**order_kwargs, store=webshop, store_order_id=77)
        # The caller's transaction goes on: the failed order left nothing and its number is free.
        assert CustomerOrder.objects.count() == 1
        assert create_order(**order_kwargs, store=webshop, store_order_id=78).number == 2
    assert OrderLine.objects.count() == 4


def test_unique_store_order_constraint_is_in_the_database(order_kwargs, webshop):
    order = create_order(**order_kwargs, store=webshop, store_order_id=5)
    order.pk = None
    order.number = 99
    with pytest.raises(IntegrityError), transaction.atomic():
        order.save()
    # Without a store the id is free to repeat (orders made by hand).
    create_order(**order_kwargs)
    create_order(**order_kwargs)


@pytest.mark.parametrize("field", ["customer", "department", "store", "product"])
def test_foreign_objects_are_refused(order_kwargs, webshop, foreign_company, owner, field):
    from backroom.catalog.models import PriceType, Product
    from backroom.stores.models import Store

    theirs = Department.objects.create(company=foreign_company, name="Theirs")
    foreign = {
        "customer": Customer.objects.create(company=foreign_company, name="Eve"),
        "department": theirs,
        "store": Store.objects.create(
            company=foreign_company,
            name="Rival online",
            language="EN",
            regular_price_type=PriceType.objects.create(company=foreign_company, name="R"),
            orders_department=theirs,
            order_creator=owner,
            created_by=owner,
        ),
        "product": Product.objects.create(company=foreign_company, name="Theirs"),
    }
    if field == "product":
        order_kwargs["lines"] = [NewOrderLine(product=foreign["product"], quantity=1, price=1)]
    else:
        order_kwargs[field] = foreign[field]
    extra = {"store_order_id": 1} if field == "store" else {}

    with pytest.raises(WrongCompany) as error:
        create_order(**order_kwargs, **extra)

    assert error.value.field == field
    assert not CustomerOrder.objects.exists()


def test_a_creator_from_another_account_is_refused(order_kwargs, foreign_company):
    order_kwargs["created_by"] = make_user(
        foreign_company.account, foreign_company, username="eve", permissions=[]
    )
    with pytest.raises(WrongCompany) as error:
        create_order(**order_kwargs)
    assert error.value.field == "user"


def test_every_bad_field_is_named(order_kwargs, widget, webshop):
    order_kwargs["lines"] = [
        NewOrderLine(product=widget, quantity=D("0"), price=D("-1")),
        NewOrderLine(product=widget, quantity=D("NaN"), price=1.5, name="x" * 501),
        NewOrderLine(product=widget, quantity=D("1e12"), price=D("1e12")),
        NewOrderLine(product=widget, quantity=D("999999999"), price=D("999999999")),
        NewOrderLine(product=widget, quantity=True, price=D("1")),
    ]

    with pytest.raises(InvalidOrder) as error:
        create_order(**order_kwargs, currency="pounds", status="lost", store=webshop)

    assert error.value.code == "invalid_order"
    assert error.value.errors == {
        "lines[0].quantity": "Must be above zero.",
        "lines[0].price": "Must not be negative.",
        "lines[1].quantity": "Out of range.",
        "lines[1].price": "Must be a Decimal.",
        "lines[1].name": "At most 500 characters.",
        "lines[2].quantity": "Out of range.",
        "lines[2].price": "Out of range.",
        "lines[3].total": "The line's total is too large.",
        "lines[4].quantity": "Must be a Decimal.",
        "currency": "Three letters (ISO 4217), or empty.",
        "status": "One of new, processing, on_hold, completed, cancelled, refunded, failed.",
        "store_order_id": "An order from a store has the store's order id, and only then.",
    }
    assert not CustomerOrder.objects.exists()


def test_order_total_must_fit(order_kwargs, widget):
    line = NewOrderLine(product=widget, quantity=D("999999"), price=D("999999"))
    order_kwargs["lines"] = [line] * 2

    with pytest.raises(InvalidOrder) as error:
        create_order(**order_kwargs)
    assert error.value.errors == {"total": "The order's total is too large."}


def test_hostile_and_unicode_texts_are_stored_cleanly(order_kwargs, widget):
    order_kwargs["lines"] = [NewOrderLine(product=widget, quantity=1, price=1, name="Zoë\x00 ☕ ")]
    order = create_order(
        **order_kwargs,
        note="<script>alert(1)</script>\x00",
        billing_address={"city\x00": ["Łódź\x07", {"zip": "00-001\x00"}], "n": 1},
    )

    order = CustomerOrder.objects.get(pk=order.pk)
    assert order.lines.get().name == "Zoë ☕"
    assert order.note == "<script>alert(1)</script>"
    assert order.billing_address == {"city": ["Łódź", {"zip": "00-001"}], "n": 1}


def test_one_query_per_table_however_many_lines(order_kwargs, widget, django_assert_num_queries):
    create_order(**order_kwargs)
    order_kwargs["lines"] = [NewOrderLine(product=widget, quantity=1, price=1)] * 50
    # savepoint, lock counter, update counter, (nested savepoint), order, lines, release
    with django_assert_num_queries(8):
        order = create_order(**order_kwargs)
    assert order.lines.count() == 50
