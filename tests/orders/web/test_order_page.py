"""The order page (/orders/<id>/): header, origin, why this customer, lines with how they were
matched and what is reserved, reservations, the store's figures and the mismatch explained,
addresses, the raw payload escaped; 404 for ids the user may not see, 403 without the right."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.customers.models import Customer
from backroom.inventory.services import reserve_order_lines, set_on_hand
from backroom.orders.models import CustomerOrder
from backroom.orders.services import create_order
from backroom.stores.models import Store
from tests.conftest import make_user
from tests.orders.web.conftest import signed_in

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "id": 727,
    "number": "727",
    "status": "processing",
    "customer_note": "<script>alert('x')</script>",
    "line_items": [{"id": 1, "name": "Widget – blue", "quantity": 2}],
}


@pytest.fixture
def order(store_order, widget, gadget, warehouse):
    """Order 727 of the webshop: 2 widgets at 10.00 (the store says 20.00) and 3 gadgets at
    5.00 (the store says 15.01, so the totals differ); 1 widget in stock, reserved."""
    set_on_hand(department=warehouse, quantities={widget: Decimal("1")})
    order = store_order(
        727,
        (widget, "2", "10.00", "20.00"),
        (gadget, "3", "5.00", "15.01"),
        store_order_number="WEB-727",
        customer_reason=CustomerOrder.CustomerReason.PHONE,
        store_totals={"total": "40.01", "shipping_total": "5.00", "lines_total": "35.01"},
        totals_mismatch=True,
        billing_address={"first_name": "Ann", "last_name": "Smith", "city": "Leeds", "x": ""},
        shipping_address={},
        store_payload=PAYLOAD,
    )
    reserve_order_lines(
        lines=[(line, line.quantity) for line in order.lines.all()], department=warehouse
    )
    return order


def without_tokens(response) -> str:
    """The page without its CSRF tokens (masked afresh on every page)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", response.content.decode())


def section(content: str, testid: str) -> str:
    start = content.index(f'data-testid="{testid}"')
    return content[start : content.index("</section>", start)]


