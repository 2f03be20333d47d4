"""Issue 5's screens in a real browser: the connection page's "Orders" panel loads with htmx,
"Try again" imports a held order once its product is linked, "Discard" asks first; then the
store's orders in the list (filters kept in the URL) and the order page with its lines,
reservation, why this customer, and the store's payload."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from backroom.customers.models import Customer
from backroom.inventory.services import set_on_hand
from backroom.orders.models import CustomerOrder
from backroom.stores.models import HeldOrder, SyncState
from tests.browser.conftest import sign_in
from tests.stores.web.test_held_orders import UNKNOWN_PRODUCT, woo_order

pytestmark = pytest.mark.django_db(transaction=True)

PLACED = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop(make_store, widget, warehouse):
    """A store with auto-reserve, 5 widgets in the warehouse, and two held orders: 501 (for
    WooCommerce product 77, linked below) and 502 (for product 88, which nothing will link)."""
    store = make_store(name="Acme online", auto_reserve=True)
    set_on_hand(department=warehouse, quantities={widget: Decimal("5")})
    for order_id, product_id in ((501, 77), (502, 88)):
        HeldOrder.objects.create(
            store=store,
            store_order_id=order_id,
            payload_digest=f"{order_id:064d}",
            payload=woo_order(order_id, product_id=product_id),
            reason=UNKNOWN_PRODUCT.replace("77", str(product_id)),
            store_created_at=PLACED,
            last_tried_at=PLACED,
        )
    return store


def text_lines(locator) -> int:
    """On how many lines the element's text is laid out."""
    return locator.evaluate(
        """element => {
            const range = document.createRange();
            range.selectNodeContents(element);
            return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
        }"""
    )


def placeholder_fits(locator) -> bool:
    """Whether the input's placeholder is shown whole (narrower than the box's text area)."""
    return locator.evaluate(
        """input => {
            const style = getComputedStyle(input);
            const context = document.createElement("canvas").getContext("2d");
            context.font = style.font;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return context.measureText(input.placeholder).width <= room;
        }"""
    )


