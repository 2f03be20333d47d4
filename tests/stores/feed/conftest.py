"""A small catalog built through the services, and a stand-in for the plugin's id reports."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from backroom.accounts.models import User
from backroom.catalog.models import Product
from backroom.catalog.services import (
    AttributeUse,
    create_attribute,
    create_category,
    create_product,
    create_term,
    save_translation,
    set_default_attributes,
    set_product_attributes,
    set_product_categories,
    set_product_images,
    set_product_prices,
    set_related_products,
    set_variation_attributes,
)
from backroom.inventory.services import reserve_order_lines, set_on_hand
from backroom.stores import feed
from backroom.stores.models import Store
from backroom.stores.services import create_store, link_store_items
from backroom.stores.sync import (
    bump_sync_version,
    confirm_reported_ids,
    forget_deleted_woo_ids,
)

D = Decimal


@pytest.fixture
def shop(company, store, retail, sale, warehouse, shop_floor, make_order):
    """Categories Clothing > Shirts (carried), Outlet (not carried) > Remnants (carried);
    attributes Colour (Blue, Red) and Size (S) linked, Material not; products:
    - shirt: simple, in Shirts, 20.00 / 15.50, stock 5.5 + 3 - 2 reserved = 6 (floored),
      HTML description, attributes Colour, Material, Size, two pictures, upsells tee and mug;
    - tee: variable, in Clothing and Remnants, 10.00 and no sale price, two variations;
    - mug: in Outlet only (not carried)."""
    clothing = create_category(company=company, name="Clothing")
    shirts = create_category(company=company, name="Shirts", parent=clothing)
    outlet = create_category(company=company, name="Outlet")
    remnants = create_category(company=company, name="Remnants", parent=outlet)
    link_store_items(
        stores=[store],
        kind="category",
        item_ids=[clothing.pk, shirts.pk, remnants.pk],
        mode="add",
    )
    colour = create_attribute(company=company, name="Colour")
    red = create_term(attribute=colour, name="Red", menu_order=2)
    blue = create_term(attribute=colour, name="Blue", menu_order=1)
    size = create_attribute(company=company, name="Size")
    small = create_term(attribute=size, name="S")
    material = create_attribute(company=company, name="Material")
    cotton = create_term(attribute=material, name="Cotton")
    link_store_items(stores=[store], kind="attribute", item_ids=[colour.pk, size.pk], mode="add")

    shirt = create_product(
        company=company,
        name="Oxford shirt",
        sku="SH-1",
        description="Plain words",
        description_html="<p>Rich words</p>",
        description_format=Product.TextFormat.HTML,
        short_description="Short words",
        short_description_html="<b>Short</b>",
        manage_stock=True,
        purchase_note="Thanks",
        menu_order=3,
    )
    set_product_categories(product=shirt, categories=[shirts])
    set_product_prices(product=shirt, prices={retail: D("20"), sale: D("15.5")})
    set_product_attributes(
        product=shirt,
        attributes=[
            AttributeUse(attribute=colour, terms=[red, blue]),
            AttributeUse(attribute=material, terms=[cotton]),
            AttributeUse(attribute=size, terms=[small], visible=False),
        ],
    )
    set_product_images(
        product=shirt,
        urls=["https://img.example/shirt-front.jpg", "https://img.example/shirt-back.png"],
    )
    tee = create_product(company=company, name="Tee", sku="TEE", type=Product.Type.VARIABLE)
    set_product_categories(product=tee, categories=[clothing, remnants])
    set_product_prices(product=tee, prices={retail: D("10")})
    set_product_attributes(
        product=tee,
        attributes=[AttributeUse(attribute=colour, terms=[blue, red], used_for_variations=True)],
    )
    set_default_attributes(product=tee, values={colour: red, size: None})
    tee_red = create_product(
        company=company, name="Tee red", sku="TEE-R", type=Product.Type.VARIATION, parent=tee
    )
    set_variation_attributes(variation=tee_red, values={colour: red})
    set_product_prices(product=tee_red, prices={retail: D("11"), sale: D("11")})
    set_product_images(product=tee_red, urls=["https://img.example/tee-red.jpg"])
    tee_blue = create_product(
        company=company, name="Tee blue", sku="TEE-B", type=Product.Type.VARIATION, parent=tee
    )
    set_variation_attributes(variation=tee_blue, values={colour: blue})
    mug = create_product(company=company, name="Mug", sku="MUG")
    set_product_categories(product=mug, categories=[outlet])
    set_related_products(product=shirt, upsells=[tee, mug], cross_sells=[tee])

    set_on_hand(department=warehouse, quantities={shirt: D("5.5"), tee_red: D("4")})
    set_on_hand(department=shop_floor, quantities={shirt: D("3")})
    order = make_order((shirt, "2"))
    reserve_order_lines(lines=[(order.lines.get(), D("2"))], department=warehouse)
    return SimpleNamespace(**locals())


def fresh(store: Store) -> Store:
    """The store as the store API finds it: read anew, nothing cached on it."""
    return Store.objects.get(pk=store.pk)


WOO_BASE = {"category": 100, "attribute": 200, "term": 300, "product": 1000, "variation": 5000}
"""The ids the stand-in plugin reports: base of the kind + crm id, so tests can tell them."""


def woo(kind: str, item) -> int:
    return WOO_BASE[kind] + item.pk


def report(store: Store, kind: str, items) -> int:
    """Report ids for served items as the plugin does after writing them to WooCommerce."""
    return confirm_reported_ids(
        store=store,
        kind=kind,
        pairs=[(WOO_BASE[kind] + item.crm_id, item.crm_id) for item in items],
    )


def play_cycle(store: Store) -> int:
    """One catalog cycle of the plugin, every step's ids reported; returns how many items
    were sent."""
    store = fresh(store)
    sent = 0
    for step in (feed.categories_to_sync, feed.attributes_to_sync, feed.terms_to_sync):
        items = step(store=store).items
        report(store, KINDS_OF[step], items)
        sent += len(items)
    count = feed.count_products_to_sync(store=store)
    served = [
        product
        for first in range(0, count, 100)
        for product in feed.products_page(store=store, first_result=first, max_results=100)
    ]
    report(store, "product", served)
    sent += len(served)
    deleted = feed.product_woo_ids_to_delete(store=store)
    forget_deleted_woo_ids(store=store, woo_ids=deleted)
    count = feed.count_variations_to_sync(store=store)
    served = [
        variation
        for first in range(0, count, 100)
        for variation in feed.variations_page(store=store, first_result=first, max_results=100)
    ]
    report(store, "variation", served)
    return sent + len(served)


KINDS_OF = {
    feed.categories_to_sync: "category",
    feed.attributes_to_sync: "attribute",
    feed.terms_to_sync: "term",
}


def sync_fully(store: Store) -> int:
    """Catalog cycles until one sends nothing (a product first created is missing from the
    upsells of those sent before it had an id: they go again once); returns the cycles that
    sent something."""
    for cycles in range(5):
        if not play_cycle(store):
            return cycles
    raise AssertionError("the catalog never settles")


def carry_same(store: Store, shop) -> None:
    """Make `store` carry what the shop's first store carries."""
    link_store_items(
        stores=[store],
        kind="category",
        item_ids=[shop.clothing.pk, shop.shirts.pk, shop.remnants.pk],
        mode="add",
    )
    link_store_items(
        stores=[store], kind="attribute", item_ids=[shop.colour.pk, shop.size.pk], mode="add"
    )


