"""Fixtures for online-store connections (also used by tests/stores/web and tests/stores/api)."""

from dataclasses import replace

import pytest

from backroom.catalog.models import Attribute, Category, Product, Term
from backroom.stores.models import Store
from backroom.stores.services import StoreInput, create_store


@pytest.fixture
def store_input(company, retail, sale, warehouse, shop_floor, owner):
    """A function returning a valid StoreInput for `company`, with fields overridden."""

    def make(**changes) -> StoreInput:
        data = StoreInput(
            company_id=company.pk,
            name="Main shop",
            language="en",
            allowed_addresses="203.0.113.5\n2001:db8::/32",
            is_let_sync=True,
            regular_price_type_id=retail.pk,
            sale_price_type_id=sale.pk,
            orders_department_id=warehouse.pk,
            order_creator_id=owner.pk,
            if_customer_not_found=Store.IfCustomerNotFound.CREATE_NEW,
            default_customer_id=None,
            days_to_shipment=1,
            auto_reserve=False,
            department_ids=[warehouse.pk, shop_floor.pk],
        )
        return replace(data, **changes)

    return make


@pytest.fixture
def created(owner, store_input) -> tuple[Store, str]:
    """A store made by the owner through create_store, and its clear key."""
    return create_store(user=owner, data=store_input())


@pytest.fixture
def store(created) -> Store:
    return created[0]


@pytest.fixture
def catalog(company):
    """A small catalog: two store categories and one plain one, a product in each, a variable
    product with a variation, two attributes with terms."""
    shoes = Category.objects.create(company=company, name="Shoes", is_store_category=True)
    hats = Category.objects.create(company=company, name="Hats", is_store_category=True)
    misc = Category.objects.create(company=company, name="Misc", is_store_category=False)
    boot = Product.objects.create(company=company, name="Boot")
    boot.categories.add(shoes)
    cap = Product.objects.create(company=company, name="Cap")
    cap.categories.add(hats)
    tee = Product.objects.create(company=company, name="Tee", type=Product.Type.VARIABLE)
    tee.categories.add(hats)
    tee_red = Product.objects.create(
        company=company, name="Tee red", type=Product.Type.VARIATION, parent=tee
    )
    colour = Attribute.objects.create(company=company, name="Colour")
    red = Term.objects.create(attribute=colour, name="Red")
    blue = Term.objects.create(attribute=colour, name="Blue")
    size = Attribute.objects.create(company=company, name="Size")
    small = Term.objects.create(attribute=size, name="S")
    return {
        "shoes": shoes,
        "hats": hats,
        "misc": misc,
        "boot": boot,
        "cap": cap,
        "tee": tee,
        "tee_red": tee_red,
        "colour": colour,
        "red": red,
        "blue": blue,
        "size": size,
        "small": small,
    }
