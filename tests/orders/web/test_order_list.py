"""The customer orders list (/orders/): filters by store and status, search, paging, newest
first, state in the URL, a constant number of queries, and only what the user may see."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.customers.models import Customer
from backroom.orders.models import CustomerOrder
from backroom.stores.models import HeldOrder, Store
from tests.conftest import make_user
from tests.orders.web.conftest import signed_in

pytestmark = pytest.mark.django_db

Status = CustomerOrder.Status
MAY_1 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def numbers(response) -> list[int]:
    """The order numbers in the list's rows, top to bottom."""
    return [int(n) for n in re.findall(r'data-order="(\d+)"', response.content.decode())]


@pytest.fixture
def second_store(company, retail, warehouse, owner) -> Store:
    return Store.objects.create(
        company=company,
        name="Acme DE",
        language="DE",
        regular_price_type=retail,
        orders_department=warehouse,
        order_creator=owner,
        created_by=owner,
    )


@pytest.fixture
def three_orders(store_order, widget, second_store):
    """Placed on May 1st, 3rd and 2nd (so newest first is 2, 3, 1 by placement, not by
    entry); the second from the other store, the third cancelled."""
    first = store_order(101, (widget, "1", "10.00", "10.00"), store_created_at=MAY_1)
    second = store_order(
        202,
        (widget, "2", "10.00", "20.00"),
        store=second_store,
        store_created_at=MAY_1 + timedelta(days=2),
        store_order_number="DE-202",
    )
    bob = Customer.objects.create(company=widget.company, name="Bob Stone")
    third = store_order(
        303,
        (widget, "3", "10.00", "30.01"),
        customer=bob,
        status=Status.CANCELLED,
        store_created_at=MAY_1 + timedelta(days=1),
        totals_mismatch=True,
    )
    return first, second, third


def test_newest_first_with_every_column(owner_client, three_orders):
    first, second, third = three_orders

    response = owner_client.get("/orders/")

    assert response.status_code == 200
    assert numbers(response) == [second.number, third.number, first.number]
    content = response.content.decode()
    row = content[content.index(f'data-order="{second.number}"') :].split("</tr>")[0]
    assert "2024-05-03 12:00" in row
    assert "Ann Smith" in row
    assert 'Acme DE <span class="muted">#DE-202</span>' in row
    assert ">Processing<" in row
    assert "20.00 EUR" in row
    assert 'data-testid="mismatch"' not in row
    mismatched = content[content.index(f'data-order="{third.number}"') :].split("</tr>")[0]
    assert 'data-testid="mismatch"' in mismatched
    assert ">Cancelled<" in mismatched
    assert f'href="/orders/{first.pk}/"' in content
    assert "Found: 3, page 1 of 1" in content


def test_filter_by_store_keeps_the_state_in_the_url(owner_client, three_orders, second_store):
    first, second, third = three_orders

    response = owner_client.get(f"/orders/?store={first.store_id}&size=10")

    assert numbers(response) == [third.number, first.number]
    content = response.content.decode()
    assert f'<option value="{first.store_id}" selected>' in content
    assert f'<option value="{second_store.pk}">' in content
    assert owner_client.get(f"/orders/?store={second_store.pk}").context["page"].total == 1


def test_filter_by_status(owner_client, three_orders):
    first, second, third = three_orders

    assert numbers(owner_client.get("/orders/?status=cancelled")) == [third.number]
    assert numbers(owner_client.get("/orders/?status=processing")) == [second.number, first.number]
    selected = owner_client.get("/orders/?status=cancelled").content.decode()
    assert '<option value="cancelled" selected>Cancelled</option>' in selected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bob", [2]),  # part of the customer's name, any case
        ("de-20", [1]),  # part of the store's order number
        ("303", [2]),  # the store's order number (and id)
    ],
)
def test_search(owner_client, three_orders, query, expected):
    orders = list(three_orders)
    response = owner_client.get("/orders/", {"q": query})
    assert numbers(response) == [orders[i].number for i in expected]


