"""intake_order's customer: found by the store's customer id, e-mail or phone; else created from
the order, or the store's default customer. An existing customer is never changed."""

import json
from dataclasses import replace

import pytest

from backroom.customers.models import Customer
from backroom.customers.services import create_customer
from backroom.orders.intake import Buyer, intake_order
from backroom.orders.models import CustomerOrder
from backroom.stores.models import Store
from tests.orders.intake.conftest import JANE, JANE_BILLING, JANE_SHIPPING, incoming, line


def _intake(shop, product, buyer, store_order_id=1001):
    return intake_order(
        store=shop, incoming=incoming(line(product), buyer=buyer, store_order_id=store_order_id)
    ).order


@pytest.fixture
def known(company, webshop) -> Customer:
    return create_customer(
        company=company,
        name="Jane Doe (wholesale)",
        email="jane.doe@example.test",
        phone="+44 7700 900456",
        billing_address={"city": "York"},
        store=webshop,
        store_customer_id=42,
    )


def test_by_the_stores_customer_id_first(shop, widget, known, company):
    create_customer(company=company, name="Other", email="other@example.test")

    order = _intake(shop, widget, Buyer(store_customer_id=42, email="other@example.test"))

    assert (order.customer, order.customer_reason) == (known, "store_customer_id")


@pytest.mark.parametrize(
    "email",
    [
        "jane.doe@example.test",
        "Jane.Doe@EXAMPLE.test",
        "  jane.doe@example.test ",
        "JANE.DOE@example.test\t",
    ],
)
def test_by_email_in_any_case_and_spacing(shop, widget, known, email):
    # B-09: case and surrounding spaces never make another buyer.
    order = _intake(shop, widget, Buyer(name="J. Doe", email=email, store_customer_id=7))

    assert (order.customer, order.customer_reason) == (known, "email")
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("phone", ["07700 900456", "+447700900456", "0044-7700-900-456"])
def test_by_phone_in_e164_reading_national_numbers_in_the_companys_country(
    shop, widget, known, phone
):
    order = _intake(shop, widget, Buyer(email="new@example.test", phone=phone))

    assert (order.customer, order.customer_reason) == (known, "phone")


def test_a_too_short_phone_matches_nobody(shop, widget, known):
    order = _intake(shop, widget, Buyer(name="Short", phone="4545"))

    assert order.customer_reason == "created"
    assert order.customer != known


