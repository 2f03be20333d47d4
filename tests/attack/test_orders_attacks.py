"""Attacks on the orders from the stores (a security review of issue 5): a hostile store, a
hostile or careless user of another company or account, and a concurrent world. Each test names
what an attacker tried; "(Holds.)" pins a protection that works today."""

import json
import logging
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client

from backroom.accounts.models import User
from backroom.catalog.models import PriceType, Product
from backroom.companies.models import Department
from backroom.customers.models import Customer
from backroom.inventory.models import Reservation
from backroom.inventory.services import set_on_hand
from backroom.orders.models import CustomerOrder, OrderLine
from backroom.stores.models import CallError, HeldOrder, Store, SyncState
from backroom.stores.services import StoreInput, create_store
from tests.conftest import make_user
from tests.inventory.threads import run_at_once
from tests.stores.orders.conftest import woo_line, woo_order

pytestmark = pytest.mark.django_db

BASE = "/api/public/woo_v3"
ADDRESS = "203.0.113.5"
PRODUCT = SyncState.Kind.PRODUCT
WOO_ID = 93


# -- set-up ----------------------------------------------------------------------------------------


def connect(company, user, *, name="Web shop", **changes) -> tuple[Store, str]:
    """A connection of `company` (auto-reserve on, its own depot) and its clear key."""
    price_type = PriceType.objects.create(company=company, name=f"{name} prices")
    depot = Department.objects.create(company=company, name=f"{name} depot")
    data = StoreInput(
        company_id=company.pk,
        name=name,
        language="en",
        allowed_addresses=ADDRESS,
        is_let_sync=True,
        regular_price_type_id=price_type.pk,
        sale_price_type_id=None,
        orders_department_id=depot.pk,
        order_creator_id=user.pk,
        if_customer_not_found=Store.IfCustomerNotFound.CREATE_NEW,
        default_customer_id=None,
        days_to_shipment=1,
        auto_reserve=True,
        department_ids=[depot.pk],
    )
    for field, value in changes.items():
        data = StoreInput(**{**data.__dict__, field: value})
    return create_store(user=user, data=data)


def post_orders(key: str, orders: object, *, client: Client | None = None):
    body = json.dumps({"crmSecretKey": key, "orders": orders}).encode()
    return (client or Client()).generic(
        "POST",
        f"{BASE}/putOrdersIntoCRM",
        body,
        content_type="application/json",
        REMOTE_ADDR=ADDRESS,
    )


def post_raw(body: bytes):
    return Client().generic(
        "POST",
        f"{BASE}/putOrdersIntoCRM",
        body,
        content_type="application/json",
        REMOTE_ADDR=ADDRESS,
    )


