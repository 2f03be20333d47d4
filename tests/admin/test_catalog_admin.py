"""The catalog's admin pages: their cost, and the rules their forms add."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.accounts.models import User
from backroom.catalog.models import Category, PriceType, Product, ProductAttribute, ProductPrice
from tests.admin.helpers import change_url, errors_of, form_data, url


@pytest.fixture
def signed_in(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


def make_products(company, price_types, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        product = Product.objects.create(
            company=company, name=f"Item {index:03}", sku=f"item-{index}"
        )
        for price_type in price_types:
            ProductPrice.objects.create(
                product=product, price_type=price_type, value=Decimal("1.50") + index
            )


def changelist_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(Product, "changelist"))
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("as_owner", [True, False], ids=["owner", "clerk"])
def test_the_product_list_costs_the_same_for_3_or_30_products(
    client, signed_in, account, company, other_company, retail, sale, as_owner
):
    if not as_owner:
        from tests.admin.test_roles import staff

        client.force_login(staff(account, company, "clerk", ["catalog.view.own"]))
    make_products(company, [retail, sale], 3)
    few, shown = changelist_queries(client)
    assert shown == 3
    make_products(company, [retail, sale], 27, start=3)
    many, shown = changelist_queries(client)
    assert shown == 30
    assert many == few


def test_the_product_list_shows_prices_per_type(signed_in, company, retail, sale):
    make_products(company, [retail, sale], 1)
    content = signed_in.get(url(Product, "changelist")).content.decode()
    assert "Retail: 1.50, Sale: 1.50" in content


@pytest.mark.parametrize("name", ["product", "variable", "variation"])
def test_every_kind_of_product_page_opens_with_its_inlines(signed_in, acme_data, name):
    product = getattr(acme_data, name)
    response = signed_in.get(change_url(product))
    assert response.status_code == 200
    inlines = [
        inline.opts.__class__.__name__ for inline in response.context["inline_admin_formsets"]
    ]
    expected = {
        "product": ["ProductPriceInline", "ProductAttributeInline"],
        "variable": [
            "ProductPriceInline",
            "ProductAttributeInline",
            "DefaultAttributeInline",
            "VariationInline",
        ],
        "variation": ["ProductPriceInline", "VariationAttributeInline"],
    }[name]
    assert inlines == [*expected, "ProductImageInline", "ProductTranslationInline"]


def test_a_variable_products_page_lists_its_variations(signed_in, acme_data):
    content = signed_in.get(change_url(acme_data.variable)).content.decode()
    assert "Acme shirt red" in content
    assert change_url(acme_data.variation) in content


def test_a_variation_parent_must_be_a_variable_product(signed_in, acme_data):
    data = form_data(signed_in.get(change_url(acme_data.variation)))
    data["parent"] = str(acme_data.product.pk)
    response = signed_in.post(change_url(acme_data.variation), data)
    assert errors_of(response) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    response = signed_in.get(
        "/admin/autocomplete/",
        {"app_label": "catalog", "model_name": "product", "field_name": "parent", "term": "Acme"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Acme shirt"]


def test_a_product_attribute_offers_only_its_own_terms(signed_in, acme_data):
    from backroom.catalog.models import Attribute, Term

    size = Attribute.objects.create(company=acme_data.company, name="Size")
    large = Term.objects.create(attribute=size, name="L")
    data = form_data(signed_in.get(change_url(acme_data.variable)))
    data["product_attributes-0-terms"] = [str(acme_data.term.pk), str(large.pk)]
    response = signed_in.post(change_url(acme_data.variable), data)
    assert errors_of(response) == ["Choose terms of the chosen attribute."]
    assert list(ProductAttribute.objects.get(pk=acme_data.product_attribute.pk).terms.all()) == [
        acme_data.term
    ]


def test_a_category_cannot_sit_under_its_own_subcategory(signed_in, company):
    top = Category.objects.create(company=company, name="Top")
    middle = Category.objects.create(company=company, name="Middle", parent=top)
    bottom = Category.objects.create(company=company, name="Bottom", parent=middle)
    data = form_data(signed_in.get(change_url(top)))
    for parent in (bottom, top):
        data["parent"] = str(parent.pk)
        response = signed_in.post(change_url(top), data)
        assert errors_of(response) == ["A category cannot be placed under itself."]
    data["parent"] = ""
    assert signed_in.post(change_url(top), data).status_code == 302
    data = form_data(signed_in.get(change_url(bottom)))
    data["parent"] = str(top.pk)
    assert signed_in.post(change_url(bottom), data).status_code == 302
    assert Category.objects.get(pk=bottom.pk).parent == top


def test_unicode_and_hostile_texts_are_stored_and_shown_escaped(signed_in, company):
    data = form_data(signed_in.get(url(PriceType, "add")))
    data.update(
        company=str(company.pk),
        name="<script>alert('x')</script> Größe 価格",
        description="☕" * 250,
    )
    assert signed_in.post(url(PriceType, "add"), data).status_code == 302
    content = signed_in.get(url(PriceType, "changelist")).content.decode()
    assert "<script>alert('x')</script>" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Größe 価格" in content
    data["description"] = "☕" * 251
    data["name"] = "Other"
    response = signed_in.post(url(PriceType, "add"), data)
    assert errors_of(response) == ["Ensure this value has at most 250 characters (it has 251)."]
