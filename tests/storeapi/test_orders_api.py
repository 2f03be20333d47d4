"""The orders endpoints of the store API (protocol notes 3.17, 3.18, 5):
getLastSynchronizedOrderTime (the watermark, raw text) and putOrdersIntoCRM (a batch of
WooCommerce orders, a raw code back), called as the DokioStore plugin calls them: golden replies,
who may call, hostile bodies (a clean sentence, never a 500, nothing written), the -220 / -222
refusals, the journal; and the plugin's orders cycle against the fake WooCommerce
(tests/storeapi/fake_woo.py), its limits included."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroom.customers.models import Customer
from backroom.inventory.models import Reservation
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.storeapi.woo_v3 import views, wire
from backroom.stores import access, order_intake
from backroom.stores.models import CallError, CallJournal, HeldOrder, Store, SyncState
from tests.storeapi.conftest import BASE, STORE_ADDRESS, Plugin
from tests.storeapi.fake_woo import FakeWoo, WooError
from tests.storeapi.plugin_client import (
    ClientTransport,
    DokioStorePlugin,
    php_json_encode,
    php_reencoded,
)

ORDERS = "putOrdersIntoCRM"
WATERMARK = "getLastSynchronizedOrderTime"
TEXT = "text/plain; charset=utf-8"
UNKNOWN_KEY = "0b966238-ffa5-4be8-b54d-802c6e7548bf"
ONE_MIB = 1024 * 1024
HOODIE_WOO_ID = 93
TEE_WOO_ID = 22
TEE_RED_WOO_ID = 23
"""The store's ids of the `shop` products, as order 727 of the WooCommerce docs names them."""


# -- helpers ---------------------------------------------------------------------------------------


def orders_body(key: str, orders: object) -> bytes:
    """The plugin's body: string concatenation around PHP's json_encode (protocol notes 2.1)."""
    return f'{{"crmSecretKey":"{key}","orders":{php_json_encode(php_reencoded(orders))}}}'.encode(
        "ascii"
    )


def post_orders(plugin: Plugin, orders: object, *, key: str | None = None, **options):
    return plugin.post(
        ORDERS, body=orders_body(plugin.key if key is None else key, orders), **options
    )


def reply(response) -> tuple[int, str, bytes]:
    return response.status_code, response["Content-Type"], response.content


def imported(store: Store) -> list[tuple]:
    return list(
        CustomerOrder.objects.filter(store=store)
        .order_by("store_order_id")
        .values_list("store_order_id", "status", "customer__name", "customer_reason")
    )


def nothing_written(store: Store) -> None:
    assert not CustomerOrder.objects.exists()
    assert not OrderLine.objects.exists()
    assert not Reservation.objects.exists()
    assert not HeldOrder.objects.exists()
    assert not Customer.objects.filter(store=store).exists()


def journal_row(store: Store, endpoint: str) -> tuple[int, int, int, int]:
    row = CallJournal.objects.get(store=store, endpoint=endpoint)
    return row.calls, row.failures, row.items, row.last_items


def errors(store: Store) -> list[tuple[str, str]]:
    rows = CallError.objects.filter(store=store).order_by("at", "pk")
    return list(rows.values_list("endpoint", "message"))


@pytest.fixture
def linked(store, shop) -> dict:
    """`shop` with the store's ids the catalog sync would have stored: the Hoodie is product 93,
    the Tee product 22 and its variation Tee red 23 (the ids of order 727 in WooCommerce's docs)."""
    for kind, product, woo_id in (
        (SyncState.Kind.PRODUCT, shop["hoodie"], HOODIE_WOO_ID),
        (SyncState.Kind.PRODUCT, shop["tee"], TEE_WOO_ID),
        (SyncState.Kind.VARIATION, shop["tee_red"], TEE_RED_WOO_ID),
    ):
        SyncState.objects.create(store=store, kind=kind, item_id=product.pk, woo_id=woo_id)
    return shop


@pytest.fixture
def order_727(shared_data) -> dict:
    """A real guest order (WooCommerce REST API docs): 2 x product 93 at 3, 1 x variation 23
    at 12, placed 2017-03-22T19:28:02 GMT, status processing."""
    path = shared_data / "woocommerce-orders" / "docs-v3-retrieve-order-727.json"
    return json.loads(path.read_text())