def watermark(key: str) -> str:
    response = Client().get(
        f"{BASE}/getLastSynchronizedOrderTime", {"key": key}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200
    return response.content.decode()


def signed_in(user: User, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def reserved(order: CustomerOrder) -> list[D]:
    return [
        line.reserved_quantity for line in order.lines.select_related("reservation").order_by("pk")
    ]


@pytest.fixture
def shop(company, owner):
    """The attacked connection, its key and one linked product (WooCommerce product 93, SKU
    MUG-1) with 10 in stock in the store's depot."""
    store, key = connect(company, owner)
    mug = Product.objects.create(company=company, name="Mug", sku="MUG-1")
    SyncState.objects.create(store=store, kind=PRODUCT, item_id=mug.pk, woo_id=WOO_ID)
    set_on_hand(department=store.orders_department, quantities={mug: D(10)})
    return store, key, mug


def mug_order(order_id=731, quantity=2, **changes) -> dict:
    return woo_order(order_id, woo_line(WOO_ID, quantity, 12.5), **changes)


# -- tenancy -------------------------------------------------------------------------------------


def test_a_line_naming_another_companys_product_by_sku_is_held(
    shop, other_company, foreign_company
):
    """(Holds.) A store whose lines give the SKU of a sister company's or another account's
    product (and no id of its own) imports nothing of theirs: the order is held."""
    store, key, _mug = shop
    for company in (other_company, foreign_company):
        Product.objects.create(company=company, name=f"Secret of {company.pk}", sku="SECRET-1")
    order = woo_order(731, woo_line(0, 1, 5, sku="SECRET-1"))

    assert post_orders(key, [order]).content == b"1"

    assert not CustomerOrder.objects.exists()
    held = HeldOrder.objects.get(store=store)
    assert held.store_order_id == 731
    assert "Secret of" not in held.reason


def test_a_woo_id_linked_by_another_store_is_not_this_stores(shop, company, other_company, owner):
    """(Holds.) WooCommerce ids are per store: product 777 linked by a sister company's
    store and by a second store of the same company names nothing in this store."""
    store, key, _mug = shop
    for owner_company, name in ((other_company, "Sister shop"), (company, "Second shop")):
        other, _ = connect(owner_company, owner, name=name)
        product = Product.objects.create(company=owner_company, name=f"Linked by {name}")
        SyncState.objects.create(store=other, kind=PRODUCT, item_id=product.pk, woo_id=777)

    assert post_orders(key, [woo_order(732, woo_line(777, 1, 5))]).content == b"1"

    assert not CustomerOrder.objects.exists()
    assert HeldOrder.objects.get(store=store).store_order_id == 732


def test_a_buyer_is_never_matched_to_another_companys_customer(
    shop, company, other_company, foreign_company, owner
):
    """(Holds.) The same e-mail, phone and store customer id as customers of a sister company
    (one even linked to a sister store under that id) and of another account: a new customer
    of the store's company is made, the others are untouched."""
    store, key, mug = shop
    sister_store, _ = connect(other_company, owner, name="Sister shop")
    for where, linked in ((other_company, sister_store), (foreign_company, None)):
        Customer.objects.create(
            company=where,
            name=f"Victim {where.pk}",
            email="anna@example.com",
            email_normalized="anna@example.com",
            phone="+371 2000000",
            phone_normalized="+3712000000",
            store=linked,
            store_customer_id=5 if linked else None,
        )

    post_orders(key, [mug_order(customer_id=5)])

    order = CustomerOrder.objects.get()
    assert order.customer.company_id == company.pk
    assert (order.customer.name, order.customer_reason) == ("Anna K", "created")
    assert order.customer.store_id == store.pk
    assert Customer.objects.filter(name__startswith="Victim").count() == 2


def test_screens_never_show_or_act_on_another_accounts_orders(
    shop, foreign_company, company, other_company, account
):
    """(Holds.) Order page, list filter, held-order panel, retry and discard with ids of
    another account's store (and of a sister company the user may not see): 404 or nothing."""
    store, key, _mug = shop
    rival = User.objects.create_user(username="rival", password="rival-pass-123")
    from backroom.accounts.models import Membership

    Membership.objects.create(
        user=rival, account=foreign_company.account, company=foreign_company, is_owner=True
    )
    rival_store, rival_key = connect(foreign_company, rival, name="Rival shop")
    rival_mug = Product.objects.create(company=foreign_company, name="Rival mug")
    SyncState.objects.create(store=rival_store, kind=PRODUCT, item_id=rival_mug.pk, woo_id=WOO_ID)
    post_orders(rival_key, [mug_order(900), woo_order(901, woo_line(5555, 1, 1))])
    rival_order = CustomerOrder.objects.get(store=rival_store)
    rival_held = HeldOrder.objects.get(store=rival_store)
    own_only = make_user(
        account,
        other_company,
        username="sisterclerk",
        permissions=[
            "orders.view.own",
            "orders.create.own",
            "orders.delete.own",
            "stores.view.own",
        ],
    )
    post_orders(key, [mug_order(731)])
    own_order = CustomerOrder.objects.get(store=store)

    client = signed_in(own_only)
    for order in (rival_order, own_order):
        response = client.get(f"/orders/{order.pk}/")
        assert response.status_code == 404
    listing = client.get("/orders/", {"store": rival_store.pk}).content.decode()
    assert "Rival" not in listing and "Anna K" not in listing
    for path in ("held/", "held/retry/", "held/discard/"):
        method = client.get if path == "held/" else client.post
        response = method(f"/stores/{rival_store.pk}/{path}", {"held_id": rival_held.pk})
        assert response.status_code == 404

    # Own store, foreign held id: refused or a no-op, never the other account's row.
    owner_client = signed_in(store.order_creator)
    owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": rival_held.pk})
    owner_client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": rival_held.pk, "confirmed": "1"}
    )
    rival_held.refresh_from_db()
    assert (rival_held.attempts, rival_held.discarded_at) == (1, None)


# -- exactly once -------------------------------------------------------------------------------


def test_one_order_however_its_id_is_written(shop):
    """(Holds.) 727, "727", " 727", 727.0 and "0727" are one order."""
    store, key, mug = shop
    for order_id in (727, "727", " 727", 727.0, "0727"):
        assert post_orders(key, [mug_order(order_id)]).content == b"1"

    order = CustomerOrder.objects.get()
    assert order.store_order_id == 727
    assert reserved(order) == [D(2)]
    assert not HeldOrder.objects.exists()


def test_same_id_with_another_payload_changes_nothing(shop, company):
    """(Holds.) The store sends order 731 again with other lines, another buyer and other
    prices: nothing but the status may follow; lines, customer, total, reservations stay."""
    store, key, mug = shop
    post_orders(key, [mug_order(731, 2)])
    forged = mug_order(731, 9, billing={"first_name": "Eve", "email": "eve@evil.test"})
    forged["line_items"][0]["price"] = 0

    post_orders(key, [forged])

    order = CustomerOrder.objects.get()
    assert order.customer.name == "Anna K"
    assert list(order.lines.values_list("quantity", "price")) == [(D(2), D("12.50"))]
    assert order.total == D("25.00")
    assert reserved(order) == [D(2)]
    assert Customer.objects.count() == 1


def test_a_cancellation_is_followed_even_when_a_line_no_longer_resolves(shop):
    """The newest order is sent again every minute (the watermark is one second before it).
    Its product was removed from the store meanwhile (the catalog sync forgot its WooCommerce
    id); then the buyer cancels in WooCommerce."""
    store, key, mug = shop
    post_orders(key, [mug_order(731, 2)])
    SyncState.objects.filter(store=store).delete()

    post_orders(key, [mug_order(731, 2, status="cancelled")])

    order = CustomerOrder.objects.get()
    assert order.status == CustomerOrder.Status.CANCELLED
    assert reserved(order) == [D(0)]
    assert not HeldOrder.objects.exists()


def test_an_unchanged_resend_does_not_undo_a_cancellation_made_in_backroom(shop):
    """The plugin sends the newest order again every minute (the watermark is one second
    before it), unchanged. A clerk cancels that order in Backroom (the admin's action,
    orders.services.cancel_order) and the units go back on sale; the next minute the same
    payload, still "processing", reopens the order and takes the units again."""
    from backroom.orders.services import cancel_order

    store, key, mug = shop
    sent = mug_order(731, 2)
    post_orders(key, [sent])
    cancel_order(order=CustomerOrder.objects.get())

    post_orders(key, [sent])

    order = CustomerOrder.objects.get()
    assert order.status == CustomerOrder.Status.CANCELLED
    assert reserved(order) == [D(0)]


def test_status_flip_flops_keep_reservations_within_the_line(shop):
    """(Holds, SQLite.) cancel, reopen, refund, reopen, fail, complete: the reservation is the
    line's quantity while open, nothing while closed, never more."""
    store, key, mug = shop
    expected = {
        "processing": [D(2)],
        "cancelled": [D(0)],
        "on-hold": [D(2)],
        "refunded": [D(0)],
        "failed": [D(0)],
        "pending": [D(2)],
        "completed": [D(2)],
        "trash": [D(0)],
        "wc-processing": [D(2)],
    }
    for status, wanted in expected.items():
        post_orders(key, [mug_order(731, 2, status=status)])
        assert reserved(CustomerOrder.objects.get()) == wanted, status
    assert Reservation.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_cancel_and_reopen_at_once_never_double_or_negative(shop):
    """(Holds.) 40 posts of order 731 at once, half "cancelled", half "processing", five
    rounds, while order 800 competes for the 3 units: the reservation matches the final
    status (nothing when cancelled; the line's 2 units, or what is left, when open), never
    more, never a unit twice."""
    store, key, mug = shop
    set_on_hand(department=store.orders_department, quantities={mug: D(3)})
    post_orders(key, [mug_order(731, 2)])
    order = CustomerOrder.objects.get()
    for _ in range(5):
        jobs = [
            (lambda s=status: post_orders(key, [mug_order(731, 2, status=s)]).content)
            for status in ["cancelled", "processing"] * 20
        ] + [lambda: post_orders(key, [mug_order(800, 2, billing={"email": "b@x.test"})]).content]
        results = run_at_once(jobs)
        assert set(results) == {b"1"}
        order.refresh_from_db()
        mine = reserved(order)[0]
        other = sum(
            Reservation.objects.exclude(order_line__order=order).values_list("quantity", flat=True),
            D(0),
        )
        # Open: its 2 units, or what order 800 left of the 3; closed: nothing.
        assert mine == (D(0) if order.status == "cancelled" else min(D(2), D(3) - other))
        assert D(0) <= mine + other <= D(3)
        assert Reservation.objects.filter(quantity__lte=0).count() == 0
    assert CustomerOrder.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_buttons_and_the_store_importing_one_held_order_at_once_make_one(shop, owner):
    """(Holds.) Order 732 is held (its product unknown), then linked; 8 presses of "Try
    again" (one and all) and 8 posts of the order arrive together: one order, its units
    reserved once, no held row left, no error."""
    store, key, mug = shop
    held_order = woo_order(732, woo_line(5555, 2, 1))
    post_orders(key, [held_order])
    held = HeldOrder.objects.get()
    plate = Product.objects.create(company=store.company, name="Plate")
    SyncState.objects.create(store=store, kind=PRODUCT, item_id=plate.pk, woo_id=5555)
    set_on_hand(department=store.orders_department, quantities={plate: D(3)})

    def press(data):
        client = signed_in(owner)
        return client.post(f"/stores/{store.pk}/held/retry/", data).status_code

    jobs = [lambda: press({"held_id": held.pk}), lambda: press({})] * 4
    jobs += [lambda: post_orders(key, [held_order]).status_code] * 8
    results = run_at_once(jobs)

    assert results == [302] * 8 + [200] * 8
    order = CustomerOrder.objects.get()
    assert reserved(order) == [D(2)]
    assert not HeldOrder.objects.exists()
    assert Customer.objects.count() == 1


# -- watermark ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "created",
    [
        "9999-12-31T23:59:59",
        "2999-01-01T00:00:00",
        "2999-01-01T00:00:00Z",
        "1000-01-01T00:00:00",
        "0001-01-01T00:00:00+01:00",
        "2024-13-01T00:00:00",
        "2024-06-01T10:00:00+25:00",
        "2024-06-01T10:00:00.99999999999999999999",
        "2024-06-01 10:00:00",
        "２０２４-06-01T10:00:00",
        "nonsense",
        "",
        12345,
        None,
        [],
        {"date": "2030-01-01"},
    ],
)
def test_hostile_dates_never_move_the_watermark_past_now(shop, created):
    """(Holds.) Far future, far past, malformed and mistyped creation times: the order is
    imported (or held), the reply is 1, and the watermark stays the real orders' one."""
    store, key, mug = shop
    post_orders(key, [mug_order(730, 1, date_created_gmt="2024-06-01T09:00:00")])

    response = post_orders(key, [mug_order(731, 1, date_created_gmt=created)])

    assert (response.status_code, response.content) == (200, b"1")
    assert CustomerOrder.objects.filter(store_order_id=731).exists()
    text = watermark(key)
    if created == "2024-06-01T10:00:00.99999999999999999999":
        assert text == "2024-06-01T09:59:59"
    elif created in ("2024-06-01 10:00:00",):
        assert text == "2024-06-01T09:59:59"
    else:
        assert text == "2024-06-01T08:59:59"