@pytest.fixture
def german(owner, store_input, sale, shop_floor, shop) -> Store:
    """A German store of the same company: the sale price type as its regular one, no sale
    price, the shop floor only; it carries what `store` carries."""
    german = create_store(
        user=owner,
        data=store_input(
            name="Laden",
            language="de",
            regular_price_type_id=sale.pk,
            sale_price_type_id=None,
            department_ids=[shop_floor.pk],
        ),
    )[0]
    carry_same(german, shop)
    return german


@pytest.fixture
def rival(foreign_company) -> Store:
    """A store of another account's company, carrying a category and product of its own."""
    user = User.objects.create_user(username="rival", password="rival-pass-123")
    department = foreign_company.departments.create(name="Depot")
    rival = Store.objects.create(
        company=foreign_company,
        name="Rival",
        language="EN",
        regular_price_type=foreign_company.price_types.create(name="Retail"),
        orders_department=department,
        order_creator=user,
        created_by=user,
    )
    rival.departments.add(department)
    shelf = create_category(company=foreign_company, name="Shelf")
    link_store_items(stores=[rival], kind="category", item_ids=[shelf.pk], mode="add")
    set_product_categories(
        product=create_product(company=foreign_company, name="Rival thing"), categories=[shelf]
    )
    return rival


def rich_products(shop, count: int) -> None:
    """`count` more products like the shirt: prices, pictures, attributes, related products,
    translations, stock, a variation each."""
    company = shop.company
    for index in range(count):
        product = create_product(
            company=company, name=f"Rich {index}", sku=f"R-{index}", type=Product.Type.VARIABLE
        )
        set_product_categories(product=product, categories=[shop.shirts, shop.remnants])
        set_product_prices(product=product, prices={shop.retail: D("9.99"), shop.sale: D("5")})
        set_product_images(product=product, urls=[f"https://img.example/{index}.jpg"])
        set_product_attributes(
            product=product,
            attributes=[
                AttributeUse(attribute=shop.colour, terms=[shop.red, shop.blue]),
                AttributeUse(attribute=shop.size, terms=[shop.small]),
            ],
        )
        set_default_attributes(product=product, values={shop.colour: shop.blue})
        set_related_products(product=product, upsells=[shop.shirt], cross_sells=[shop.tee])
        save_translation(item=product, language="de", name=f"Reich {index}")
        create_product(
            company=company, name=f"Rich {index} red", type=Product.Type.VARIATION, parent=product
        )
    set_on_hand(
        department=shop.warehouse,
        quantities={p: D("3") for p in Product.objects.filter(name__startswith="Rich ")},
    )


@pytest.fixture
def rich_shop(shop, store):
    """The shop with 110 rich products, all sent once and confirmed, then all changed."""
    rich_products(shop, 110)
    sync_fully(store)
    everything = Product.objects.values_list("pk", flat=True)
    bump_sync_version(store_ids=[store.pk], kind="product", item_ids=everything)
    bump_sync_version(store_ids=[store.pk], kind="variation", item_ids=everything)
    return shop
