"""The number of queries of each endpoint does not grow with what it serves or receives: a
page of 2 items costs what a page of 24 costs, a report of 2 pairs what one of 24 costs."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.catalog.models import (
    Category,
    DefaultAttribute,
    Image,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    Term,
    VariationAttribute,
)
from backroom.stores.models import SyncState

MORE = 22


@pytest.fixture
def big_shop(shop, company, retail, sale, store):
    """The shop with MORE products (each with prices, an image, Colour with both terms, Blue
    by default, and a variation) in MORE more categories, and more terms."""
    colour = shop["colour"]
    for index in range(MORE):
        category = Category.objects.create(
            company=company,
            name=f"Category {index}",
            parent=shop["clothing"],
            is_store_category=True,
        )
        store.categories.add(category)
        Term.objects.create(attribute=colour, name=f"Shade {index}")
        product = Product.objects.create(
            company=company, name=f"Product {index}", sku=f"P-{index}", type=Product.Type.VARIABLE
        )
        product.categories.add(category)
        picture = Image.objects.create(
            company=company, source_url=f"https://img.example/{index}.jpg"
        )
        ProductImage.objects.create(product=product, image=picture)
        uses = ProductAttribute.objects.create(
            product=product, attribute=colour, used_for_variations=True
        )
        uses.terms.add(shop["red"], shop["blue"])
        DefaultAttribute.objects.create(product=product, attribute=colour, term=shop["blue"])
        variation = Product.objects.create(
            company=company,
            name=f"Product {index} red",
            type=Product.Type.VARIATION,
            parent=product,
        )
        VariationAttribute.objects.create(variation=variation, attribute=colour, term=shop["red"])
        for item in (product, variation):
            ProductPrice.objects.create(product=item, price_type=retail, value=Decimal("9.99"))
            ProductPrice.objects.create(product=item, price_type=sale, value=Decimal("5.00"))
    return shop


def count(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200, response.content
    return len(queries)


def report_all(plugin, store, kind: str, endpoint: str, base: int) -> None:
    """Confirm every item of `kind` the store was served, with made-up store ids."""
    served = SyncState.objects.filter(store=store, kind=kind).values_list("item_id", flat=True)
    plugin.report(endpoint, {item_id: base + item_id for item_id in served})


def test_pages_cost_the_same_whatever_their_size(plugin, store, big_shop):
    plugin.get("syncProductCategoriesToStore")
    report_all(plugin, store, "category", "syncProductCategoriesIds", 1000)
    plugin.get("syncProductAttributesToStore")
    report_all(plugin, store, "attribute", "syncProductAttributesIds", 2000)
    for endpoint in ("syncProductsToStore", "syncVariationsToStore"):  # the journal rows
        plugin.get(endpoint, first_result="0", max_results="0")

    # Pages of the added products only: each is alike (the first two are not).
    small = count(lambda: plugin.get("syncProductsToStore", first_result="2", max_results="2"))
    large = count(lambda: plugin.get("syncProductsToStore", first_result="4", max_results="20"))
    assert small == large

    report_all(plugin, store, "product", "syncProductsIds", 3000)
    small = count(lambda: plugin.get("syncVariationsToStore", first_result="1", max_results="2"))
    large = count(lambda: plugin.get("syncVariationsToStore", first_result="3", max_results="20"))
    assert small == large


def test_lists_cost_the_same_whatever_their_length(plugin, store, shop, company):
    plugin.get("syncProductCategoriesToStore")  # the journal rows
    plugin.get("syncAttributeTermsToStore")
    plugin.get("getProductWooIdsToDeleteInStore")
    plugin.get("syncProductAttributesToStore")
    report_all(plugin, store, "attribute", "syncProductAttributesIds", 2000)

    small = {
        "categories": count(lambda: plugin.get("syncProductCategoriesToStore")),
        "terms": count(lambda: plugin.get("syncAttributeTermsToStore")),
        "deletions": count(lambda: plugin.get("getProductWooIdsToDeleteInStore")),
    }
    SyncState.objects.filter(store=store).update(served_version=0, confirmed_version=0)
    for index in range(MORE):
        store.categories.add(
            Category.objects.create(company=company, name=f"More {index}", is_store_category=True)
        )
        Term.objects.create(attribute=shop["colour"], name=f"Shade {index}")
        gone = Product.objects.create(company=company, name=f"Gone {index}", is_deleted=True)
        SyncState.objects.create(store=store, kind="product", item_id=gone.pk, woo_id=500 + index)

    large = {
        "categories": count(lambda: plugin.get("syncProductCategoriesToStore")),
        "terms": count(lambda: plugin.get("syncAttributeTermsToStore")),
        "deletions": count(lambda: plugin.get("getProductWooIdsToDeleteInStore")),
    }
    assert small == large
    assert len(plugin.get("getProductWooIdsToDeleteInStore").json()) == MORE


@pytest.mark.parametrize(
    ("endpoint", "kind"),
    [
        ("syncProductCategoriesIds", "category"),
        ("syncProductsIds", "product"),
        ("syncVariationsIds", "variation"),
    ],
)
def test_reports_cost_the_same_whatever_their_length(plugin, store, big_shop, endpoint, kind):
    items = {
        "category": Category.objects.filter(company=store.company),
        "product": Product.objects.filter(company=store.company).exclude(type="variation"),
        "variation": Product.objects.filter(company=store.company, type="variation"),
    }[kind]
    ids = list(items.order_by("pk").values_list("pk", flat=True))
    assert len(ids) > 20
    plugin.report(endpoint, {})  # the journal row

    small = count(lambda: plugin.report(endpoint, {item: 7000 + item for item in ids[:2]}))
    large = count(lambda: plugin.report(endpoint, {item: 8000 + item for item in ids[2:]}))

    assert small == large


def test_deletion_reports_cost_the_same_whatever_their_length(plugin, store):
    plugin.post("deleteWooIdsFromProducts", [])

    small = count(lambda: plugin.post("deleteWooIdsFromProducts", [1, 2]))
    large = count(lambda: plugin.post("deleteWooIdsFromProducts", list(range(3, 300))))

    assert small == large