def test_one_order_dated_hours_ahead_does_not_silence_the_store(shop):
    """A date edited in WooCommerce's order screen (or an import plugin) puts one order six
    hours ahead. The plugin asks for orders created after the watermark: if it is six hours
    ahead, the orders placed meanwhile are never sent."""
    from datetime import UTC, datetime, timedelta

    store, key, mug = shop
    ahead = datetime.now(UTC) + timedelta(hours=6)
    post_orders(key, [mug_order(731, 1, date_created_gmt=ahead.strftime("%Y-%m-%dT%H:%M:%S"))])

    mark = datetime.fromisoformat(watermark(key)).replace(tzinfo=UTC)

    assert mark <= datetime.now(UTC) + timedelta(minutes=10)


# -- hostile payloads ---------------------------------------------------------------------------


def nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = {"a": [value]}
    return value


@pytest.mark.parametrize(
    ("payloads", "held"),
    [
        ([mug_order(731, meta_data=nested(60))], 1),  # 120 levels deep
        ([None, 7, "x", [], True, {}], 6),
        ([mug_order(731, line_items={"0": woo_line(WOO_ID)})], 1),
        ([mug_order(731, line_items=[woo_line(WOO_ID)] * 1001)], 1),
        ([mug_order(731, billing=["a"], shipping="b", customer_id=[1], number={"x": 1})], 0),
        ([mug_order(2**70)], 1),
        ([mug_order(-5)], 1),
        ([mug_order(731, 10**40)], 1),
        ([mug_order(731, "1e400")], 1),
        ([mug_order(731, 1e-9)], 1),
        ([mug_order(731, currency="€€€", status={"a": 1})], 0),
    ],
)
def test_hostile_orders_are_held_never_a_500(shop, payloads, held):
    """(Holds.) What no WooCommerce sends: answered 1, each order imported or held, nothing
    half-written."""
    store, key, mug = shop

    response = post_orders(key, payloads)

    assert (response.status_code, response.content) == (200, b"1")
    assert HeldOrder.objects.filter(store=store).count() == held
    assert CustomerOrder.objects.count() == len(payloads) - held
    assert OrderLine.objects.count() == CustomerOrder.objects.count()