def test_a_hash_finds_the_stores_order_exactly(owner_client, store_order, widget):
    """The list shows store orders as "#459": searching what it shows finds that store order,
    and not every order whose numbers hold the digits."""
    order = store_order(459, (widget, "1", "10.00", "10.00"))
    store_order(460, (widget, "1", "10.00", "10.00"), store_order_number="A-460")
    store_order(45, (widget, "1", "10.00", "10.00"))

    assert numbers(owner_client.get("/orders/", {"q": "#459"})) == [order.number]
    assert numbers(owner_client.get("/orders/", {"q": " # 459 "})) == [order.number]
    assert numbers(owner_client.get("/orders/", {"q": "#a-460"})) == [order.number + 1]
    assert numbers(owner_client.get("/orders/", {"q": "#A-46"})) == []
    assert numbers(owner_client.get("/orders/", {"q": "#45"})) == [order.number + 2]
    assert len(numbers(owner_client.get("/orders/", {"q": "45"}))) == 2  # 459 and 45: part of
    assert len(numbers(owner_client.get("/orders/", {"q": "#"}))) == 3  # nothing to search


@pytest.mark.parametrize(
    "query",
    [
        "john.doe@example.com",  # exact
        "John.Doe@Example.COM",  # any case
        "doe@exam",  # part of it
        "john.doe @example.com",  # as Backroom compares addresses (customers.normalize)
    ],
)
def test_search_by_the_customers_email(owner_client, store_order, widget, query):
    john = Customer.objects.create(
        company=widget.company, name="John Doe", email="John.Doe@example.com"
    )
    order = store_order(501, (widget, "1", "10.00", "10.00"), customer=john)
    store_order(502, (widget, "1", "10.00", "10.00"))  # Ann, ann@example.com

    assert numbers(owner_client.get("/orders/", {"q": query})) == [order.number]


def test_search_by_the_billing_email_the_store_sent(owner_client, store_order, widget):
    """The customer may have been found by the store's customer id: the buyer's own address is
    then only in the order's billing snapshot."""
    order = store_order(
        560,
        (widget, "1", "10.00", "10.00"),
        billing_address={"first_name": "Paula", "email": "paula.example+orders@example.org"},
    )
    store_order(561, (widget, "1", "10.00", "10.00"))

    found = numbers(owner_client.get("/orders/", {"q": "Paula.Example+orders@example.org"}))

    assert found == [order.number]


def test_the_search_box_says_what_it_finds(owner_client):
    content = owner_client.get("/orders/").content.decode()
    assert 'placeholder="Number, #store order, customer or e-mail"' in content
    assert 'style="width: 25rem; max-width: 100%"' in content


def test_the_store_filter_names_its_choices_plainly(owner_client, three_orders, make_order, widget):
    by_hand = make_order((widget, "1"))

    everything = owner_client.get("/orders/")
    not_from_a_store = owner_client.get("/orders/?store=none")

    content = everything.content.decode()
    assert '<option value="">All orders</option>' in content
    assert '<option value="none">Not from a store (entered in Backroom)</option>' in content
    assert "All stores and none" not in content
    assert len(numbers(everything)) == 4
    assert numbers(not_from_a_store) == [by_hand.number]
    assert (
        '<option value="none" selected>Not from a store (entered in Backroom)</option>'
        in not_from_a_store.content.decode()
    )
    assert not_from_a_store.context["state"].params(page=2) == "?store=none&page=2"
    assert 'href="?">Clear</a>' in not_from_a_store.content.decode()