def order_like(order: dict, **changes) -> dict:
    return {**json.loads(json.dumps(order)), **changes}


def hoodie_order(order_727: dict, *, order_id: int, quantity: int, email: str) -> dict:
    """Order 727 with one line: `quantity` Hoodies (the store's product 93), by `email`."""
    order = order_like(order_727, id=order_id, number=str(order_id))
    order["billing"] = {**order["billing"], "email": email, "phone": ""}
    order["line_items"] = [
        {
            **order["line_items"][0],
            "quantity": quantity,
            "subtotal": f"{3 * quantity}.00",
            "total": f"{3 * quantity}.00",
        }
    ]
    return order


# -- golden replies --------------------------------------------------------------------------------


def test_the_watermark_before_any_order(plugin, store):
    response = plugin.get(WATERMARK)

    assert reply(response) == (200, TEXT, b"2000-01-01T00:00:00")
    assert journal_row(store, WATERMARK) == (1, 0, 0, 0)


@pytest.mark.parametrize(
    "watermark", ['"2024-05-01T10:00:00"', "2024-05-01T10:00:00\n", "2024-05-01", ""]
)
def test_a_watermark_woocommerce_would_refuse_never_leaves(plugin, store, monkeypatch, watermark):
    """The reply is pinned (wire.watermark_text): WooCommerce answers 400 to anything else, so a
    bug of ours is a 500 (the plugin logs it) and the journal's error, not a silent stall."""
    monkeypatch.setattr(order_intake, "last_order_time", lambda *, store: watermark)

    response = plugin.get(WATERMARK)

    assert reply(response) == (
        500,
        TEXT,
        b"Backroom could not answer this call because of an error on the server.",
    )
    assert errors(store) == [
        (WATERMARK, "Backroom failed to answer (an error on the server: see its log).")
    ]


def test_a_real_order_is_imported_and_answered_with_a_raw_1(plugin, store, linked, order_727):
    response = post_orders(plugin, [order_727])

    assert reply(response) == (200, TEXT, b"1")
    order = CustomerOrder.objects.get()
    assert (
        order.store_id,
        order.store_order_id,
        order.store_order_number,
        order.status,
        order.customer.name,
        order.customer_reason,
        order.store_created_at,
        order.total,
    ) == (
        store.pk,
        727,
        "727",
        CustomerOrder.Status.PROCESSING,
        "John Doe",
        CustomerOrder.CustomerReason.CREATED,
        datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC),
        Decimal("18.00"),
    )
    assert list(order.lines.values_list("product", "quantity", "price", "store_line_id")) == [
        (linked["hoodie"].pk, Decimal(2), Decimal("3.00"), 315),
        (linked["tee_red"].pk, Decimal(1), Decimal("12.00"), 316),
    ]
    assert order.store_payload == order_727
    assert journal_row(store, ORDERS) == (1, 0, 1, 1)
    assert errors(store) == []


def test_the_watermark_is_the_newest_order_less_one_second(plugin, store, linked, order_727):
    """One second less, so that an order placed in the same second as the newest one is sent
    again rather than missed (`after` is exclusive); its id makes the repeat harmless."""
    post_orders(plugin, [order_727])

    assert reply(plugin.get(WATERMARK)) == (200, TEXT, b"2017-03-22T19:28:01")


def test_an_empty_batch_is_answered_with_1_and_writes_nothing(plugin, store, linked):
    """The plugin posts every cycle, even with no orders (to close its "orders" job)."""
    response = post_orders(plugin, [])

    assert reply(response) == (200, TEXT, b"1")
    nothing_written(store)
    assert journal_row(store, ORDERS) == (1, 0, 0, 0)


def test_an_order_sent_again_is_imported_once(plugin, store, linked, order_727):
    for _ in range(3):
        assert post_orders(plugin, [order_727]).content == b"1"

    assert imported(store) == [(727, "processing", "John Doe", "created")]
    assert Customer.objects.filter(company=store.company).count() == 1
    assert journal_row(store, ORDERS) == (3, 0, 3, 1)