def test_an_order_refused_after_its_new_customer_was_made_leaves_no_customer(shop):
    """(Holds.) A new buyer whose order create_order refuses (a line total beyond the money
    column): the customer made a moment before goes with the order's savepoint."""
    store, key, mug = shop
    order = mug_order(731, 999_999)
    order["line_items"][0]["price"] = 999_999_999_999

    post_orders(key, [order])

    assert HeldOrder.objects.get().reason.startswith("Backroom cannot store this order")
    assert not Customer.objects.exists()
    assert not CustomerOrder.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"crmSecretKey":"%s","orders":[' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
        b'{"crmSecretKey":"%s","orders":[{"id":' + b"9" * 5000 + b"}]}",
        b'{"crmSecretKey":"%s","orders":[{"id":NaN}]}',
        b'{"crmSecretKey":"%s","orders":[{"id":1}]',
        b'\xff\xfe{"crmSecretKey":"%s","orders":[]}',
        b'{"crmSecretKey":"%s","orders":{"0":{"id":1}}}',
    ],
)
def test_hostile_bodies_are_refused_cleanly_and_write_nothing(shop, body):
    """(Holds.) Nesting that would blow the stack, an integer beyond Python's limit of 4300
    digits, NaN, truncated JSON, a BOM of UTF-16, `orders` not a list: 400, nothing written."""
    store, key, _mug = shop

    response = post_raw(body.replace(b"%s", key.encode()))

    assert response.status_code == 400
    assert key.encode() not in response.content
    assert not CustomerOrder.objects.exists() and not HeldOrder.objects.exists()


