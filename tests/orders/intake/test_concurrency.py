"""Order intake at the same moment (PostgreSQL, threads with their own connections): one order
per store order, one customer per buyer, and never a unit reserved twice."""

from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from backroom.customers.models import Customer
from backroom.inventory.models import Reservation
from backroom.orders.intake import Buyer, IntakeOutcome, intake_order
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.stores.models import Store
from tests.inventory.threads import run_at_once
from tests.orders.intake.conftest import incoming, line, load_store

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def reserving(webshop, widget, gadget, stock) -> Store:
    webshop.auto_reserve = True
    webshop.save(update_fields=["auto_reserve"])
    stock(widget, "10")
    stock(gadget, "10")
    return webshop


def _intake(store_pk, sent):
    """As stores.order_intake will: the store loaded, the order in its own transaction."""

    def job():
        with transaction.atomic():
            return intake_order(store=load_store(store_pk), incoming=sent)

    return job


@pytest.mark.parametrize(
    "buyer",
    [Buyer(name="Jane Doe", email="jane@example.test"), Buyer()],
    ids=["buyer with an e-mail", "guest without any key"],  # the guest's losers retry
)
def test_twenty_intakes_of_one_order_make_one(reserving, widget, gadget, buyer, caplog):
    sent = incoming(line(widget, "2"), line(gadget, "3"), buyer=buyer)

    results = run_at_once([_intake(reserving.pk, sent)] * 20)

    assert [r for r in results if isinstance(r, BaseException)] == []
    outcomes = sorted(r.outcome for r in results)
    assert outcomes == [IntakeOutcome.CREATED] + [IntakeOutcome.UNCHANGED] * 19
    assert {r.order.pk for r in results} == {CustomerOrder.objects.get().pk}
    assert Customer.objects.count() == 1  # a loser's customer went with its savepoint
    retries = [r for r in caplog.records if "concurrent import" in r.getMessage()]
    if buyer.email:  # the buyer's lock made the others wait, then find the order: no retry
        assert retries == []
    assert list(Reservation.objects.order_by("order_line").values_list("product", "quantity")) == [
        (widget.pk, D("2.000")),
        (gadget.pk, D("3.000")),
    ]


def test_thirty_orders_for_ten_units_reserve_ten(reserving, widget):
    jobs = [
        _intake(
            reserving.pk,
            incoming(
                line(widget, "1"),
                store_order_id=2000 + n,
                buyer=Buyer(name=f"Buyer {n}", email=f"buyer{n}@example.test"),
            ),
        )
        for n in range(30)
    ]

    results = run_at_once(jobs)

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert CustomerOrder.objects.count() == 30
    assert sorted(CustomerOrder.objects.values_list("number", flat=True)) == list(range(1, 31))
    assert Customer.objects.count() == 30
    held = Reservation.objects.filter(product=widget)
    assert (held.count(), held.aggregate(total=Sum("quantity"))["total"]) == (10, D("10.000"))
    assert set(held.values_list("quantity", flat=True)) == {D("1.000")}


def test_one_new_buyer_ordering_in_two_stores_at_once_is_one_customer(
    webshop, company, retail, warehouse, owner, widget
):
    outlet = Store.objects.create(
        company=company,
        name="Outlet",
        language="EN",
        regular_price_type=retail,
        orders_department=warehouse,
        order_creator=owner,
        created_by=owner,
    )
    jobs = [
        _intake(
            store.pk,
            incoming(
                line(widget),
                store_order_id=3000 + n,
                # Each store has its own customer id for her, and she types her e-mail anyhow.
                buyer=Buyer(
                    name="Jane Doe",
                    email=" JANE@example.test" if n % 2 else "jane@EXAMPLE.test",
                    store_customer_id=store.pk * 100,
                ),
            ),
        )
        for store in (webshop, outlet)
        for n in range(5)
    ]

    results = run_at_once(jobs)

    assert [r for r in results if isinstance(r, BaseException)] == []
    jane = Customer.objects.get()
    assert CustomerOrder.objects.filter(customer=jane).count() == 10
    reasons = sorted(CustomerOrder.objects.values_list("customer_reason", flat=True))
    # The first order creates her (with its store's id); the other store's orders find her by
    # e-mail; the first store's other orders by its customer id.
    assert reasons[0] == "created" and reasons.count("created") == 1
    first_store = jane.store
    assert set(
        CustomerOrder.objects.filter(store=first_store)
        .exclude(customer_reason="created")
        .values_list("customer_reason", flat=True)
    ) == {"store_customer_id"}
    assert set(
        CustomerOrder.objects.exclude(store=first_store).values_list("customer_reason", flat=True)
    ) == {"email"}


def test_a_cancellation_racing_its_own_repeats_releases_once(reserving, widget):
    intake_order(store=load_store(reserving.pk), incoming=incoming(line(widget, "4")))
    cancelled = incoming(line(widget, "4"), status="cancelled")

    results = run_at_once([_intake(reserving.pk, cancelled)] * 10)

    assert (
        sorted(r.outcome for r in results)
        == [IntakeOutcome.STATUS_CHANGED] + [IntakeOutcome.UNCHANGED] * 9
    )
    assert Reservation.objects.count() == 0
    assert OrderLine.objects.get().reserved_quantity == D(0)