def test_a_batch_with_a_poisoned_order_imports_the_others(plugin, store, linked, order_727):
    unknown = order_like(order_727, id=728, number="728")
    unknown["line_items"] = [
        {**unknown["line_items"][0], "product_id": 999, "variation_id": 0, "sku": ""}
    ]
    second = order_like(order_727, id=729, number="729")

    response = post_orders(plugin, [order_727, unknown, "not an order", second])

    assert reply(response) == (200, TEXT, b"1")
    assert [row[0] for row in imported(store)] == [727, 729]
    held = list(HeldOrder.objects.order_by("pk").values_list("store_order_id", "attempts"))
    assert held == [(728, 1), (None, 1)]
    calls, failures, items, _ = journal_row(store, ORDERS)
    assert (calls, failures, items) == (1, 0, 4)  # held orders are no failed call...
    assert errors(store) == []  # ...the connection page's Orders panel lists them


def test_a_full_page_of_orders_is_a_warning_in_the_journal(plugin, store, linked, order_727):
    orders = [
        order_like(order_727, id=900 + n, date_created_gmt=f"2024-05-01T10:00:{n:02}")
        for n in range(10)
    ]

    assert post_orders(plugin, orders).content == b"1"

    assert journal_row(store, ORDERS)[:3] == (1, 1, 10)
    assert errors(store) == [
        (
            ORDERS,
            "The store sent 10 orders, as many as the plugin fetches at once: orders placed "
            "between 2000-01-01T00:00:00 and 2024-05-01T10:00:00 (UTC) may not have been sent "
            "(a limit of the DokioStore plugin). Compare with WooCommerce's order list.",
        )
    ]


def test_unicode_arrives_escaped_as_php_sends_it(plugin, store, linked, order_727):
    order = order_like(order_727)
    order["billing"] = {**order["billing"], "first_name": "Zoë", "last_name": "Ñandú 😀"}
    body = orders_body(plugin.key, [order])
    assert b"\\u00eb" in body
    assert b"\\ud83d\\ude00" in body
    assert b"\\/" in body  # the order's _links

    assert post_orders(plugin, [order]).content == b"1"

    assert Customer.objects.get(store=store).name == "Zoë Ñandú 😀"


def test_unescaped_utf8_is_read_too(plugin, store, linked, order_727):
    order = order_like(order_727)
    order["billing"] = {**order["billing"], "first_name": "Ģirts", "last_name": "Ķēniņš"}
    body = json.dumps({"crmSecretKey": plugin.key, "orders": [order]}, ensure_ascii=False)

    assert plugin.post(ORDERS, body=body.encode()).content == b"1"

    assert Customer.objects.get(store=store).name == "Ģirts Ķēniņš"


# -- who may call ----------------------------------------------------------------------------------


def test_a_wrong_key_gets_a_raw_minus_200(plugin, store, linked, order_727):
    assert reply(plugin.get(WATERMARK, key=UNKNOWN_KEY)) == (200, TEXT, b"-200")
    assert reply(post_orders(plugin, [order_727], key=UNKNOWN_KEY)) == (200, TEXT, b"-200")
    nothing_written(store)
    assert not CallJournal.objects.exists()


def test_a_key_that_is_not_a_string_is_a_wrong_key(plugin, store, linked, order_727):
    for key in (None, 5, [plugin.key], {"key": plugin.key}):
        body = json.dumps({"crmSecretKey": key, "orders": [order_727]}).encode()
        assert reply(plugin.post(ORDERS, body=body)) == (200, TEXT, b"-200")
    nothing_written(store)


def test_a_deleted_stores_key_is_a_wrong_key(plugin, store, linked, order_727):
    Store.objects.filter(pk=store.pk).update(is_deleted=True)

    assert plugin.get(WATERMARK).content == b"-200"
    assert post_orders(plugin, [order_727]).content == b"-200"
    nothing_written(store)


def test_a_wrong_address_is_refused_and_named(plugin, store, linked, order_727):
    message = access.ADDRESS_NOT_ALLOWED.format(address="198.51.100.7")

    assert reply(plugin.get(WATERMARK, address="198.51.100.7")) == (403, TEXT, message.encode())
    response = post_orders(plugin, [order_727], address="198.51.100.7")

    assert reply(response) == (403, TEXT, message.encode())
    nothing_written(store)
    assert journal_row(store, ORDERS) == (1, 1, 0, 0)


