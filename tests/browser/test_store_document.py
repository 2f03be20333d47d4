"""Issue 3 in a real browser: create a connection, watch the red asterisks go as fields are
filled, generate and copy the key (read back from the clipboard), save, reopen, find the
values."""

import re

import pytest
from playwright.sync_api import expect

from backroom.customers.models import Customer
from backroom.stores.models import Store
from backroom.stores.services import find_store_by_key, reveal_key
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def star(page, field: str):
    """The red asterisk of a field (present while the field is empty or wrong)."""
    return page.locator(f"#star-{field} .star")


def messages_of(page, field: str):
    return page.locator(f"#errors-{field} li")


@pytest.fixture
def shop(company, warehouse, shop_floor, retail, sale, owner):
    Customer.objects.create(company=company, name="Walk-in Buyer", email="walkin@example.com")
    return company


def test_create_generate_copy_save_reopen(
    page, shop, owner, warehouse, shop_floor, retail, screenshot_dir
):
    sign_in(page, "owner", "owner-pass-123", next_url="/stores/")
    page.click("summary:has-text('Settings')")
    page.click("text=Online-stores (connections)")
    expect(page).to_have_url(re.compile(r"/stores/$"))
    page.click("[data-testid=create]")
    expect(page).to_have_url(re.compile(r"/stores/new/"))

    # A new document: name and IP list are empty, so they wear the asterisk; the defaults
    # (language, regular price, department, creator, days, departments) do not.
    expect(star(page, "name")).to_have_count(1)
    expect(star(page, "allowed_addresses")).to_have_count(1)
    for field in (
        "language",
        "regular_price_type_id",
        "orders_department_id",
        "order_creator_id",
        "days_to_shipment",
        "department_ids",
    ):
        expect(star(page, field)).to_have_count(0)
    expect(page.locator("#id_order_creator_q")).to_have_value("owner")
    expect(page.locator("[data-count-of=department_ids]")).to_have_text("2 selected")
    expect(page.locator("#id_sale_price_type_id")).to_have_value("")

    page.fill("#id_name", "Browser Shop EN")
    expect(star(page, "name")).to_have_count(0)

    # A wrong value gets the asterisk and a message under the field, live.
    page.fill("#id_language", "E")
    expect(star(page, "language")).to_have_count(1)
    expect(messages_of(page, "language")).to_have_text(["Use exactly two letters, such as EN."])
    page.fill("#id_language", "en")
    expect(star(page, "language")).to_have_count(0)
    expect(messages_of(page, "language")).to_have_count(0)

    page.fill("#id_allowed_addresses", "shop.example.com")
    expect(star(page, "allowed_addresses")).to_have_count(1)
    expect(messages_of(page, "allowed_addresses")).to_contain_text(["is a name"])
    page.fill("#id_allowed_addresses", "203.0.113.5\n2001:db8::/48")
    expect(star(page, "allowed_addresses")).to_have_count(0)

    # The default customer shows only when used, is required then, and is picked by typing.
    expect(page.locator("#default-customer")).to_be_hidden()
    page.select_option("#id_if_customer_not_found", "use_default")
    expect(page.locator("#default-customer")).to_be_visible()
    expect(star(page, "default_customer_id")).to_have_count(1)
    page.fill("#id_default_customer_q", "walk")
    page.click("#default-customer .picks button:has-text('Walk-in Buyer')")
    expect(star(page, "default_customer_id")).to_have_count(0)

    # Sale price equal to the regular one: both stay, the sale one is refused with a reason.
    page.select_option("#id_sale_price_type_id", str(retail.pk))
    expect(star(page, "sale_price_type_id")).to_have_count(1)
    page.select_option("#id_sale_price_type_id", "")
    expect(star(page, "sale_price_type_id")).to_have_count(0)

    # The creator: emptied, the asterisk comes; picked again by typing part of the name.
    page.fill("#id_order_creator_q", "")
    expect(star(page, "order_creator_id")).to_have_count(1)
    page.fill("#id_order_creator_q", "own")
    page.click("#order-creator .picks button:has-text('owner')")
    expect(star(page, "order_creator_id")).to_have_count(0)

    page.fill("#id_days_to_shipment", "3")
    page.uncheck(f"input[name=department_ids][value='{shop_floor.pk}']")
    expect(page.locator("[data-count-of=department_ids]")).to_have_text("1 selected")
    expect(page.locator(".star")).to_have_count(0)

    page.click("[data-testid=save]")
    expect(page).to_have_url(re.compile(r"/stores/\d+/$"))
    expect(page.locator("#toasts")).to_contain_text("Document successfully created.")
    store = Store.objects.get(name="Browser Shop EN")

    # Generate asks first (it explains the plugin must be updated), then shows the new key.
    questions: list[str] = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    expect(page.locator("[data-testid=key-masked]")).to_be_visible()
    page.click("#key-box >> text=Generate")
    clear = page.locator("[data-testid=key-clear]")
    expect(clear).to_have_text(
        re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    )
    assert len(questions) == 1 and "plugin" in questions[0]
    shown_key = clear.inner_text()
    assert shown_key == reveal_key(user=owner, store_id=store.pk)

    page.click("#key-box >> text=Copy")
    expect(page.locator("#toasts")).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == shown_key
    assert find_store_by_key(copied) == store

    # Hide puts the dots back; the key is not in the page any more.
    page.click("#key-box >> text=Hide")
    expect(page.locator("[data-testid=key-masked]")).to_be_visible()
    assert shown_key not in page.content()

    # A plain change saves at once.
    page.fill("#id_name", "Browser Shop EN (main)")
    page.click("[data-testid=save]")
    expect(page.locator("#toasts")).to_contain_text("Document successfully saved.")

    # Reopen: every value is back.
    page.goto(f"/stores/{store.pk}/")
    expect(page.locator("#id_name")).to_have_value("Browser Shop EN (main)")
    expect(page.locator("#id_language")).to_have_value("EN")
    expect(page.locator("#id_allowed_addresses")).to_have_value("203.0.113.5\n2001:db8::/48")
    expect(page.locator("#id_regular_price_type_id")).to_have_value(str(retail.pk))
    expect(page.locator("#id_sale_price_type_id")).to_have_value("")
    expect(page.locator("#id_orders_department_id")).to_have_value(str(shop_floor.pk))
    expect(page.locator("#id_order_creator_q")).to_have_value("owner")
    expect(page.locator("#id_if_customer_not_found")).to_have_value("use_default")
    expect(page.locator("#id_default_customer_q")).to_have_value("Walk-in Buyer")
    expect(page.locator("#id_days_to_shipment")).to_have_value("3")
    expect(page.locator(f"input[name=department_ids][value='{warehouse.pk}']")).to_be_checked()
    expect(page.locator(f"input[name=department_ids][value='{shop_floor.pk}']")).not_to_be_checked()
    expect(page.locator("[data-testid=company-name]")).to_have_text("Acme Shop")
    expect(page.locator("[data-testid=status]")).to_contain_text("none yet")
    expect(page.locator(".star")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "storesweb-document.png"), full_page=True)

    store.refresh_from_db()
    assert store.days_to_shipment == 3
    assert store.default_customer.name == "Walk-in Buyer"
    assert set(store.departments.values_list("pk", flat=True)) == {warehouse.pk}