def test_the_whole_page(owner_client, order, webshop):
    response = owner_client.get(f"/orders/{order.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    header = section(content, "order-header")
    assert f"<dt>Number</dt><dd>{order.number}</dd>" in header
    assert "<dt>Status</dt><dd>Processing</dd>" in header
    assert "<dt>Department</dt><dd>Warehouse</dd>" in header
    assert "<dt>Created by</dt><dd>owner</dd>" in header
    assert (
        '<dt>Lines total</dt><dd><span data-testid="lines-total">35.00 EUR</span>'
        '<div class="help">Backroom\'s lines (quantity × price), without shipping, fees '
        "and tax.</div></dd>"
    ) in header
    assert (
        '<dt>Store\'s total</dt><dd><span data-testid="store-total">40.01 EUR</span>'
        '<div class="help">What the buyer paid, with shipping, fees and tax.</div></dd>'
    ) in header
    assert "<dt>Entered in Backroom (UTC)</dt>" in header
    origin = section(content, "origin")
    assert f'<a href="/stores/{webshop.pk}/">Acme online</a>' in origin
    assert '<dd data-testid="store-order-id">727</dd>' in origin
    assert "<dd>WEB-727</dd>" in origin
    assert "<dt>Placed in the store (UTC)</dt><dd>2024-05-01 12:00</dd>" in origin
    customer = section(content, "customer")
    assert "<dd>Ann Smith</dd>" in customer
    assert '<dd data-testid="customer-reason">Same phone number</dd>' in customer


def test_lines_and_reservations(owner_client, order):
    content = owner_client.get(f"/orders/{order.pk}/").content.decode()

    lines = section(content, "lines")
    rows = [row for row in lines.split('<tr data-testid="line">')[1:]]
    cells = [
        [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] + [row.split('"reserved">')[1]]
        for row in rows
    ]
    assert [c[:6] for c in cells] == [
        ["1", 'Widget <span class="muted">W-1</span>', "Widget", "2", "10.00", "20.00"],
        ["2", 'Gadget <span class="muted">G-1</span>', "Gadget", "3", "5.00", "15.00"],
    ]
    assert cells[0][6] == "20.00"
    assert cells[1][6].startswith('15.01 <span class="chip no"')
    assert [c[7] for c in cells] == ["The store&#x27;s product or variation id"] * 2
    assert [c[-1].split("</td>")[0] for c in cells] == ["1", "0"]
    reservations = section(content, "reservations")
    assert "<th>Since (UTC)</th>" in reservations
    assert "<td>Widget</td><td>Warehouse</td><td>1</td>" in reservations
    assert "Gadget" not in reservations


def test_what_auto_reserve_could_not_hold_is_said(owner_client, order, webshop):
    Store.objects.filter(pk=webshop.pk).update(auto_reserve=True)

    lines = section(owner_client.get(f"/orders/{order.pk}/").content.decode(), "lines")

    reserved = [row.split("</td>")[0] for row in lines.split('"reserved">')[1:]]
    assert reserved[0].startswith('1 <span class="chip no" title="The orders department had no')
    assert reserved[0].endswith(">1 short</span>")
    assert reserved[1].startswith("0 <span") and reserved[1].endswith(">3 short</span>")


def test_no_shortfall_is_said_without_auto_reserve(owner_client, order):
    lines = section(owner_client.get(f"/orders/{order.pk}/").content.decode(), "lines")

    assert "short</span>" not in lines


def test_store_figures_and_the_mismatch_explained(owner_client, order):
    content = owner_client.get(f"/orders/{order.pk}/").content.decode()

    figures = section(content, "store-totals")
    assert "<dt>Total (what the buyer paid)</dt><dd>40.01</dd>" in figures
    assert "<dt>Shipping</dt><dd>5.00</dd>" in figures
    assert "<dt>Lines (the store&#x27;s sum)</dt><dd>35.01</dd>" in figures
    assert "The store's line totals add up to 35.01; Backroom's lines" in figures
    assert "add up to 35.00." in figures


def test_addresses_and_the_payload_escaped(owner_client, order):
    content = owner_client.get(f"/orders/{order.pk}/").content.decode()

    billing = section(content, "billing")
    assert "<dt>First name</dt><dd>Ann</dd><dt>Last name</dt><dd>Smith</dd>" in billing
    assert "<dt>City</dt><dd>Leeds</dd>" in billing
    assert "<dt>X</dt>" not in billing  # empty values are left out
    assert "None given." in section(content, "shipping")
    payload = content[content.index('data-testid="payload"') :]
    assert "<script>alert" not in content
    assert "&quot;customer_note&quot;: &quot;&lt;script&gt;alert(&#x27;x&#x27;)" in payload
    assert "Widget – blue" in payload  # unicode kept as it is, not \\u escapes


def test_an_order_from_a_store_without_a_total_shows_only_the_lines_total(
    owner_client, store_order, widget
):
    order = store_order(6, (widget, "1", "10.00", "10.00"), store_totals={"shipping_total": "2"})
    content = owner_client.get(f"/orders/{order.pk}/").content.decode()
    assert '<span data-testid="lines-total">10.00 EUR</span>' in content
    assert "Store's total" not in content


def test_no_mismatch_no_warning(owner_client, store_order, widget):
    order = store_order(5, (widget, "1", "10.00", "10.00"))
    content = owner_client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="mismatch-explained"' not in content
    assert 'data-testid="payload"' not in content  # nothing kept, nothing shown


def test_an_order_entered_by_hand(owner_client, make_order, widget):
    order = make_order((widget, "1.5"))
    content = owner_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Entered in Backroom, not from an online store." in content
    assert 'data-testid="store-total"' not in content  # no store, no store's total
    assert '<dt>Lines total</dt><dd><span data-testid="lines-total">15.00 </span></dd>' in content
    assert "<td>1.5</td>" in content
    assert "Chosen by a user" in content


def test_the_store_is_a_link_only_for_who_may_view_stores(order_viewer_client, order, webshop):
    content = order_viewer_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Acme online" in content
    assert f'href="/stores/{webshop.pk}/"' not in content


def test_the_query_count_does_not_grow_with_the_lines(owner_client, store_order, widget, gadget):
    def count_queries(order) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(f"/orders/{order.pk}/").status_code == 200
        return len(queries)

    small = store_order(1, (widget, "1", "1.00", None))
    large = store_order(2, *[(widget if i % 2 else gadget, "1", "1.00", "1.00") for i in range(30)])

    assert count_queries(small) == count_queries(large)


def test_ids_the_user_may_not_see_are_not_found(
    order, account, other_company, foreign_company, owner, order_viewer_client
):
    from backroom.companies.models import Department

    def order_of(company, creator):
        department = Department.objects.create(company=company, name="Main")
        customer = Customer.objects.create(company=company, name="RIVALMARK buyer")
        return create_order(
            company=company, customer=customer, department=department, created_by=creator, lines=[]
        )

    rival_owner = make_user(
        foreign_company.account, foreign_company, username="rivalowner", permissions=[]
    )
    sister = order_of(other_company, owner)  # same account, but the viewer may see "own" only
    rival = order_of(foreign_company, rival_owner)
    missing = order_viewer_client.get("/orders/999999/")

    for other in (sister, rival):
        response = order_viewer_client.get(f"/orders/{other.pk}/")
        assert response.status_code == 404
        assert without_tokens(response) == without_tokens(missing)
        assert "RIVALMARK" not in response.content.decode()
    assert order_viewer_client.get(f"/orders/{order.pk}/").status_code == 200
    assert missing.status_code == 404


def test_without_the_orders_view_permission_the_page_is_refused(account, company, order):
    user = make_user(account, company, username="nostore", permissions=["stores.view.own"])
    response = signed_in(user).get(f"/orders/{order.pk}/")
    assert response.status_code == 403
    assert "Your roles do not let you view customer orders." in response.content.decode()


def test_huge_ids_are_not_found(owner_client):
    assert owner_client.get(f"/orders/{10**30}/").status_code == 404
