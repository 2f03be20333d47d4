"""The "Orders" panel of the connection page: held orders (the store's orders that could not be
imported yet) with "Try again" (one / all) and "Discard" (asked first), the link to the store's
orders; permissions checked on the server, foreign ids not found, plain posts and htmx alike."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backroom.accounts.models import User
from backroom.customers.models import Customer
from backroom.orders.models import CustomerOrder
from backroom.stores.models import HeldOrder, Store, SyncState
from tests.admin.helpers import change_url, url
from tests.conftest import make_user
from tests.stores.web.conftest import VIEW_OWN, signed_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PLACED = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
UNKNOWN_PRODUCT = "Line 1 (“Widget”, WooCommerce product 77): no product of this store has it."


def woo_order(order_id: int, *, product_id: int = 77) -> dict:
    """A small WooCommerce order: Ann buys 2 of WooCommerce product `product_id` at 10.00."""
    return {
        "id": order_id,
        "number": str(order_id),
        "status": "processing",
        "currency": "EUR",
        "date_created": "2024-05-01T12:00:00",
        "date_created_gmt": "2024-05-01T10:00:00",
        "customer_id": 0,
        "billing": {
            "first_name": "Ann",
            "last_name": "Buyer",
            "email": "ann.buyer@example.com",
            "phone": "",
        },
        "shipping": [],
        "line_items": [
            {
                "id": 1,
                "name": "Widget",
                "product_id": product_id,
                "variation_id": 0,
                "quantity": 2,
                "price": 10,
                "subtotal": "20.00",
                "total": "20.00",
                "sku": "",
            }
        ],
        "total": "20.00",
    }


def hold(store: Store, order_id: int | None, *, reason: str = UNKNOWN_PRODUCT, **fields):
    """A held order as stores.order_intake leaves one."""
    payload = woo_order(order_id or 1)
    return HeldOrder.objects.create(
        store=store,
        store_order_id=order_id,
        payload_digest=f"{order_id or 0:064d}",
        payload=payload,
        reason=reason,
        store_created_at=fields.pop("store_created_at", PLACED),
        attempts=fields.pop("attempts", 1),
        last_tried_at=fields.pop("last_tried_at", PLACED + timedelta(minutes=5)),
        **fields,
    )


def link_widget(store: Store, widget) -> None:
    """The store now knows the widget as its product 77 (as a catalog sync records)."""
    SyncState.objects.create(store=store, kind=SyncState.Kind.PRODUCT, item_id=widget.pk, woo_id=77)


def rows(response) -> list[str]:
    return re.findall(r'data-testid="held-row" data-held="(\d+)"', response.content.decode())


def outcome(response) -> str:
    """The line the panel shows after a button (in the panel, not a toast)."""
    found = re.search(r'data-testid="held-outcome"[^>]*>([^<]*)</p>', response.content.decode())
    assert "HX-Trigger" not in response.headers  # no toast floating over the rows
    return found.group(1) if found else ""


@pytest.fixture
def store_viewer(account, company) -> User:
    """Sees the connection, may do nothing with orders."""
    return make_user(account, company, username="storeviewer", permissions=VIEW_OWN)


@pytest.fixture
def retrier(account, company) -> User:
    """Sees the connection and may create orders (try again), not delete them (discard)."""
    return make_user(
        account,
        company,
        username="retrier",
        permissions=VIEW_OWN + ["orders.create.own", "orders.view.own"],
    )


# -- the panel ----------------------------------------------------------------------------------


def test_the_document_page_loads_the_panel(owner_client, store, viewer_client):
    for client in (owner_client, viewer_client):
        content = client.get(f"/stores/{store.pk}/").content.decode()
        assert f'hx-get="/stores/{store.pk}/held/" hx-trigger="load"' in content
        assert f'<noscript><p><a href="/stores/{store.pk}/held/">' in content


def test_the_panel_lists_held_orders_oldest_first_with_every_column(owner_client, store):
    second = hold(store, 502, store_created_at=PLACED + timedelta(hours=1), attempts=3)
    first = hold(store, 501)
    HeldOrder.objects.filter(pk=first.pk).update(held_at=second.held_at - timedelta(minutes=1))
    without_id = hold(store, None, reason="The order has no readable id (an id of 0).")
    HeldOrder.objects.filter(pk=without_id.pk).update(held_at=second.held_at + timedelta(1))

    response = owner_client.get(f"/stores/{store.pk}/held/", **HTMX)

    assert response.status_code == 200
    assert rows(response) == [str(first.pk), str(second.pk), str(without_id.pk)]
    content = response.content.decode()
    assert content.lstrip().startswith('<section class="card" id="held-orders"')  # a fragment
    row = content[content.index(f'data-held="{second.pk}"') :].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split("<td")[1:6]]
    assert cells == [
        ">502",
        ' class="nowrap">2024-05-01 11:00',
        ' data-testid="held-reason">Line 1 (“Widget”, WooCommerce product 77): no product of '
        "this store has it.",
        ">3",
        ' class="nowrap">2024-05-01 10:05',
    ]
    assert "no readable id" in content
    assert "3 orders from this store could not be imported yet." in content
    assert content.count('data-testid="retry"') == 3
    assert content.count('data-testid="discard"') == 3
    assert 'data-testid="retry-all"' in content
    assert f'href="/orders/?store={store.pk}" data-testid="store-orders"' in content


def test_without_held_orders_the_panel_says_so(owner_client, store):
    response = owner_client.get(f"/stores/{store.pk}/held/", **HTMX)
    content = response.content.decode()
    assert "No orders are waiting" in content
    assert 'data-testid="retry-all"' not in content


def test_without_javascript_the_panel_is_a_page(owner_client, store):
    hold(store, 501)
    response = owner_client.get(f"/stores/{store.pk}/held/")
    content = response.content.decode()
    assert "<!doctype html>" in content
    assert "orders waiting to be imported" in content
    assert len(rows(response)) == 1


def test_a_store_viewer_sees_held_orders_but_no_buttons(viewer_client, store):
    hold(store, 501)

    content = viewer_client.get(f"/stores/{store.pk}/held/", **HTMX).content.decode()

    assert "Line 1 (“Widget”" in content
    for button in ("retry", "retry-all", "discard", "store-orders"):
        assert f'data-testid="{button}"' not in content
    assert "Your roles do not let you create customer orders of this company" in content


def test_the_panel_costs_the_same_queries_for_one_or_fifty_held_orders(owner_client, store):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(f"/stores/{store.pk}/held/", **HTMX).status_code == 200
        return len(queries)

    hold(store, 1)
    one = count()
    for order_id in range(2, 60):
        hold(store, order_id)
    many = count()

    assert one == many
    response = owner_client.get(f"/stores/{store.pk}/held/", **HTMX)
    assert len(rows(response)) == 50
    assert "The oldest 50 of 59 are shown." in response.content.decode()


# -- try again ----------------------------------------------------------------------------------


def test_try_again_imports_a_held_order_once_its_product_is_linked(owner_client, store, widget):
    held = hold(store, 501)
    link_widget(store, widget)

    response = owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held.pk}, **HTMX)

    assert response.status_code == 200
    assert outcome(response) == "Tried 1: imported 1, still held 0."
    assert rows(response) == []
    order = CustomerOrder.objects.get(store=store, store_order_id=501)
    assert [(line.product, line.quantity) for line in order.lines.all()] == [(widget, 2)]
    assert Customer.objects.filter(email__iexact="ann.buyer@example.com").count() == 1
    assert not HeldOrder.objects.exists()


def test_try_again_that_fails_again_records_the_try(owner_client, store):
    held = hold(store, 501, attempts=2)

    response = owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held.pk}, **HTMX)

    assert outcome(response) == "Tried 1: imported 0, still held 1."
    held.refresh_from_db()
    assert held.attempts == 3
    assert held.last_tried_at > PLACED + timedelta(minutes=5)
    assert "77" in held.reason
    assert rows(response) == [str(held.pk)]
    assert not CustomerOrder.objects.exists()


def test_try_again_all(owner_client, store, widget):
    hold(store, 501)
    stuck = hold(store, 502)
    HeldOrder.objects.filter(pk=stuck.pk).update(payload=woo_order(502, product_id=88))
    link_widget(store, widget)

    response = owner_client.post(f"/stores/{store.pk}/held/retry/", **HTMX)

    assert outcome(response) == "Tried 2: imported 1, still held 1."
    assert list(CustomerOrder.objects.values_list("store_order_id", flat=True)) == [501]
    assert list(HeldOrder.objects.values_list("store_order_id", flat=True)) == [502]


def test_try_again_without_javascript_redirects_with_a_message(owner_client, store, widget):
    held = hold(store, 501)
    link_widget(store, widget)

    response = owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/stores/{store.pk}/held/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Tried 1: imported 1, still held 0." in page


def test_try_again_needs_the_orders_create_permission(viewer_client, store, widget):
    held = hold(store, 501)
    link_widget(store, widget)

    response = viewer_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held.pk})

    assert response.status_code == 403
    assert "Your roles do not let you create customer orders" in response.content.decode()
    assert not CustomerOrder.objects.exists()
    assert HeldOrder.objects.get().attempts == 1


def test_try_again_touches_only_this_stores_held_orders(owner_client, store, make_store, widget):
    other = make_store(name="Other shop")
    foreign_held = hold(other, 501)
    link_widget(other, widget)

    response = owner_client.post(
        f"/stores/{store.pk}/held/retry/", {"held_id": foreign_held.pk}, **HTMX
    )

    assert response.status_code == 200
    assert outcome(response) == (
        "No held order was tried. 1 of the chosen orders is no longer held (imported or "
        "discarded meanwhile)."
    )
    assert HeldOrder.objects.get().pk == foreign_held.pk
    assert not CustomerOrder.objects.exists()


def test_try_again_on_one_row_tells_about_that_order_not_the_whole_store(owner_client, store):
    """The message once counted every held order of the store ("Imported: 0. Still held: 3."
    after pressing one row's button); the store's count stays in the panel's own sentence."""
    pressed = hold(store, 501)
    hold(store, 502)
    hold(store, 503)

    response = owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": pressed.pk}, **HTMX)

    assert outcome(response) == "Tried 1: imported 0, still held 1."
    assert "3 orders from this store could not be imported yet." in response.content.decode()
    assert list(HeldOrder.objects.order_by("pk").values_list("attempts", flat=True)) == [2, 1, 1]


def test_the_outcome_replaces_the_previous_one(owner_client, store):
    """Each answer redraws the panel with its own outcome line: messages never pile up."""
    first = hold(store, 501)
    second = hold(store, 502)

    owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": first.pk}, **HTMX)
    response = owner_client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": second.pk, "confirmed": "1"}, **HTMX
    )

    assert response.content.decode().count('data-testid="held-outcome"') == 1
    assert outcome(response) == "Discarded: 1."
    plain = owner_client.get(f"/stores/{store.pk}/held/", **HTMX).content.decode()
    assert 'data-testid="held-outcome"' not in plain