def test_store_total_next_to_the_lines_total(owner_client, store_order, make_order, widget):
    """The lines total leaves out shipping, fees and tax; the store's total is what the buyer
    paid: both are columns, the second empty for an order not from a store."""
    from_store = store_order(
        560,
        (widget, "1", "908.10", "908.10"),
        store_totals={"total": "1198.50", "shipping_total": "290.40"},
    )
    by_hand = make_order((widget, "1"))

    content = owner_client.get("/orders/").content.decode()

    assert (
        '<th title="Backroom\'s lines: quantity × price, without shipping, fees and tax">'
        "Lines total</th>"
    ) in content
    assert ">Store total</th>" in content
    row = content[content.index(f'data-order="{from_store.number}"') :].split("</tr>")[0]
    assert "<td>908.10 EUR</td>" in row
    assert '<td data-testid="store-total">1198.50 EUR</td>' in row
    hand_row = content[content.index(f'data-order="{by_hand.number}"') :].split("</tr>")[0]
    assert '<td data-testid="store-total"></td>' in hand_row


def test_placed_is_labelled_utc(owner_client, three_orders):
    content = owner_client.get("/orders/").content.decode()
    assert '<th class="nowrap">Placed (UTC)</th>' in content


def test_search_by_backroom_number(owner_client, three_orders):
    first, *_ = three_orders
    assert first.number in numbers(owner_client.get("/orders/", {"q": str(first.number)}))


@pytest.mark.parametrize(
    "query",
    [
        "?status=nonsense",
        "?store=abc",
        "?store=-1",
        "?page=0",
        "?page=99999999999999999999999",
        "?size=7",
        "?q=%00%01",
        "?q=" + "x" * 5000,
    ],
)
def test_unreadable_parameters_never_fail(owner_client, three_orders, query):
    response = owner_client.get(f"/orders/{query}")
    assert response.status_code == 200


def test_unknown_status_and_garbage_fall_back_to_everything(owner_client, three_orders):
    assert len(numbers(owner_client.get("/orders/?status=nonsense&store=abc"))) == 3


def test_a_store_of_another_account_is_no_filter_and_is_not_offered(
    owner_client, three_orders, foreign_company, owner
):
    """An id that is not among the choices filters nothing (as the form then says) and shows
    nothing of that store."""
    from backroom.catalog.models import PriceType
    from backroom.companies.models import Department

    rival_store = Store.objects.create(
        company=foreign_company,
        name="RIVALMARK store",
        language="EN",
        regular_price_type=PriceType.objects.create(company=foreign_company, name="R"),
        orders_department=Department.objects.create(company=foreign_company, name="D"),
        order_creator=owner,
        created_by=owner,
    )

    response = owner_client.get(f"/orders/?store={rival_store.pk}")

    assert sorted(numbers(response)) == sorted(order.number for order in three_orders)
    assert "RIVALMARK" not in response.content.decode()
    assert response.context["state"].store_id is None


def test_paging(owner_client, store_order, widget):
    orders = [
        store_order(1000 + i, (widget, "1", "1.00", None), store_created_at=MAY_1 + timedelta(i))
        for i in range(23)
    ]
    newest_first = [o.number for o in reversed(orders)]

    second = owner_client.get("/orders/?size=10&page=2")
    beyond = owner_client.get("/orders/?size=10&page=50")

    assert numbers(second) == newest_first[10:20]
    assert "Found: 23, page 2 of 3" in second.content.decode()
    assert 'href="?page=3&amp;size=10">Next' in second.content.decode()
    assert numbers(beyond) == newest_first[20:]  # the nearest page


def test_the_query_count_does_not_grow_with_the_rows(owner_client, store_order, widget, gadget):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get("/orders/?size=100").status_code == 200
        return len(queries)

    store_order(1, (widget, "1", "1.00", None))
    few = count_queries()
    for i in range(2, 30):
        customer = Customer.objects.create(company=widget.company, name=f"Buyer {i}")
        store_order(
            i, (widget, "1", "1.00", None), (gadget, "2", "3.00", "6.00"), customer=customer
        )
    many = count_queries()

    assert few == many


