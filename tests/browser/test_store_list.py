"""The list and a new document's company switch in a real browser: the company-dependent part
reloads through htmx, and deleting / restoring goes through the confirmation page."""

import re

import pytest
from playwright.sync_api import expect

from backroom.accounts.models import Membership
from backroom.catalog.models import PriceType
from backroom.companies.models import Department
from backroom.stores.models import Store
from tests.browser.conftest import sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

EVERYTHING = [f"stores.{a}.all" for a in ("view", "create", "edit", "delete")]


@pytest.fixture
def manager(account, company, other_company, retail, warehouse):
    """May do everything with connections of every company; no own company."""
    user = make_user(account, company, username="manager", permissions=EVERYTHING)
    Membership.objects.filter(user=user).update(company=None)
    PriceType.objects.create(company=other_company, name="Wholesale")
    Department.objects.create(company=other_company, name="Depot")
    return user


def test_changing_company_reloads_the_orders_and_inventory_part(
    page, manager, company, other_company, screenshot_dir
):
    sign_in(page, "manager", "manager-pass-123", next_url="/stores/new/")
    expect(page.locator("#id_regular_price_type_id option:checked")).to_have_text("Retail")
    expect(page.locator("#id_order_creator_q")).to_have_value("manager")

    page.select_option("#id_company_id", str(other_company.pk))

    expect(page.locator("#id_regular_price_type_id option:checked")).to_have_text("Wholesale")
    expect(page.locator("#id_orders_department_id option:checked")).to_have_text("Depot")
    expect(page.locator("input[name=department_ids]")).to_have_count(1)
    expect(page.locator("[data-count-of=department_ids]")).to_have_text("1 selected")
    expect(page.locator("#id_order_creator_q")).to_have_value("manager")
    expect(page.locator("#star-order_creator_id .star")).to_have_count(0)
    expect(page.locator("#star-name .star")).to_have_count(1)

    # Saving with gaps: messages under the fields and a summary at the top.
    page.click("[data-testid=save]")
    expect(page.locator("#summary")).to_contain_text("The connection cannot be saved yet")
    expect(page.locator("#errors-name")).to_have_text("Enter a name.")
    page.screenshot(path=str(screenshot_dir / "storesweb-new-errors.png"), full_page=True)
    page.fill("#id_name", "Wholesale EN")
    expect(page.locator("#errors-name li")).to_have_count(0)
    page.fill("#id_allowed_addresses", "198.51.100.0/24")
    expect(page.locator("#summary li")).to_have_count(0)
    page.click("[data-testid=save]")
    expect(page).to_have_url(re.compile(r"/stores/\d+/$"))
    assert Store.objects.get(name="Wholesale EN").company == other_company


def test_delete_and_restore_through_the_confirmation(page, manager, make_store, screenshot_dir):
    make_store(name="Keep me")
    make_store(name="Bin me")
    sign_in(page, "manager", "manager-pass-123", next_url="/stores/")
    expect(page.locator("[data-testid=row]")).to_have_count(2)
    page.screenshot(path=str(screenshot_dir / "storesweb-list.png"), full_page=True)

    page.check("input[aria-label='Select Bin me']")
    page.click("[data-testid=delete]")
    expect(page.locator("[data-testid=confirm-names]")).to_contain_text("Bin me")
    page.click("[data-testid=confirm]")
    expect(page.locator("#toasts")).to_contain_text("Deleted to the bin: 1.")
    expect(page.locator("[data-testid=row]")).to_have_count(1)

    page.click("[data-testid=tab-deleted]")
    expect(page.locator("[data-testid=row]")).to_have_text(re.compile("Bin me"))
    page.check("input[aria-label='Select Bin me']")
    page.click("[data-testid=restore]")
    page.click("[data-testid=confirm]")
    expect(page.locator("#toasts")).to_contain_text("Restored: 1.")
    assert not Store.objects.filter(is_deleted=True).exists()