def test_the_table_labels_times_as_utc_and_keeps_dates_on_one_line(owner_client, store):
    hold(store, 501)

    content = owner_client.get(f"/stores/{store.pk}/held/", **HTMX).content.decode()

    assert '<th class="nowrap">Placed (UTC)</th>' in content
    assert '<th class="nowrap">Last tried (UTC)</th>' in content
    assert '<th class="nowrap">Store order id</th>' in content
    assert '<td class="nowrap">2024-05-01 10:00</td>' in content
    assert '<td class="nowrap">2024-05-01 10:05</td>' in content


@pytest.mark.parametrize(
    ("path", "button", "allow"),
    [("retry/", "Try again", "POST"), ("discard/", "Discard", "GET, POST")],
)
def test_opening_a_button_address_in_the_browser_says_where_the_button_is(
    owner_client, store, path, button, allow
):
    hold(store, 501)

    response = owner_client.get(f"/stores/{store.pk}/held/{path}")

    assert response.status_code == 405
    assert response["Allow"] == allow
    content = response.content.decode()
    assert "<!doctype html>" in content
    assert f"Use the “{button}” button" in content
    assert f'<a href="/stores/{store.pk}/">the connection page</a>' in content
    assert HeldOrder.objects.get().attempts == 1
    assert HeldOrder.objects.get().discarded_at is None