@pytest.mark.parametrize("switch", ["connection", "everywhere", "account limit"])
def test_orders_are_gated_like_the_catalog(plugin, store, linked, order_727, settings, switch):
    if switch == "connection":
        Store.objects.filter(pk=store.pk).update(is_let_sync=False)
        reason = access.CONNECTION_OFF
    elif switch == "everywhere":
        settings.BACKROOM_STORE_SYNC_ENABLED = False
        reason = access.SYNC_OFF_EVERYWHERE
    else:
        store.company.account.max_stores = 0
        store.company.account.save()
        reason = access.TOO_MANY_CONNECTIONS.format(limit=0)

    assert reply(plugin.get(WATERMARK)) == (403, TEXT, reason.encode())
    assert reply(post_orders(plugin, [order_727])) == (403, TEXT, reason.encode())
    nothing_written(store)
    assert errors(store) == [
        (WATERMARK, f"Synchronization refused: {reason}"),
        (ORDERS, f"Synchronization refused: {reason}"),
    ]


def test_the_wrong_method_is_refused(plugin, store):
    response = plugin.client.get(f"{BASE}/{ORDERS}", {"key": plugin.key}, REMOTE_ADDR=STORE_ADDRESS)
    assert reply(response) == (405, TEXT, b"Use POST for this address.")
    assert response["Allow"] == "POST"
    response = plugin.post(WATERMARK, body=orders_body(plugin.key, []))
    assert reply(response) == (405, TEXT, b"Use GET for this address.")


def test_slashes_before_the_endpoint_are_collapsed(plugin, store):
    response = plugin.client.get(
        f"{BASE}//{WATERMARK}", {"key": plugin.key}, REMOTE_ADDR=STORE_ADDRESS
    )

    assert response.content == b"2000-01-01T00:00:00"


# -- -220 and -222 ---------------------------------------------------------------------------------


@pytest.fixture
def store_as_loaded(monkeypatch):
    """Change the store the view loads (in memory only: the database's rules forbid both states
    the -220 / -222 codes are for)."""
    changes: dict[str, object] = {}
    authenticate = access.authenticate_call

    def loaded(**kwargs):
        result = authenticate(**kwargs)
        if result.store is not None:
            for name, value in changes.items():
                setattr(result.store, name, value)
        return result

    monkeypatch.setattr(access, "authenticate_call", loaded)
    return changes


def test_no_department_for_orders_is_minus_220(plugin, store, linked, order_727, store_as_loaded):
    store_as_loaded["orders_department_id"] = None

    response = post_orders(plugin, [order_727])

    assert reply(response) == (200, TEXT, b"-220")
    nothing_written(store)
    assert journal_row(store, ORDERS) == (1, 1, 1, 1)
    assert errors(store) == [(ORDERS, views_refusal(order_intake.DEPARTMENT_NOT_SET))]


def test_no_default_customer_is_minus_222(plugin, store, linked, order_727, store_as_loaded):
    store_as_loaded["if_customer_not_found"] = Store.IfCustomerNotFound.USE_DEFAULT
    store_as_loaded["default_customer_id"] = None

    response = post_orders(plugin, [order_727])

    assert reply(response) == (200, TEXT, b"-222")
    nothing_written(store)
    assert errors(store) == [(ORDERS, views_refusal(order_intake.DEFAULT_CUSTOMER_NOT_SET))]


def views_refusal(code: int) -> str:
    from backroom.storeapi.woo_v3.views import ORDERS_REFUSED

    return ORDERS_REFUSED[code]


def test_the_refusal_messages_say_what_to_do():
    assert views_refusal(-220) == (
        "Orders refused (-220): the connection has no department for orders. Choose one on the "
        "connection page; the store sends the orders again."
    )
    assert views_refusal(-222) == (
        "Orders refused (-222): the connection uses a default customer for unknown buyers but "
        "names none. Choose one on the connection page; the store sends the orders again."
    )


# -- hostile bodies --------------------------------------------------------------------------------


