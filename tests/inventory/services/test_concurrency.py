"""Reserving under real concurrency (PostgreSQL row locks): no oversell, no deadlock."""

from decimal import Decimal as D

import pytest
from django.db import connection

from backroom.inventory.models import Reservation
from backroom.inventory.services import reserve_order_lines, set_on_hand
from tests.inventory.threads import run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_thirty_buyers_of_ten_units_get_exactly_ten(warehouse, widget, make_order):
    set_on_hand(department=warehouse, quantities={widget: D("10")})
    lines = [make_order((widget, "1")).lines.get() for _ in range(30)]

    results = run_at_once(
        [
            lambda line=line: reserve_order_lines(lines=[(line, D("1"))], department=warehouse)
            for line in lines
        ]
    )

    assert not [r for r in results if isinstance(r, BaseException)]
    assert (
        sorted(r[line.pk] for r, line in zip(results, lines, strict=True))
        == [D(0)] * 20 + [D(1)] * 10
    )
    assert Reservation.objects.count() == 10
    assert sum(Reservation.objects.values_list("quantity", flat=True)) == D("10")


def test_lines_in_opposite_product_order_do_not_deadlock(warehouse, widget, gadget, make_order):
    set_on_hand(department=warehouse, quantities={widget: D("10"), gadget: D("10")})
    jobs = []
    for i in range(10):
        items = [(widget, "1"), (gadget, "1")] if i % 2 else [(gadget, "1"), (widget, "1")]
        lines = list(make_order(*items).lines.all())
        jobs.append(
            lambda lines=lines: reserve_order_lines(
                lines=[(line, D("1")) for line in lines], department=warehouse
            )
        )

    results = run_at_once(jobs)

    assert not [r for r in results if isinstance(r, BaseException)]
    assert Reservation.objects.count() == 20


def test_reserving_while_stock_is_written_off_never_oversells(
    company, warehouse, widget, make_order
):
    from backroom.inventory.errors import InsufficientStock
    from backroom.inventory.models import StockDocument
    from backroom.inventory.selectors import available_quantities
    from backroom.inventory.services import create_stock_document

    set_on_hand(department=warehouse, quantities={widget: D("10")})
    lines = [make_order((widget, "1")).lines.get() for _ in range(10)]
    reserve_jobs = [
        lambda line=line: reserve_order_lines(lines=[(line, D("1"))], department=warehouse)
        for line in lines
    ]
    write_off_jobs = [
        lambda: create_stock_document(
            company=company,
            department=warehouse,
            kind=StockDocument.Kind.WRITE_OFF,
            lines=[(widget, D("1"))],
        )
        for _ in range(10)
    ]

    results = run_at_once(reserve_jobs + write_off_jobs)

    failures = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, InsufficientStock) for r in failures)
    reserved = sum(Reservation.objects.values_list("quantity", flat=True))
    written_off = StockDocument.objects.filter(kind="write_off").count()
    assert reserved + written_off == 10
    assert available_quantities(company=company, products=[widget], departments=[warehouse]) == {
        (widget.pk, warehouse.pk): D("0")
    }