def test_a_button_address_of_a_store_the_user_cannot_see_is_not_found(rival_client, store):
    hold(store, 501)
    for path in ("retry/", "discard/"):
        assert rival_client.get(f"/stores/{store.pk}/held/{path}").status_code == 404
        assert rival_client.get(f"/stores/999999/held/{path}").status_code == 404


@pytest.mark.parametrize("held_id", ["abc", "-1", "1" * 40, ""])
def test_unreadable_ids_are_not_found(owner_client, store, held_id):
    hold(store, 501)
    response = owner_client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held_id})
    assert response.status_code == 404
    assert HeldOrder.objects.get().attempts == 1


# -- discard ------------------------------------------------------------------------------------


def test_discard_asks_first_without_javascript(owner_client, store):
    held = hold(store, 501)
    url_ = f"/stores/{store.pk}/held/discard/"

    question = owner_client.get(url_, {"held_id": held.pk})
    unconfirmed = owner_client.post(url_, {"held_id": held.pk})

    for response in (question, unconfirmed):
        assert response.status_code == 200
        assert "Discard?" in response.content.decode()
        assert "Store order 501: Line 1" in response.content.decode()
    assert HeldOrder.objects.count() == 1
    done = owner_client.post(url_, {"held_id": held.pk, "confirmed": "1"})
    assert done.status_code == 302
    assert HeldOrder.objects.get().discarded_at is not None
    assert "Discarded: 1." in owner_client.get(done["Location"]).content.decode()