def refused(response, status: int, message: str) -> None:
    assert reply(response) == (status, TEXT, message.encode())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "The request body is not valid JSON."),
        (b"not json", "The request body is not valid JSON."),
        (b'{"crmSecretKey":"K","orders":}', "The request body is not valid JSON."),
        (b'{"crmSecretKey":"K","orders":[NaN]}', "The request body is not valid JSON."),
        (b'{"crmSecretKey":"K","orders":[]', "The request body is not valid JSON."),
        (b'\xff{"crmSecretKey":"K","orders":[]}', "The request body is not valid JSON."),
        (b"[" * 100_000 + b"]" * 100_000, "The request body is not valid JSON."),
        (b'[{"crmSecretKey":"K","orders":[]}]', "The request body must be a JSON object."),
        (b'"K"', "The request body must be a JSON object."),
    ],
)
def test_bodies_that_are_not_a_json_object(plugin, store, linked, body, message):
    """PHP's json_encode fails on invalid UTF-8 and leaves `"orders":}` (protocol notes 2.1)."""
    response = plugin.post(ORDERS, body=body.replace(b'"K"', f'"{plugin.key}"'.encode()))

    refused(response, 400, message)
    nothing_written(store)


def test_a_broken_orders_body_is_told_on_the_connection_page(plugin, store, linked):
    """The plugin writes the key first, so it can be made out of a body PHP broke: the shop
    owner learns why the orders stop arriving, and what to do."""
    body = b'{"crmSecretKey":"%s","orders":}' % plugin.key.encode()

    response = plugin.post(ORDERS, body=body)

    refused(response, 400, "The request body is not valid JSON.")
    nothing_written(store)
    assert journal_row(store, ORDERS) == (1, 1, 0, 0)
    assert errors(store) == [(ORDERS, views.BROKEN_ORDERS_BODY)]


def test_a_broken_id_report_is_told_as_it_is(plugin, store):
    plugin.post("syncProductsIds", body=b'{"crmSecretKey":"%s","idsSet":[' % plugin.key.encode())

    assert errors(store) == [("syncProductsIds", "The request body is not valid JSON.")]


@pytest.mark.parametrize(
    "body",
    [
        b'{"crmSecretKey":"%s","orders":}' % UNKNOWN_KEY.encode(),  # a wrong key
        b'{"orders":},"crmSecretKey":"KEY"}',  # the key not first
        rb'{"crmSecretKey":"KEY\u0041","orders":}',  # not as the plugin writes a key
    ],
)
def test_a_broken_body_without_a_usable_key_is_journaled_nowhere(plugin, store, body):
    response = plugin.post(ORDERS, body=body.replace(b"KEY", plugin.key.encode()))

    refused(response, 400, "The request body is not valid JSON.")
    assert not CallJournal.objects.exists()
    assert not CallError.objects.exists()


def test_a_broken_body_from_an_address_not_allowed_is_journaled_nowhere(plugin, store):
    body = b'{"crmSecretKey":"%s","orders":}' % plugin.key.encode()

    plugin.post(ORDERS, body=body, address="198.51.100.99")

    assert not CallError.objects.exists()


@given(raw=st.binary(max_size=300))
def test_salvage_key_reads_only_a_leading_key(raw):
    key = wire.salvage_key(raw)
    assert key is None or (raw.lstrip().startswith(b"{") and key.encode() in raw)


@pytest.mark.parametrize("orders", [None, {}, {"id": 727}, "[]", 1, True])
def test_orders_that_are_not_a_list(plugin, store, linked, orders):
    response = plugin.post(
        ORDERS, body=json.dumps({"crmSecretKey": plugin.key, "orders": orders}).encode()
    )

    refused(response, 400, '"orders" must be a list of orders.')
    nothing_written(store)
    assert errors(store) == [(ORDERS, '"orders" must be a list of orders.')]


def test_no_orders_at_all_is_refused(plugin, store):
    response = plugin.post(ORDERS, body=json.dumps({"crmSecretKey": plugin.key}).encode())

    refused(response, 400, '"orders" must be a list of orders.')


def test_a_wrong_key_comes_before_the_shape(plugin, store):
    response = plugin.post(ORDERS, body=json.dumps({"crmSecretKey": UNKNOWN_KEY}).encode())

    assert reply(response) == (200, TEXT, b"-200")


def test_a_body_over_1_mib_is_refused_and_nothing_written(plugin, store, linked, order_727):
    body = orders_body(plugin.key, [order_727])
    body = body[:-1] + b"," + b'"pad":"' + b"x" * (ONE_MIB - len(body) - 8) + b'"}'
    assert len(body) == ONE_MIB + 1

    response = plugin.post(ORDERS, body=body)

    refused(response, 413, "The request body is larger than 1048576 bytes.")
    nothing_written(store)


