"""Fixtures for the order screens: signed-in clients with various roles, and orders from a
store as intake leaves them (made with orders.services.create_order, then given the store's
fields that intake writes)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client

from backroom.customers.models import Customer
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.orders.services import NewOrderLine, create_order
from tests.conftest import make_user

VIEW_ORDERS_OWN = ["orders.view.own"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return signed_in(owner)


@pytest.fixture
def order_viewer(account, company):
    """May view the orders of the own company, nothing else (not even the stores)."""
    return make_user(account, company, username="orderviewer", permissions=VIEW_ORDERS_OWN)


@pytest.fixture
def order_viewer_client(order_viewer) -> Client:
    return signed_in(order_viewer)


@pytest.fixture
def store_viewer_client(account, company) -> Client:
    """May view online-store connections but no orders."""
    return signed_in(
        make_user(account, company, username="storeviewer", permissions=["stores.view.own"])
    )


@pytest.fixture
def store_order(company, warehouse, owner, webshop):
    """store_order(store_order_id, *lines, **fields) -> an order of `webshop` as intake leaves
    it. `lines` are (product, quantity, price, store_total); `fields` are the order's store
    fields (store_created_at, store_order_number, customer_reason, ...) and `customer`."""

    def make(store_order_id: int, *lines, customer=None, store=None, **fields) -> CustomerOrder:
        customer = (
            customer
            or Customer.objects.get_or_create(
                company=company, name="Ann Smith", defaults={"email": "ann@example.com"}
            )[0]
        )
        order = create_order(
            company=company,
            customer=customer,
            department=warehouse,
            created_by=owner,
            lines=[
                NewOrderLine(product=p, quantity=Decimal(q), price=Decimal(price), name=p.name)
                for p, q, price, _store_total in lines
            ],
            store=store or webshop,
            store_order_id=store_order_id,
            status=fields.pop("status", CustomerOrder.Status.PROCESSING),
            currency="EUR",
        )
        fields.setdefault("store_order_number", str(store_order_id))
        fields.setdefault("store_created_at", datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
        fields.setdefault("customer_reason", CustomerOrder.CustomerReason.EMAIL)
        CustomerOrder.objects.filter(pk=order.pk).update(**fields)
        for line, (_p, _q, _price, store_total) in zip(
            order.lines.order_by("pk"), lines, strict=True
        ):
            OrderLine.objects.filter(pk=line.pk).update(
                product_match=OrderLine.ProductMatch.STORE_ID,
                store_total=None if store_total is None else Decimal(store_total),
            )
        order.refresh_from_db()
        return order

    return make
