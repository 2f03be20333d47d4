"""Fixtures for order intake: the store as the batch code loads it, and IncomingOrder factories."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from backroom.inventory.services import set_on_hand
from backroom.orders.intake import Buyer, IncomingLine, IncomingOrder
from backroom.orders.models import OrderLine
from backroom.stores.models import Store

JANE_BILLING = {
    "first_name": "Jane",
    "last_name": "Doe",
    "company": "",
    "address_1": "1 Example Street",
    "city": "Leeds",
    "postcode": "LS1 1AA",
    "country": "GB",
    "email": "Jane.Doe@Example.test",
    "phone": "07700 900456",
}
JANE_SHIPPING = {"first_name": "Jane", "last_name": "Doe", "address_1": "2 Dock Road"}
JANE = Buyer(
    name="Jane Doe",
    email="Jane.Doe@Example.test",
    phone="07700 900456",
    billing_address=JANE_BILLING,
    shipping_address=JANE_SHIPPING,
)
PLACED_AT = datetime(2024, 6, 1, 9, 30, 5, tzinfo=UTC)


def load_store(pk: int) -> Store:
    """The store as stores.order_intake loads it: its settings' rows joined in."""
    return Store.objects.select_related(
        "company", "orders_department", "order_creator__membership", "default_customer"
    ).get(pk=pk)


@pytest.fixture
def shop(webshop) -> Store:
    return load_store(webshop.pk)


def line(product, quantity="1", price="10.00", **kwargs) -> IncomingLine:
    """A line found by the store's product id, numbers given as texts."""
    kwargs.setdefault("product_match", OrderLine.ProductMatch.STORE_ID)
    kwargs.setdefault("name", product.name)
    if isinstance(kwargs.get("store_total"), str):
        kwargs["store_total"] = D(kwargs["store_total"])
    return IncomingLine(product=product, quantity=D(quantity), price=D(price), **kwargs)


def incoming(*lines: IncomingLine, store_order_id=1001, **kwargs) -> IncomingOrder:
    """A processing order of Jane Doe, placed 2024-06-01 09:30:05 UTC."""
    kwargs.setdefault("status", "processing")
    kwargs.setdefault("buyer", JANE)
    kwargs.setdefault("store_order_number", str(store_order_id))
    kwargs.setdefault("store_created_at", PLACED_AT)
    kwargs.setdefault("order_date", date(2024, 6, 1))
    kwargs.setdefault("currency", "GBP")
    kwargs.setdefault("payload", {"id": store_order_id, "status": kwargs["status"]})
    return IncomingOrder(store_order_id=store_order_id, lines=tuple(lines), **kwargs)


@pytest.fixture
def stock(warehouse):
    """stock(product, "5"): on-hand in the warehouse set to 5."""

    def put(product, quantity):
        set_on_hand(department=warehouse, quantities={product: D(quantity)})

    return put