def test_nul_and_lone_surrogates_in_every_text_are_stored_cleaned(shop):
    """(Holds.) NUL (PostgreSQL refuses it) and lone surrogates in names, e-mail, phone,
    address keys, the note and the payload: imported, nothing of them stored."""
    store, key, mug = shop
    bad = "A\u0000\ud800\udfff"
    order = mug_order(
        731,
        customer_note=bad,
        number=bad,
        billing={
            "first_name": bad,
            "last_name": "K",
            "email": "anna\u0000@example.com",
            "phone": "+371\u0000 2000000",
            bad: bad,
        },
        shipping={bad: [bad, {bad: bad}]},
    )
    order["line_items"][0]["name"] = bad
    order[bad] = bad
    body = json.dumps({"crmSecretKey": key, "orders": [order]})  # keeps \u0000 and \ud800

    response = post_raw(body.encode())

    assert response.content == b"1"
    order = CustomerOrder.objects.get()
    stored = json.dumps(
        [
            order.store_payload,
            order.billing_address,
            order.shipping_address,
            order.note,
            order.store_order_number,
            order.customer.name,
            order.customer.email,
            order.customer.phone,
            order.customer.billing_address,
            list(order.lines.values_list("name", flat=True)),
        ],
        ensure_ascii=False,
    )
    assert "\u0000" not in stored and "\\u0000" not in stored
    assert "\\ud800" not in stored