def test_the_store_customer_id_of_another_store_is_another_buyer(
    shop, widget, known, company, retail, warehouse, owner
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

    order = _intake(outlet, widget, Buyer(name="Zed", store_customer_id=42))

    assert order.customer_reason == "created"
    assert (order.customer.store, order.customer.store_customer_id) == (outlet, 42)


def test_an_existing_customer_is_never_changed(shop, widget, known):
    # B-07: three orders from one buyer under other names and addresses.
    before = Customer.objects.values().get()
    for number, name in enumerate(["Jane Doe", "Jane Doe", "J. Doe"], start=1):
        buyer = Buyer(
            name=name,
            email="jane.doe@example.test",
            phone="07700 111222",
            billing_address={"first_name": name, "city": f"City {number}"},
        )
        _intake(shop, widget, buyer, store_order_id=number)

    assert Customer.objects.values().get() == before
    assert [o.billing_address["city"] for o in CustomerOrder.objects.order_by("number")] == [
        "City 1",
        "City 2",
        "City 3",
    ]


def test_a_new_customer_from_the_order(shop, widget):
    order = _intake(shop, widget, replace(JANE, store_customer_id=9))

    customer = order.customer
    assert order.customer_reason == "created"
    assert (customer.name, customer.kind) == ("Jane Doe", "person")
    assert (customer.email, customer.phone) == ("Jane.Doe@Example.test", "07700 900456")
    assert (customer.email_normalized, customer.phone_normalized) == (
        "jane.doe@example.test",
        "+447700900456",
    )
    assert (customer.billing_address, customer.shipping_address) == (JANE_BILLING, JANE_SHIPPING)
    assert (customer.store, customer.store_customer_id) == (shop, 9)


@pytest.mark.parametrize(
    ("buyer", "name", "kind"),
    [
        (Buyer(name="Ann Lee", organisation="Lee Ltd"), "Ann Lee", "person"),
        (Buyer(organisation="Lee Ltd", email="a@lee.test"), "Lee Ltd", "organisation"),
        (
            Buyer(shipping_address={"first_name": "Bo", "last_name": "Lee"}, email="b@lee.test"),
            "Bo Lee",
            "person",
        ),
        (Buyer(shipping_address={"last_name": "Lee"}, phone="07700 900999"), "Lee", "person"),
        (Buyer(email="c@lee.test", phone="07700 900999"), "c@lee.test", "person"),
        (Buyer(phone="07700 900999"), "07700 900999", "person"),
        (Buyer(), "Buyer of Acme online order WC-1001", "person"),
        (Buyer(name="\x00 \t"), "Buyer of Acme online order WC-1001", "person"),
        (Buyer(name="N" * 600), "N" * 500, "person"),
    ],
)
def test_the_new_customers_name_is_the_best_the_order_gives(shop, widget, buyer, name, kind):
    order = intake_order(
        store=shop, incoming=incoming(line(widget), buyer=buyer, store_order_number="WC-1001")
    ).order

    assert (order.customer.name, order.customer.kind) == (name, kind)
    assert order.customer.store_customer_id is None


def test_a_guest_of_a_real_order_without_a_number_is_named_by_the_store_id(
    shop, widget, shared_data
):
    # ios-order-154: a guest with empty billing and shipping and customer_id 0.
    payload = json.loads(
        (shared_data / "woocommerce-orders" / "ios-order-154-guest-gbp-variation.json").read_text()
    )
    buyer = Buyer(
        billing_address=payload["billing"],
        shipping_address=payload["shipping"],
        store_customer_id=payload["customer_id"],
    )
    order = intake_order(
        store=shop,
        incoming=incoming(line(widget), buyer=buyer, store_order_id=154, store_order_number=""),
    ).order

    assert order.customer.name == "Buyer of Acme online order 154"
    assert (order.customer.store_customer_id, order.customer.email) == (None, "")


def test_email_and_phone_too_long_to_keep_are_dropped(shop, widget):
    long_email = "a" * 310 + "@example.test"
    order = _intake(shop, widget, Buyer(name="Long", email=long_email, phone="0" * 70))

    assert (order.customer.email, order.customer.phone) == ("", "")


def test_the_default_customer_when_the_store_says_so(shop, widget, company):
    # B-10: unknown buyers all go to D, each order keeps its own snapshot.
    default = create_customer(company=company, name="Web shop walk-ins")
    shop.if_customer_not_found = Store.IfCustomerNotFound.USE_DEFAULT
    shop.default_customer = default
    buyers = [
        Buyer(name="One", email="one@example.test", billing_address={"city": "Leeds"}),
        Buyer(name="Two", email="two@example.test", billing_address={"city": "Hull"}),
    ]

    orders = [_intake(shop, widget, b, store_order_id=n) for n, b in enumerate(buyers, 1)]

    assert [(o.customer, o.customer_reason) for o in orders] == [(default, "default")] * 2
    assert [o.billing_address for o in orders] == [{"city": "Leeds"}, {"city": "Hull"}]
    assert Customer.objects.count() == 1


def test_a_known_buyer_is_found_even_when_the_store_uses_the_default(shop, widget, known, company):
    shop.if_customer_not_found = Store.IfCustomerNotFound.USE_DEFAULT
    shop.default_customer = create_customer(company=company, name="Walk-ins")

    order = _intake(shop, widget, Buyer(email="JANE.DOE@example.test"))

    assert (order.customer, order.customer_reason) == (known, "email")


@pytest.mark.parametrize("customer_id", [0, -5, True, None])
def test_no_store_customer_id_for_a_guest(shop, widget, customer_id):
    order = _intake(shop, widget, Buyer(name="Guest", store_customer_id=customer_id))

    assert order.customer.store_customer_id is None