def test_a_body_of_exactly_1_mib_is_read(plugin, store, linked, order_727, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's form limit does not apply
    body = orders_body(plugin.key, [order_727])
    body = body[:-1] + b"," + b'"pad":"' + b"x" * (ONE_MIB - len(body) - 9) + b'"}'
    assert len(body) == ONE_MIB

    assert reply(plugin.post(ORDERS, body=body)) == (200, TEXT, b"1")
    assert imported(store) == [(727, "processing", "John Doe", "created")]


def test_a_declared_length_over_1_mib_is_refused_before_reading(plugin, store):
    response = plugin.client.generic(
        "POST",
        f"{BASE}/{ORDERS}",
        orders_body(plugin.key, []),
        content_type="application/json",
        REMOTE_ADDR=STORE_ADDRESS,
        CONTENT_LENGTH=str(ONE_MIB + 1),
    )

    refused(response, 413, "The request body is larger than 1048576 bytes.")


def test_catalog_reports_keep_their_own_larger_limit(plugin, store, shop):
    """The 1 MiB limit is the orders endpoint's: an id report of 2 MiB is still read."""
    padding = " " * (2 * ONE_MIB)
    body = f'{{"crmSecretKey":"{plugin.key}","idsSet":[{padding}]}}'.encode()

    response = plugin.post("syncProductsIds", body=body)

    assert (response.status_code, response.content) == (200, b"1")
    assert wire.MAX_BODY_BYTES > 2 * ONE_MIB > wire.MAX_ORDERS_BODY_BYTES


@pytest.fixture
def no_lockout(settings):
    """Wrong keys must not lock the test's address out."""
    settings.BACKROOM_STORE_API_FAILURES_PER_MINUTE = 0


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "status", "line_items", "billing", "product_id", "quantity", "price", "x"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=st.lists(json_values, max_size=4))
def test_any_json_as_orders_never_fails_the_server(plugin, store, linked, orders):
    """Whatever the items of `orders` are, each is imported (a generated one may well name the
    linked product 93) or held: `1`, never a 500."""
    body = json.dumps({"crmSecretKey": plugin.key, "orders": orders}).encode()

    response = plugin.post(ORDERS, body=body)

    assert reply(response) == (200, TEXT, b"1")


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.binary(max_size=200)
    | json_values.map(lambda value: json.dumps(value).encode())
    | json_values.map(lambda value: json.dumps({"crmSecretKey": "KEY", "orders": value}).encode())
)
def test_any_body_is_refused_cleanly_or_read(plugin, store, linked, no_lockout, body):
    body = body.replace(b'"KEY"', f'"{plugin.key}"'.encode())
    counts = (CustomerOrder.objects.count(), HeldOrder.objects.count(), Customer.objects.count())

    response = plugin.post(ORDERS, body=body)

    assert response.status_code in (200, 400)
    assert response["Content-Type"] == TEXT
    if response.content != b"1":
        after = (CustomerOrder.objects.count(), HeldOrder.objects.count(), Customer.objects.count())
        assert after == counts


# -- the plugin's orders cycle, against the fake WooCommerce -----------------------------------


def gmt(day: int, second: int = 0) -> str:
    return f"2024-05-{day:02}T10:00:{second:02}"


@pytest.fixture
def woo() -> FakeWoo:
    return FakeWoo()


@pytest.fixture
def store_plugin(key, woo) -> DokioStorePlugin:
    return DokioStorePlugin(
        api_address=f"http://testserver{BASE}",
        secret_key=key,
        woo=woo,
        transport=ClientTransport(BASE),
    )


def test_an_orders_cycle_imports_the_new_orders_once(store_plugin, woo, store, linked, order_727):
    woo.add_order(order_like(order_727, id=801, number="801"), date_created_gmt=gmt(1))
    woo.add_order(order_like(order_727, id=802, number="802"), date_created_gmt=gmt(2))

    first = store_plugin.run_orders_cycle()
    second = store_plugin.run_orders_cycle()

    assert first.clean, (first.errors, first.violations)
    assert (first.watermark, [order["id"] for order in first.orders]) == (
        "2000-01-01T00:00:00",
        [802, 801],
    )
    assert [exchange.endpoint for exchange in first.exchanges] == ["isLetSync", WATERMARK, ORDERS]
    # The newest order comes once more (the watermark is one second before it): a repeat.
    assert second.clean
    assert (second.watermark, [order["id"] for order in second.orders]) == (
        "2024-05-02T09:59:59",
        [802],
    )
    assert [row[0] for row in imported(store)] == [801, 802]
    assert journal_row(store, ORDERS) == (2, 0, 3, 1)