# -- injection on the screens ---------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def test_payload_text_is_escaped_on_the_order_page_panel_and_admin(shop, owner):
    """(Holds.) Line name, buyer, address keys, note, totals and the raw payload carry markup:
    the order page, the held-orders panel (a reason quotes the line's name) and the HeldOrder
    admin show it as text."""
    store, key, mug = shop
    good = mug_order(
        731,
        customer_note=SCRIPT,
        billing={"first_name": SCRIPT, "last_name": ATTRIBUTE, ATTRIBUTE: SCRIPT},
        meta_data=[{"key": SCRIPT, "value": "</pre></details>" + SCRIPT}],
    )
    good["line_items"][0]["name"] = SCRIPT
    bad = woo_order(732, woo_line(5555, 1, 1, name=SCRIPT, sku=ATTRIBUTE))
    post_orders(key, [good, bad])
    order = CustomerOrder.objects.get()
    held = HeldOrder.objects.get()
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    client = signed_in(owner)

    pages = {
        "order": client.get(f"/orders/{order.pk}/"),
        "list": client.get("/orders/", {"q": "Anna"}),
        "panel": client.get(f"/stores/{store.pk}/held/"),
        "panel (htmx)": client.get(f"/stores/{store.pk}/held/", headers={"HX-Request": "true"}),
        "discard question": client.get(f"/stores/{store.pk}/held/discard/", {"held_id": held.pk}),
        "admin": client.get(f"/admin/stores/heldorder/{held.pk}/change/"),
        "admin list": client.get("/admin/stores/heldorder/"),
        "order admin": client.get(f"/admin/orders/customerorder/{order.pk}/change/"),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "<script>alert(" not in html, name
        assert "<img src=x" not in html, name


# -- the screens' own defences -------------------------------------------------------------------


@pytest.fixture
def held(shop) -> HeldOrder:
    store, key, _mug = shop
    post_orders(key, [woo_order(732, woo_line(5555, 1, 1))])
    return HeldOrder.objects.get()


def test_retry_and_discard_need_csrf(shop, held, owner):
    """(Holds.) A cross-site form riding the owner's session cannot retry or discard."""
    store = shop[0]
    client = signed_in(owner, enforce_csrf_checks=True)
    for path, data in (
        ("held/retry/", {"held_id": held.pk}),
        ("held/retry/", {}),
        ("held/discard/", {"held_id": held.pk, "confirmed": "1"}),
    ):
        response = client.post(f"/stores/{store.pk}/{path}", data)
        assert response.status_code == 403
    held.refresh_from_db()
    assert (held.attempts, held.discarded_at) == (1, None)


def test_discard_needs_a_post(shop, held, owner):
    """(Holds.) A GET (an <img> on another site) with confirmed=1 only asks."""
    store = shop[0]
    response = signed_in(owner).get(
        f"/stores/{store.pk}/held/discard/", {"held_id": held.pk, "confirmed": "1"}
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.discarded_at is None


def test_retry_and_discard_are_checked_on_the_server(shop, held, account, company):
    """(Holds.) A user who may view the store but not create or delete orders posts the forms
    the page does not show them: 403, nothing done."""
    store = shop[0]
    client = signed_in(
        make_user(account, company, username="looker", permissions=["stores.view.own"])
    )
    assert client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held.pk}).status_code == 403
    assert client.post(f"/stores/{store.pk}/held/retry/").status_code == 403
    response = client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": held.pk, "confirmed": "1"}
    )
    assert response.status_code == 403
    held.refresh_from_db()
    assert (held.attempts, held.discarded_at) == (1, None)
    blind = signed_in(make_user(account, company, username="blind", permissions=[]))
    assert blind.get("/orders/").status_code == 403
    assert blind.get(f"/stores/{store.pk}/held/").status_code == 404