def test_discard_with_htmx_confirms_in_the_browser(owner_client, store):
    held = hold(store, 501)
    kept = hold(store, 502)

    panel = owner_client.get(f"/stores/{store.pk}/held/", **HTMX).content.decode()
    response = owner_client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": held.pk, "confirmed": "1"}, **HTMX
    )

    assert 'hx-confirm="Discard the held order 501?' in panel
    assert outcome(response) == "Discarded: 1."
    assert rows(response) == [str(kept.pk)]
    assert list(HeldOrder.objects.filter(discarded_at=None).values_list("pk", flat=True)) == [
        kept.pk
    ]


def test_discard_needs_the_orders_delete_permission(retrier, store):
    held = hold(store, 501)
    client = signed_in(retrier)

    panel = client.get(f"/stores/{store.pk}/held/", **HTMX).content.decode()
    question = client.get(f"/stores/{store.pk}/held/discard/", {"held_id": held.pk})
    response = client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": held.pk, "confirmed": "1"}
    )

    assert 'data-testid="retry"' in panel
    assert 'data-testid="discard"' not in panel
    assert question.status_code == 403
    assert response.status_code == 403
    assert "you cannot discard held orders" in response.content.decode()
    assert HeldOrder.objects.count() == 1


def test_discard_of_another_stores_held_order_is_not_found(owner_client, store, make_store):
    foreign_held = hold(make_store(name="Other shop"), 501)

    question = owner_client.get(f"/stores/{store.pk}/held/discard/", {"held_id": foreign_held.pk})
    owner_client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": foreign_held.pk, "confirmed": "1"}
    )

    assert question.status_code == 404
    assert HeldOrder.objects.count() == 1


# -- access -------------------------------------------------------------------------------------


def test_another_accounts_store_is_not_found_everywhere(rival_client, store):
    held = hold(store, 501)
    base = f"/stores/{store.pk}/held/"
    missing = "/stores/999999/held/"
    for path in ("", "retry/", "discard/"):
        for target in (base, missing):
            answer = (
                rival_client.post(target + path, {"held_id": held.pk, "confirmed": "1"})
                if path
                else rival_client.get(target)
            )
            assert answer.status_code == 404
    assert HeldOrder.objects.get().attempts == 1


def test_a_user_who_may_not_view_the_store_gets_not_found(account, company, store):
    hold(store, 501)
    orders_only = make_user(
        account, company, username="ordersonly", permissions=["orders.create.own"]
    )
    response = signed_in(orders_only).get(f"/stores/{store.pk}/held/", **HTMX)
    assert response.status_code == 404


def test_writes_need_post_and_the_csrf_token(owner, store):
    held = hold(store, 501)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    assert client.get(f"/stores/{store.pk}/held/retry/").status_code == 405
    assert client.post(f"/stores/{store.pk}/held/retry/", {"held_id": held.pk}).status_code == 403
    refused = client.post(
        f"/stores/{store.pk}/held/discard/", {"held_id": held.pk, "confirmed": "1"}
    )
    assert refused.status_code == 403
    assert HeldOrder.objects.get().attempts == 1


def test_signed_out_goes_to_the_login(client, store):
    response = client.get(f"/stores/{store.pk}/held/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# -- the admin: read-only --------------------------------------------------------------------------


@pytest.fixture
def admin_client(owner) -> Client:
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client = Client()
    client.force_login(owner)
    return client


def test_the_admin_shows_held_orders_read_only(admin_client, store):
    held = hold(store, 501)
    listed = admin_client.get(url(HeldOrder, "changelist"))
    shown = admin_client.get(change_url(held))

    assert listed.status_code == 200
    assert f'href="/stores/{store.pk}/"' in listed.content.decode()
    assert shown.status_code == 200
    assert "&quot;line_items&quot;: [" in shown.content.decode()  # the payload, indented
    assert admin_client.post(change_url(held), {"reason": "x"}).status_code == 403
    assert admin_client.post(url(HeldOrder, "delete", held.pk), {"post": "yes"}).status_code == 403
    assert admin_client.get(url(HeldOrder, "add")).status_code == 403
    assert HeldOrder.objects.get().reason == UNKNOWN_PRODUCT


def test_the_admin_shows_held_orders_to_who_may_view_orders(account, company, store):
    """Held orders carry the buyer's data as orders do: "orders: view" shows them (and only
    "stores: view" does not: tests/stores/test_admin.py)."""
    hold(store, 501)
    staff = make_user(account, company, username="staffnostores", permissions=["orders.view.own"])
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get(url(HeldOrder, "changelist"))
    assert response.status_code == 200
    assert [held.store_order_id for held in response.context["cl"].result_list] == [501]
