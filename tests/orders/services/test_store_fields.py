"""create_order's fields for orders from stores (how the customer and each product were chosen,
the store's own figures and payload), their defaults for other callers, and storable_json."""

import json
import math
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backroom.orders.errors import InvalidOrder
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.orders.services import NewOrderLine, create_order, storable_json


@pytest.fixture
def kwargs(company, customer, warehouse, owner, webshop):
    return {
        "company": company,
        "customer": customer,
        "department": warehouse,
        "created_by": owner,
        "store": webshop,
        "store_order_id": 77,
    }


def test_defaults_for_callers_that_do_not_come_from_a_store(make_order, widget):
    order = make_order((widget, "2"))

    order = CustomerOrder.objects.get(pk=order.pk)
    assert (order.customer_reason, order.store_order_number, order.store_created_at) == (
        "chosen",
        "",
        None,
    )
    assert (order.store_totals, order.totals_mismatch, order.store_payload) == ({}, False, None)
    assert list(order.lines.values_list("product_match", "store_line_id", "store_total")) == [
        ("chosen", None, None)
    ]


def test_store_fields_are_kept(kwargs, widget):
    placed = datetime(2024, 6, 1, 9, 30, 5, tzinfo=UTC)
    order = create_order(
        **kwargs,
        lines=[
            NewOrderLine(
                product=widget,
                quantity=D("3"),
                price=D("3.333"),
                product_match=OrderLine.ProductMatch.SKU,
                store_line_id=9_000_000_000,
                store_total=D("9.999"),
            )
        ],
        customer_reason=CustomerOrder.CustomerReason.PHONE,
        store_order_number=" WC-77 ",
        store_created_at=placed,
        store_totals={"total": "10.00", "total\x00tax": "0.00"},
        store_payload={"id": 77, "x": [1.5, None, "\x00"]},
    )

    order = CustomerOrder.objects.get(pk=order.pk)
    assert (order.customer_reason, order.store_order_number, order.store_created_at) == (
        "phone",
        "WC-77",
        placed,
    )
    assert order.store_totals == {"total": "10.00", "totaltax": "0.00"}
    assert order.store_payload == {"id": 77, "x": [1.5, None, "\ufffd"]}
    # 3 x 3.33 = 9.99 and the store's 9.999 -> 10.00: they differ.
    assert list(
        order.lines.values_list("price", "total", "product_match", "store_line_id", "store_total")
    ) == [(D("3.33"), D("9.99"), "sku", 9_000_000_000, D("10.00"))]
    assert order.totals_mismatch is True


def test_bad_store_fields_are_all_named(kwargs, widget):
    with pytest.raises(InvalidOrder) as error:
        create_order(
            **{**kwargs, "store_order_id": 2**63},
            lines=[
                NewOrderLine(
                    product=widget,
                    quantity=D("1"),
                    price=D("1"),
                    product_match="guess",
                    store_line_id=True,
                    store_total=1.5,
                )
            ],
            customer_reason="whim",
            store_order_number="x" * 41,
            store_created_at=datetime(2024, 6, 1),
            store_totals={"total": 10},
        )

    assert error.value.errors == {
        "lines[0].store_total": "Must be a Decimal.",
        "lines[0].product_match": "One of chosen, store_id, sku.",
        "lines[0].store_line_id": "A whole number (64 bits).",
        "store_order_id": "A whole number (64 bits).",
        "customer_reason": "One of chosen, store_customer_id, email, phone, created, default.",
        "store_order_number": "At most 40 characters.",
        "store_created_at": "A date and time with its time zone.",
        "store_totals": "Texts by name.",
    }
    assert CustomerOrder.objects.count() == 0


def test_a_payload_nested_too_deeply_is_refused(kwargs):
    payload: list = []
    for _ in range(101):
        payload = [payload]

    with pytest.raises(InvalidOrder) as error:
        create_order(**kwargs, lines=[], store_payload=payload)

    assert error.value.errors == {"store_payload": "The data is nested too deeply."}


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _texts(value):
    """Every text in parsed JSON, keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, str):
        yield value


def _storable(value) -> bool:
    """What PostgreSQL's jsonb takes: no NUL, no lone surrogate, no NaN or infinity."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return not any(
        "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)
        for text in _texts(value)
    )


@given(_json)
def test_storable_json_is_json_any_database_takes_and_changes_only_what_it_must(value):
    stored = storable_json(value)

    assert _storable(stored)
    assert storable_json(stored) == stored
    if _storable(value):
        assert stored == value


def test_storable_json_replaces_only_what_cannot_be_stored():
    assert storable_json(
        {"a\x00": ["x\ud83dy", math.inf, -math.inf, math.nan, 1.5, "é\n\t"], "n": None}
    ) == {"a\ufffd": ["x\ufffdy", None, None, None, 1.5, "é\n\t"], "n": None}