def test_held_orders_to_the_order_page(page, owner, shop, widget, screenshot_dir):
    sign_in(page, "owner", "owner-pass-123", next_url=f"/stores/{shop.pk}/")
    panel = page.locator("[data-testid=held-orders]")
    expect(panel.locator("[data-testid=held-row]")).to_have_count(2)
    expect(panel.locator("[data-testid=held-count]")).to_contain_text(
        "2 orders from this store could not be imported yet."
    )
    page.screenshot(path=str(screenshot_dir / "orders-held-panel.png"), full_page=True)

    # Dates, times and headers each on one line; times say they are UTC.
    for cell in ("th:nth-child(1)", "th:nth-child(2)", "td:nth-child(2)", "td:nth-child(5)"):
        assert text_lines(panel.locator(f"table {cell}").first) == 1, cell
    assert text_lines(panel.locator("[data-testid=retry]").first) == 1
    expect(panel.locator("th").nth(1)).to_have_text("Placed (UTC)")
    expect(panel.locator("th").nth(4)).to_have_text("Last tried (UTC)")

    # Still unknown: trying again counts the attempt and keeps the order; the outcome is
    # about the order pressed, in the panel (no toast over the last row's buttons).
    first = panel.locator("[data-testid=held-row]", has_text="501")
    first.locator("[data-testid=retry]").click()
    expect(page.locator("[data-testid=held-outcome]")).to_have_text(
        "Tried 1: imported 0, still held 1."
    )
    expect(
        page.locator("[data-testid=held-row]", has_text="501").locator("td").nth(3)
    ).to_have_text("2")
    expect(page.locator("#toasts .toast")).to_have_count(0)
    last_discard = page.locator("[data-testid=held-row]").last.locator("[data-testid=discard]")
    last_discard.scroll_into_view_if_needed()
    last_discard.click(trial=True, timeout=2000)  # nothing lies over it

    # The catalog sync links the product: now it goes in, and leaves the list.
    SyncState.objects.create(store=shop, kind=SyncState.Kind.PRODUCT, item_id=widget.pk, woo_id=77)
    page.locator("[data-testid=held-row]", has_text="501").locator("[data-testid=retry]").click()
    expect(page.locator("[data-testid=held-outcome]")).to_have_text(
        "Tried 1: imported 1, still held 0."
    )
    expect(page.locator("[data-testid=held-row]")).to_have_count(1)
    order = CustomerOrder.objects.get(store=shop, store_order_id=501)

    # Discard asks first; "cancel" keeps it, "OK" discards it.
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.locator("[data-testid=discard]").click()
    expect(page.locator("[data-testid=held-row]")).to_have_count(1)
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.locator("[data-testid=discard]").click()
    expect(page.locator("[data-testid=no-held]")).to_be_visible()
    expect(page.locator("[data-testid=held-outcome]")).to_have_text("Discarded: 1.")
    expect(page.locator("[data-testid=held-outcome]")).to_have_count(1)
    assert questions[0].startswith("Discard the held order 502?")
    assert not HeldOrder.objects.filter(discarded_at=None).exists()

    # The store's orders: the filter is in the URL and in the form.
    page.click("[data-testid=store-orders]")
    expect(page).to_have_url(re.compile(rf"/orders/\?store={shop.pk}$"))
    expect(page.locator("#id_store option:checked")).to_have_text("Acme online (EN)")
    expect(page.locator("[data-testid=order-row]")).to_have_count(1)
    page.select_option("#id_status", "cancelled")
    page.click("text=Apply")
    expect(page).to_have_url(re.compile(r"status=cancelled"))
    expect(page.locator("[data-testid=order-row]")).to_have_count(0)
    page.select_option("#id_status", "processing")
    page.click("text=Apply")
    expect(page.locator("[data-testid=order-row]")).to_have_count(1)
    row = page.locator("[data-testid=order-row]")
    expect(row.locator("[data-testid=store-total]")).to_have_text("20.00 EUR")
    expect(page.locator("[data-testid=orders] th").nth(1)).to_have_text("Placed (UTC)")
    assert placeholder_fits(page.locator("#id_q"))
    page.screenshot(path=str(screenshot_dir / "orders-list.png"), full_page=True)

    # The order page.
    page.click(f"[data-testid=order-row] >> text={order.number}")
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}/$"))
    expect(page.locator("[data-testid=store-order-id]")).to_have_text("501")
    expect(page.locator("[data-testid=lines-total]")).to_have_text("20.00 EUR")
    expect(page.locator("[data-testid=order-header] [data-testid=store-total]")).to_have_text(
        "20.00 EUR"
    )
    expect(page.locator("[data-testid=customer-reason]")).to_have_text(
        "New customer, created from the order"
    )
    expect(page.locator("[data-testid=customer]")).to_contain_text("Ann Buyer")
    line = page.locator("[data-testid=line]")
    expect(line).to_have_count(1)
    expect(line.locator("td").nth(3)).to_have_text("2")
    expect(line.locator("[data-testid=reserved]")).to_have_text("2")
    expect(page.locator("[data-testid=reservations]")).to_contain_text("Warehouse")
    payload = page.locator("[data-testid=payload]")
    expect(payload.locator("pre")).to_be_hidden()
    payload.locator("summary").click()
    expect(payload.locator("pre")).to_contain_text('"line_items": [')
    page.screenshot(path=str(screenshot_dir / "orders-page.png"), full_page=True)
    assert Customer.objects.filter(email__iexact="ann.buyer@example.com").count() == 1


def test_a_button_address_opened_in_the_browser_says_where_the_button_is(page, owner, shop):
    sign_in(page, "owner", "owner-pass-123")
    response = page.goto(f"/stores/{shop.pk}/held/retry/")
    assert response.status == 405
    expect(page.locator("[data-testid=wrong-method]")).to_contain_text("Use the “Try again” button")
    page.click("text=the connection page")
    expect(page).to_have_url(re.compile(rf"/stores/{shop.pk}/$"))
    expect(page.locator("[data-testid=held-row]")).to_have_count(2)


def test_toasts_let_clicks_through_and_do_not_pile_up(page, owner, shop):
    sign_in(page, "owner", "owner-pass-123", next_url=f"/stores/{shop.pk}/")
    expect(page.locator("[data-testid=held-row]")).to_have_count(2)
    for text in ("First", "Second", "Third"):
        page.evaluate("text => window.backroomToast(text)", text)

    toasts = page.locator("#toasts .toast")
    expect(toasts.filter(has_text="Third")).to_be_visible()
    expect(toasts.filter(has_text="Second")).to_be_visible()
    expect(toasts.filter(has_text="First")).to_be_hidden()  # only the two newest show
    box = toasts.filter(has_text="Third").bounding_box()
    beneath = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.toast') === null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert beneath  # a click there reaches the page, not the toast
    expect(toasts).to_have_count(0, timeout=6000)  # and they go away


def test_the_menu_leads_to_the_orders(page, owner, shop):
    sign_in(page, "owner", "owner-pass-123")
    page.click("[data-testid=nav-orders]")
    expect(page).to_have_url(re.compile(r"/orders/$"))
    expect(page.locator("h1")).to_have_text("Customer orders")
    expect(page.locator("[data-testid=found]")).to_have_text("Found: 0, page 1 of 1")
