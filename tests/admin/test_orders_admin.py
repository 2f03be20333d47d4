"""Orders in the admin: read-mostly; cancelling goes through orders.services."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from backroom.accounts.models import User
from backroom.inventory.models import Reservation
from backroom.orders.models import CustomerOrder
from tests.admin.helpers import change_url, form_data, url
from tests.admin.test_roles import staff


@pytest.fixture
def signed_in(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


def test_orders_are_not_added_here(signed_in):
    assert signed_in.get(url(CustomerOrder, "add")).status_code == 403


def test_only_shipment_date_and_note_can_be_changed(signed_in, acme_data, sister_data):
    order = acme_data.order
    page = signed_in.get(change_url(order))
    assert set(page.context["adminform"].form.fields) == {"shipment_date", "note"}
    assert "Acme mug" in page.content.decode()  # the lines are shown
    data = form_data(page)
    data.update(shipment_date="2026-05-04", note="Call first", status="cancelled", total="0")
    assert signed_in.post(change_url(order), data).status_code == 302
    order.refresh_from_db()
    assert (order.shipment_date, order.note, order.status, order.total) == (
        datetime.date(2026, 5, 4),
        "Call first",
        "new",
        Decimal("25.00"),
    )


def test_the_cancel_action_releases_reservations(signed_in, acme_data):
    response = signed_in.post(
        url(CustomerOrder, "changelist"),
        {"action": "cancel_orders", "_selected_action": [acme_data.order.pk]},
        follow=True,
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Order 1: cancelled."]
    acme_data.order.refresh_from_db()
    assert acme_data.order.status == "cancelled"
    assert not Reservation.objects.filter(pk=acme_data.reservation.pk).exists()


def test_the_cancel_action_leaves_orders_the_user_may_not_edit(
    client, account, company, acme_data, sister_data
):
    client.force_login(staff(account, company, "seller", ["orders.view.all", "orders.edit.own"]))
    response = client.post(
        url(CustomerOrder, "changelist"),
        {"action": "cancel_orders", "_selected_action": [acme_data.order.pk, sister_data.order.pk]},
        follow=True,
    )
    assert sorted(str(m) for m in get_messages(response.wsgi_request)) == [
        "Order 1: cancelled.",
        "Order 1: you may not change this order.",
    ]
    sister_data.order.refresh_from_db()
    assert sister_data.order.status == "new"
    assert Reservation.objects.filter(pk=sister_data.reservation.pk).exists()