def test_orders_of_a_company_the_user_may_not_see_are_not_listed(
    account, other_company, three_orders, order_viewer_client, owner
):
    from backroom.orders.services import create_order

    elsewhere = create_order(
        company=other_company,
        customer=Customer.objects.create(company=other_company, name="Sister buyer"),
        department=Department.objects.create(company=other_company, name="Main"),
        created_by=owner,
        lines=[],
    )

    own = numbers(order_viewer_client.get("/orders/"))

    assert len(own) == 3
    assert elsewhere.pk not in [o.pk for o in order_viewer_client.get("/orders/").context["orders"]]
    assert "Sister buyer" not in order_viewer_client.get("/orders/").content.decode()


def test_without_the_orders_view_permission_the_list_is_refused(store_viewer_client):
    response = store_viewer_client.get("/orders/")
    assert response.status_code == 403
    assert "Your roles do not let you view customer orders." in response.content.decode()


def test_signed_out_goes_to_the_login(client):
    response = client.get("/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_menu_links_the_list_only_for_who_may_view_orders(
    order_viewer_client, store_viewer_client
):
    link = 'href="/orders/" data-testid="nav-orders"'
    assert link in order_viewer_client.get("/orders/").content.decode()
    assert link not in store_viewer_client.get("/").content.decode()


def test_only_get(owner_client):
    assert owner_client.post("/orders/").status_code == 405


def test_a_user_of_no_account_sees_nothing(db):
    from backroom.accounts.models import User

    stranger = User.objects.create_user(username="stranger", password="x-pass-123")
    assert signed_in(stranger).get("/orders/").status_code == 403


def test_own_scope_user_sees_own_company_orders(account, company, three_orders):
    user = make_user(account, company, username="ownall", permissions=["orders.view.all"])
    assert len(numbers(signed_in(user).get("/orders/"))) == 3


def held(store: Store, *store_order_ids: int, discarded: bool = False) -> None:
    for store_order_id in store_order_ids:
        HeldOrder.objects.create(
            store=store,
            store_order_id=store_order_id,
            payload_digest="0" * 64,
            payload={"id": store_order_id},
            reason="No Backroom product matches line 1.",
            last_tried_at=timezone.now(),
            discarded_at=timezone.now() if discarded else None,
        )


def test_the_list_says_which_stores_hold_orders(owner_client, three_orders, second_store, webshop):
    held(webshop, 901, 902)
    held(second_store, 903, discarded=True)

    content = owner_client.get("/orders/").content.decode()

    notice = content.split('data-testid="held-notice">')[1].split("</p>")[0]
    assert f'<a href="/stores/{webshop.pk}/#held-orders">Acme online: 2</a>' in notice
    assert second_store.name not in notice


def test_no_notice_without_held_orders(owner_client, three_orders):
    assert "held-notice" not in owner_client.get("/orders/").content.decode()


def test_the_notice_names_the_stores_without_a_link_for_who_may_not_view_them(
    order_viewer_client, three_orders, webshop
):
    held(webshop, 901)

    notice = order_viewer_client.get("/orders/").content.decode().split("held-notice")[1]

    assert "Acme online: 1" in notice.split("</p>")[0]
    assert "/stores/" not in notice.split("</p>")[0]


def test_the_notice_links_only_the_stores_the_user_may_open(
    account, company, other_company, three_orders, webshop, owner
):
    sister_store = Store.objects.create(
        company=other_company,
        name="Wholesale online",
        language="EN",
        regular_price_type=PriceType.objects.create(company=other_company, name="Trade"),
        orders_department=Department.objects.create(company=other_company, name="Main"),
        order_creator=owner,
        created_by=owner,
    )
    held(webshop, 901)
    held(sister_store, 902)
    user = make_user(
        account, company, username="ownstores", permissions=["orders.view.all", "stores.view.own"]
    )

    notice = signed_in(user).get("/orders/").content.decode().split('data-testid="held-notice">')[1]
    notice = notice.split("</p>")[0]

    assert f'<a href="/stores/{webshop.pk}/#held-orders">Acme online: 1</a>' in notice
    assert "Wholesale online: 1" in notice
    assert f"/stores/{sister_store.pk}/" not in notice