def test_an_empty_orders_cycle_still_posts(store_plugin, store, linked):
    cycle = store_plugin.run_orders_cycle()

    assert cycle.clean
    assert (cycle.watermark, cycle.orders) == ("2000-01-01T00:00:00", [])
    assert cycle.posted == f'{{"crmSecretKey":"{store_plugin.secret_key}","orders":[]}}'.encode()


def test_an_order_placed_in_the_watermarks_second_is_not_lost(
    store_plugin, woo, store, linked, order_727
):
    """`after` is exclusive with one-second resolution: the watermark's one second back gets an
    order placed in the same second as the newest imported one."""
    woo.add_order(order_like(order_727, id=801), date_created_gmt=gmt(1, 30))
    store_plugin.run_orders_cycle()
    woo.add_order(order_like(order_727, id=802), date_created_gmt=gmt(1, 30))

    cycle = store_plugin.run_orders_cycle()

    assert [order["id"] for order in cycle.orders] == [802, 801]
    assert cycle.clean
    assert [row[0] for row in imported(store)] == [801, 802]


def test_more_than_10_orders_a_minute_loses_the_older_ones(
    store_plugin, woo, store, linked, order_727
):
    """The plugin's limit (protocol notes 5.2): WooCommerce's page of 10 newest; the watermark
    then passes the older ones by. Backroom tells it in the journal."""
    for number in range(1, 13):
        woo.add_order(order_like(order_727, id=800 + number), date_created_gmt=gmt(number))

    first = store_plugin.run_orders_cycle()
    second = store_plugin.run_orders_cycle()

    assert [order["id"] for order in first.orders] == list(range(812, 802, -1))
    assert [order["id"] for order in second.orders] == [812]
    assert sorted(row[0] for row in imported(store)) == list(range(803, 813))
    assert errors(store) == [
        (
            ORDERS,
            "The store sent 10 orders, as many as the plugin fetches at once: orders placed "
            "between 2000-01-01T00:00:00 and 2024-05-03T10:00:00 (UTC) may not have been sent (a "
            "limit of the DokioStore plugin). Compare with WooCommerce's order list.",
        )
    ]


def test_the_plugin_reencodes_as_php_does(store_plugin, woo, store, linked, shared_data):
    """ios-orders-list-4-orders.json has `"price": 30.00` (a float in Python): PHP sends 30."""
    path = shared_data / "woocommerce-orders" / "ios-orders-list-4-orders.json"
    order = next(o for o in json.loads(path.read_text()) if o["id"] == 963)
    assert order["line_items"][0]["price"] == 30.0
    assert isinstance(order["line_items"][0]["price"], float)
    woo.add_order(order)

    cycle = store_plugin.run_orders_cycle()

    assert cycle.posted.isascii()
    assert b'"price":30,' in cycle.posted
    assert b'"payment_url":"http:\\/\\/www.automattic.com"' in cycle.posted
    assert cycle.reply == "1"


def test_the_plugin_logs_each_refusal(store_plugin, store, linked, store_as_loaded):
    store_as_loaded["orders_department_id"] = None

    cycle = store_plugin.run_orders_cycle()

    assert cycle.reply == "-220"
    assert cycle.errors == ["putOrdersIntoCRM: DepartmentIsNotSetException"]


def test_a_closed_gate_stops_the_cycle_before_the_watermark(store_plugin, store):
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)

    cycle = store_plugin.run_orders_cycle()

    assert (cycle.allowed, cycle.watermark, cycle.posted) == (False, None, None)
    assert [exchange.endpoint for exchange in cycle.exchanges] == ["isLetSync"]


# -- the fake WooCommerce's order list ------------------------------------------------------------


def listed(woo: FakeWoo, **query) -> list[int]:
    return [order["id"] for order in woo.request("GET", "orders", query=query)]


