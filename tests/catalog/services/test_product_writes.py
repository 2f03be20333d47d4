"""The catalog's write services: validated, scoped to one company, and silent when nothing
changes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backroom.catalog.models import Image, ProductImage
from backroom.catalog.services import (
    AttributeUse,
    create_attribute,
    create_category,
    create_product,
    create_term,
    set_default_attributes,
    set_product_attributes,
    set_product_categories,
    set_product_images,
    set_product_prices,
    set_related_products,
    set_variation_attributes,
    update_product,
)
from backroom.companies.errors import WrongCompany


def test_category_slugs_are_unique_per_company_and_keep_unicode(company, other_company):
    top = create_category(company=company, name="Clothing")
    assert create_category(company=company, name="Clothing", parent=top).slug == "clothing-2"
    assert create_category(company=company, name="clothing!", parent=None).slug == "clothing-3"
    assert create_category(company=other_company, name="Clothing").slug == "clothing"
    assert create_category(company=company, name="Обувь").slug == "обувь"
    assert create_category(company=company, name="★★★").slug == ""
    long = create_category(company=company, name="x" * 200)
    assert (len(long.slug), create_category(company=company, name="x" * 201).slug) == (
        120,
        "x" * 118 + "-2",
    )
    with pytest.raises(WrongCompany):
        create_category(company=other_company, name="Kids", parent=top)
    with pytest.raises(ValidationError):
        create_category(company=company, name="   ")


def test_attribute_and_term_slugs(company):
    color = create_attribute(company=company, name="Color")
    assert (color.slug, create_term(attribute=color, name="Dark Red", menu_order=3).slug) == (
        "color",
        "dark-red",
    )
    assert create_term(attribute=color, name="dark red!").slug == "dark-red-2"


def test_create_and_update_a_product(company):
    product = create_product(company=company, name="Fancy Mug", sku=" M-1 ", published=False)
    assert (product.sku, product.slug, product.published) == ("M-1", "fancy-mug", False)
    stamp = product.changed_at
    assert update_product(product=product, name="Fancy Mug", published=False) is False
    product.refresh_from_db()
    assert product.changed_at == stamp
    assert update_product(product=product, name="Plain Mug") is True
    product.refresh_from_db()
    assert (product.name, product.slug) == ("Plain Mug", "fancy-mug")
    assert product.changed_at > stamp
    with pytest.raises(ValidationError):
        update_product(product=product, stock_status="lost")
    with pytest.raises(TypeError):
        update_product(product=product, sku="other")


def test_variations_need_a_variable_parent(company, other_company):
    simple = create_product(company=company, name="Mug")
    with pytest.raises(ValidationError):
        create_product(company=company, name="Mug - Red", type="variation")
    with pytest.raises(ValidationError):
        create_product(company=company, name="Mug - Red", type="variation", parent=simple)
    variable = create_product(company=company, name="Tee", type="variable")
    with pytest.raises(WrongCompany):
        create_product(company=other_company, name="Tee - Red", type="variation", parent=variable)
    assert (
        create_product(company=company, name="Tee - Red", type="variation", parent=variable).parent
        == variable
    )


def test_prices(company, retail, sale, foreign_company):
    product = create_product(company=company, name="Mug")
    assert (
        set_product_prices(product=product, prices={retail: Decimal("4.005"), sale: None}) is True
    )
    assert list(product.prices.values_list("value", flat=True)) == [Decimal("4.01")]
    assert set_product_prices(product=product, prices={retail: Decimal("4.01")}) is False
    assert set_product_prices(product=product, prices={retail: None}) is True
    assert not product.prices.exists()
    with pytest.raises(ValidationError):
        set_product_prices(product=product, prices={retail: Decimal("-1")})
    theirs = foreign_company.price_types.create(name="Theirs")
    with pytest.raises(WrongCompany):
        set_product_prices(product=product, prices={theirs: Decimal(1)})


def test_categories_of_another_company_are_refused(company, other_company):
    product = create_product(company=company, name="Mug")
    mine = create_category(company=company, name="Cups")
    theirs = create_category(company=other_company, name="Cups")
    assert set_product_categories(product=product, categories=[mine]) is True
    assert set_product_categories(product=product, categories=[mine]) is False
    with pytest.raises(WrongCompany):
        set_product_categories(product=product, categories=[theirs])
    assert list(product.categories.all()) == [mine]


def test_attributes_variations_and_defaults(company, other_company):
    color = create_attribute(company=company, name="Color")
    red, blue = (create_term(attribute=color, name=name) for name in ("Red", "Blue"))
    size = create_attribute(company=company, name="Size")
    large = create_term(attribute=size, name="L")
    tee = create_product(company=company, name="Tee", type="variable")
    uses = [
        AttributeUse(color, [red, blue], used_for_variations=True),
        AttributeUse(size, [large], visible=False),
    ]
    assert set_product_attributes(product=tee, attributes=uses) is True
    assert set_product_attributes(product=tee, attributes=uses) is False
    assert set_product_attributes(product=tee, attributes=[AttributeUse(color, [red])]) is True
    [row] = tee.product_attributes.all()
    assert ([t.name for t in row.terms.all()], row.used_for_variations) == (["Red"], True)
    with pytest.raises(ValidationError):
        set_product_attributes(product=tee, attributes=[AttributeUse(color, [large])])
    with pytest.raises(WrongCompany):
        set_product_attributes(
            product=tee,
            attributes=[AttributeUse(create_attribute(company=other_company, name="X"), [])],
        )

    variation = create_product(company=company, name="Tee - Red", type="variation", parent=tee)
    assert set_variation_attributes(variation=variation, values={color: red, size: None}) is True
    assert set_variation_attributes(variation=variation, values={color: red, size: None}) is False
    assert set_variation_attributes(variation=variation, values={color: blue}) is True
    assert list(variation.variation_attributes.values_list("attribute__name", "term__name")) == [
        ("Color", "Blue")
    ]
    with pytest.raises(ValidationError):
        set_variation_attributes(variation=tee, values={color: red})
    assert set_default_attributes(product=tee, values={color: red}) is True
    assert set_default_attributes(product=tee, values={}) is True
    assert not tee.default_attributes.exists()


def test_images_are_shared_by_address_and_checked(company):
    mug, cup = (
        create_product(company=company, name="Mug"),
        create_product(company=company, name="Cup"),
    )
    urls = ["https://example.com/1.jpg", "https://example.com/2.jpg", "https://example.com/1.jpg"]
    assert set_product_images(product=mug, urls=urls) is True
    assert set_product_images(product=mug, urls=urls[:2]) is False
    assert set_product_images(product=cup, urls=["https://example.com/2.jpg"]) is True
    assert Image.objects.count() == 2
    assert (
        set_product_images(
            product=mug, urls=["https://example.com/2.jpg", "https://example.com/1.jpg"]
        )
        is True
    )
    assert list(mug.product_images.values_list("image__source_url", flat=True)) == [
        "https://example.com/2.jpg",
        "https://example.com/1.jpg",
    ]
    with pytest.raises(ValidationError):
        set_product_images(product=mug, urls=["file:///etc/passwd"])
    assert ProductImage.objects.filter(product=mug).count() == 2


def test_related_products(company, other_company):
    mug, cup, lid = (create_product(company=company, name=name) for name in ("Mug", "Cup", "Lid"))
    assert set_related_products(product=mug, upsells=[cup, mug], cross_sells=[lid]) is True
    assert list(mug.upsells.all()) == [cup]
    assert set_related_products(product=mug, upsells=[cup]) is False
    assert set_related_products(product=mug, cross_sells=[]) is True
    assert (mug.upsells.count(), mug.cross_sells.count()) == (1, 0)
    with pytest.raises(WrongCompany):
        set_related_products(product=mug, upsells=[create_product(company=other_company, name="X")])