def test_discard_question_tells_what_discarding_does(shop, held, owner):
    """The question promised that a discarded order the store sends again "is imported or
    held anew", but the store's later posts of a discarded order are ignored for good
    (stores.order_intake: HeldOrder.discarded_at, BatchReport.ignored): the user discards
    thinking a fixed order will come back, and it never does."""
    store, key, mug = shop
    client = signed_in(owner)
    question = client.get(f"/stores/{store.pk}/held/discard/", {"held_id": held.pk})
    panel = client.get(f"/stores/{store.pk}/held/")
    client.post(f"/stores/{store.pk}/held/discard/", {"held_id": held.pk, "confirmed": "1"})
    plate = Product.objects.create(company=store.company, name="Plate")
    SyncState.objects.create(store=store, kind=PRODUCT, item_id=plate.pk, woo_id=5555)

    post_orders(key, [woo_order(732, woo_line(5555, 1, 1))])

    assert not CustomerOrder.objects.exists()  # ignored, as the service says
    for response in (question, panel):
        assert "imported or held anew" not in response.content.decode()
        assert "ignore" in response.content.decode()


# -- search and admin input ----------------------------------------------------------------------


@pytest.mark.parametrize("q", ["²", "١٢", "９", "9" * 19, "9" * 20, "0", "\x00", "%_"])
def test_order_search_never_fails(shop, owner, q):
    """A search text of digits Python's isdigit() knows but int() does not (superscripts),
    a number beyond a bigint: never a 500."""
    store, key, _mug = shop
    post_orders(key, [mug_order(731)])
    client = signed_in(owner)
    client.raise_request_exception = False

    response = client.get("/orders/", {"q": q})

    assert response.status_code == 200


@pytest.mark.parametrize("q", ["abc", "²", "9" * 25, "-1"])
def test_admin_search_of_held_and_customer_orders_never_fails(shop, held, owner, q):
    """The admins search `=store_order_id` (and `=number`): text that is no integer."""
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    client = signed_in(owner)
    client.raise_request_exception = False

    for path in ("/admin/stores/heldorder/", "/admin/orders/customerorder/"):
        assert client.get(path, {"q": q}).status_code == 200, path


# -- secrets -------------------------------------------------------------------------------------


def test_the_key_never_reaches_a_log_record_when_orders_fail(shop, monkeypatch, caplog):
    """(Holds.) An order that breaks Backroom (a bug), a batch that breaks it, a body that is
    not JSON and a wrong address: no log record, journal line or reply holds the key (records
    checked before any redacting filter)."""
    store, key, mug = shop
    from backroom.stores import order_intake

    def broken(*, store, payload):
        raise RuntimeError(f"boom on {payload!r}")

    with caplog.at_level(logging.DEBUG):
        monkeypatch.setattr(order_intake, "read_woo_order", broken)
        assert post_orders(key, [mug_order(731)]).content == b"1"
        monkeypatch.setattr(
            order_intake,
            "import_store_orders",
            lambda **kw: (_ for _ in ()).throw(RuntimeError("database went away")),
        )
        assert post_orders(key, [mug_order(732)]).status_code == 500
        post_raw(b'{"crmSecretKey":"' + key.encode() + b'","orders":[')
        Client().get(f"{BASE}/getLastSynchronizedOrderTime", {"key": key}, REMOTE_ADDR="192.0.2.1")

    assert HeldOrder.objects.get().reason.startswith("Backroom failed on this order")
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        assert key not in text, record.getMessage()
    for message in CallError.objects.values_list("message", flat=True):
        assert key not in message