def test_fake_woo_lists_strictly_after_newest_first_10_a_page():
    woo = FakeWoo()
    for number in range(1, 13):
        woo.add_order({"id": number, "status": "processing"}, date_created_gmt=gmt(number))
    woo.add_order({"id": 99, "status": "trash"}, date_created_gmt=gmt(20))
    woo.add_order({"id": 13}, date_created_gmt=gmt(12))

    assert listed(woo, after=gmt(10), dates_are_gmt=1) == [13, 12, 11]
    assert listed(woo, after="2000-01-01T00:00:00", dates_are_gmt=1) == [
        13,
        12,
        11,
        10,
        9,
        8,
        7,
        6,
        5,
        4,
    ]
    assert listed(woo, after="2000-01-01T00:00:00", dates_are_gmt=1, page=2) == [3, 2, 1]
    assert listed(woo, after="2024-05-11T10:00:00.999", dates_are_gmt=1) == [13, 12]
    assert listed(woo, after="2024-05-11T12:00:00+02:00", dates_are_gmt=1) == [13, 12]
    assert listed(woo, after="2024-05-11T10:00:00Z", dates_are_gmt=1) == [13, 12]


@pytest.mark.parametrize(
    "after", ["", "-200", '"2024-05-01T10:00:00"', "2024-05-01", "2024-05-01T10:00", "now", " "]
)
def test_fake_woo_refuses_an_after_that_is_no_date(after):
    woo = FakeWoo()

    with pytest.raises(WooError) as refused_call:
        woo.request("GET", "orders", query={"after": after, "dates_are_gmt": 1})

    assert (refused_call.value.status, refused_call.value.code) == (400, "rest_invalid_param")


def test_a_watermark_woocommerce_refuses_stops_the_cycle(key, woo, store):
    """A wrong key gives "-200" as the watermark: WooCommerce answers 400, nothing is posted."""
    plugin = DokioStorePlugin(
        api_address=f"http://testserver{BASE}",
        secret_key=UNKNOWN_KEY,
        woo=woo,
        transport=ClientTransport(BASE),
    )

    cycle = plugin.run_orders_cycle()

    assert cycle.allowed is False  # isLetSync already says the key is wrong
    plugin._is_let_sync = lambda: ({}, True)  # a plugin that went on regardless
    cycle = plugin.run_orders_cycle()
    assert (cycle.watermark, cycle.orders, cycle.posted) == ("-200", None, None)
    assert cycle.violations == ["getLastSynchronizedOrderTime: '-200' is no date"]
    assert cycle.errors == [
        "orders: Error: Invalid parameter(s): after (Invalid date.) [rest_invalid_param]"
    ]


# -- queries -------------------------------------------------------------------------------------


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert call().status_code == 200
    return len(queries)


def hoodie_orders(order_727: dict, first_id: int, count: int) -> list[dict]:
    """`count` orders of new buyers (one Hoodie each), ids from `first_id`."""
    return [
        hoodie_order(order_727, order_id=order_id, quantity=1, email=f"b{order_id}@example.com")
        for order_id in range(first_id, first_id + count)
    ]


def test_the_watermark_costs_the_same_however_many_orders(plugin, store, linked, order_727):
    plugin.get(WATERMARK)  # the journal's row is made on the first call
    before = queries_of(lambda: plugin.get(WATERMARK))
    post_orders(plugin, hoodie_orders(order_727, 1, 9))

    assert queries_of(lambda: plugin.get(WATERMARK)) == before <= 7


def test_a_batch_costs_at_most_its_orders_one_by_one(plugin, store, linked, order_727):
    """No query per line or per earlier order: ten orders cost at most ten times one."""
    Store.objects.filter(pk=store.pk).update(auto_reserve=True)
    post_orders(plugin, [])  # the journal's row
    empty = queries_of(lambda: post_orders(plugin, []))
    one = queries_of(lambda: post_orders(plugin, hoodie_orders(order_727, 1, 1))) - empty

    ten = queries_of(lambda: post_orders(plugin, hoodie_orders(order_727, 100, 10))) - empty
    again = queries_of(lambda: post_orders(plugin, hoodie_orders(order_727, 100, 10))) - empty

    assert CustomerOrder.objects.count() == 11
    assert ten <= 10 * one
    assert again < ten
