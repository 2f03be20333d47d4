"""order_identity: the id and creation time of any payload, however broken; never raises."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backroom.stores.woo_orders import OrderIdentity, order_identity, read_id, read_time

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
ORDER_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "id": JSON | st.integers().map(str),
        "date_created_gmt": JSON | st.datetimes().map(lambda d: d.isoformat()),
    },
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (727, 727),
        ("727", 727),
        (" 727 ", 727),
        (727.0, 727),
        (2**63 - 1, 2**63 - 1),
        (0, None),
        (-5, None),
        ("0", None),
        (2**63, None),
        (7.5, None),
        ("7.5", None),
        ("12a", None),
        ("", None),
        (True, None),
        (None, None),
        ([727], None),
        ({"id": 727}, None),
        ("٧٢٧", None),  # Arabic-Indic digits are digits to Python, not to WooCommerce
    ],
)
def test_read_id(value, expected):
    assert read_id(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-08-19T16:11:48", datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)),
        ("2023-08-19 16:11:48", datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)),
        ("2023-08-19T16:11:48Z", datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)),
        ("2023-08-19T18:11:48+02:00", datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)),
        ("2023-08-19T18:11:48+0200", datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)),
        ("2023-08-19T16:11:48.25", datetime(2023, 8, 19, 16, 11, 48, 250000, tzinfo=UTC)),
        ("2023-08-19T16:11:48.123456789Z", datetime(2023, 8, 19, 16, 11, 48, 123456, tzinfo=UTC)),
        (" 2023-08-19T16:11:48 ", datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)),
        ("2023-02-30T16:11:48", None),
        ("2023-08-19", None),
        ("2023-08-19T16:11", None),
        ("19/08/2023 16:11:48", None),
        ("1969-12-31T23:59:59", None),
        ("9999-12-31T23:59:59", None),
        ("0001-01-01T00:00:00+14:00", None),
        ("", None),
        (None, None),
        (1692461508, None),
    ],
)
def test_read_time_of_a_gmt_field(text, expected):
    assert read_time(text, naive_is_utc=True) == expected


def test_read_time_without_offset_is_unknown_when_not_utc():
    assert read_time("2023-08-19T18:11:48", naive_is_utc=False) is None
    assert read_time("2023-08-19T18:11:48+02:00", naive_is_utc=False) == datetime(
        2023, 8, 19, 16, 11, 48, tzinfo=UTC
    )


def test_identity_of_an_order():
    payload = {"id": "731", "date_created_gmt": "2023-08-19T16:11:48", "status": "processing"}
    assert order_identity(payload) == OrderIdentity(
        store_order_id=731, store_created_at=datetime(2023, 8, 19, 16, 11, 48, tzinfo=UTC)
    )


@pytest.mark.parametrize("payload", [None, [], "731", 731, {}, {"id": None}, [{"id": 731}]])
def test_identity_of_no_order_is_empty(payload):
    assert order_identity(payload) == OrderIdentity(store_order_id=None, store_created_at=None)


@given(JSON | ORDER_LIKE)
def test_identity_never_raises(payload):
    identity = order_identity(payload)
    assert identity.store_order_id is None or 0 < identity.store_order_id < 2**63
    moment = identity.store_created_at
    assert moment is None or moment.utcoffset().total_seconds() == 0
