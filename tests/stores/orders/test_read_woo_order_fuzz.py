"""read_woo_order on anything a store could post: an IncomingOrder or OrderNotImported, never
another exception; and what it reads always fits what Backroom stores."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroom.orders.errors import OrderNotImported
from backroom.orders.intake import IncomingOrder
from backroom.orders.models import CustomerOrder
from backroom.stores.order_intake import import_store_orders
from backroom.stores.woo_orders import read_woo_order
from tests.stores.orders.conftest import Kind, link, product

pytestmark = pytest.mark.django_db

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["", "0", "1.5", "-2", "1e999", "NaN", "17.647059", " 12 ", "[]"])
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
IDS = st.sampled_from([7, 8, 11, "7", 0, -1, None, 7.0, "x"]) | JSON
LINE = st.fixed_dictionaries(
    {},
    optional={
        "id": IDS,
        "name": JSON,
        "product_id": IDS,
        "variation_id": IDS,
        "quantity": JSON | st.decimals(allow_nan=False).map(str),
        "price": JSON | st.floats(min_value=-5, max_value=1e6),
        "total": JSON,
        "sku": st.sampled_from(["", "TEA", " TEA", None]) | JSON,
    },
)
ADDRESS = st.one_of(
    st.just([]),
    JSON,
    st.fixed_dictionaries(
        {},
        optional={key: JSON for key in ("first_name", "last_name", "company", "email", "phone")},
    ),
)
ORDER = st.fixed_dictionaries(
    {},
    optional={
        "id": IDS,
        "number": JSON,
        "status": st.sampled_from(["processing", "cancelled", "wc-on-hold"]) | JSON,
        "currency": JSON,
        "date_created": JSON | st.datetimes().map(lambda d: d.isoformat()),
        "date_created_gmt": JSON | st.datetimes().map(lambda d: d.isoformat()),
        "customer_id": IDS,
        "customer_note": JSON,
        "billing": ADDRESS,
        "shipping": ADDRESS,
        "total": JSON,
        "fee_lines": st.lists(st.fixed_dictionaries({"total": JSON}), max_size=2) | JSON,
        "line_items": st.lists(LINE | JSON, max_size=4) | JSON,
    },
)


@pytest.fixture
def linked(store):
    tea = link(store, Kind.PRODUCT, 7, product(store.company, "Tea", sku="TEA"))
    link(store, Kind.VARIATION, 11, product(store.company, "Tee red", parent=tea))
    return store


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=ORDER | JSON)
def test_any_payload_reads_or_is_not_imported(linked, payload):
    try:
        incoming = read_woo_order(store=linked, payload=payload)
    except OrderNotImported as error:
        assert error.reason
        assert len(error.reason) < 3000
        return
    assert isinstance(incoming, IncomingOrder)
    assert 0 < incoming.store_order_id < 2**63
    assert incoming.status in CustomerOrder.Status.values
    assert len(incoming.store_order_number) <= 40
    assert incoming.currency == "" or (incoming.currency.isalpha() and len(incoming.currency) == 3)
    for line in incoming.lines:
        assert isinstance(line.quantity, Decimal) and line.quantity > 0
        assert isinstance(line.price, Decimal) and line.price >= 0
        assert line.store_total is None or line.store_total.is_finite()
        assert len(line.name) <= 500
    for value in incoming.store_totals.values():
        assert Decimal(value).is_finite()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payloads=st.lists(ORDER | JSON, max_size=4))
def test_any_batch_is_handled(linked, payloads):
    """Whatever the store posts, every order is imported, repeated or held: nothing raises."""
    report = import_store_orders(store=linked, payloads=payloads)

    assert report.received == len(payloads)
    assert report.created + report.repeated + report.held == len(payloads)
    assert report.held == len(report.held_reasons)
