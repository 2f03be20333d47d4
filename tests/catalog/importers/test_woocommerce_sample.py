"""The import of WooCommerce's own sample catalogs (../shared/data).

Every figure here was worked out by reading the raw rows of the files, not by the importer:
woocommerce-sample-products.csv has 25 data rows (rows 2-26 as a spreadsheet shows them):
  rows 2-3     variable  woo-vneck-tee (Color: Blue, Green, Red; Size: Large, Medium, Small),
                         woo-hoodie (Color: Blue, Green, Red; Logo: Yes, No)
  rows 4-13    simple    woo-hoodie-with-logo ... woo-polo
  rows 14-15   "simple, downloadable, virtual"  woo-album, woo-single (Music)
  rows 16-18   variation of woo-vneck-tee: red, green, blue (Size left blank: any size)
  rows 19-21   variation of woo-hoodie: red, green, blue (Logo: No)
  rows 22-23   simple    Woo-tshirt-logo, Woo-beanie-logo
  row 24       grouped   logo-collection (Clothing)
  row 25       external  wp-pennant (Decor)
  row 26       variation of woo-hoodie: woo-hoodie-blue-logo (Logo: Yes)
"""

from decimal import Decimal

import pytest
from django.db.models import Count

from backroom.catalog.importers.woocommerce_csv import Counts, RowProblem
from backroom.catalog.models import (
    Attribute,
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
from backroom.inventory.models import StockDocument

SAMPLE = "woocommerce-sample-products.csv"
NINE = "woocommerce-experimental-sample-9-products.csv"
D = Decimal


@pytest.fixture
def sample(shared_data, run_import):
    return run_import(shared_data / SAMPLE)


def price(product: Product, price_type) -> Decimal | None:
    row = ProductPrice.objects.filter(product=product, price_type=price_type).first()
    return row.value if row else None


def path(category: Category) -> str:
    names = []
    while category is not None:
        names.append(category.name)
        category = category.parent
    return " > ".join(reversed(names))


def variation_terms(variation: Product) -> dict[str, str | None]:
    return {
        row.attribute.name: row.term.name if row.term else None
        for row in VariationAttribute.objects.filter(variation=variation).select_related(
            "attribute", "term"
        )
    }


def test_products_by_type_and_the_skipped_rows(sample, company):
    counts = dict(
        Product.objects.filter(company=company).values_list("type").annotate(n=Count("id"))
    )
    assert counts == {"simple": 14, "variable": 2, "variation": 7}
    assert sample.skipped == [
        RowProblem(24, "logo-collection", "grouped products are not carried by Backroom"),
        RowProblem(25, "wp-pennant", "external products are not carried by Backroom"),
    ]
    assert sample.rejected == []
    assert not Product.objects.filter(sku__in=["logo-collection", "wp-pennant"]).exists()


def test_the_report(sample):
    assert (sample.rows, sample.imported) == (25, 23)
    assert sample.counts == {
        "category": Counts(created=5),
        "attribute": Counts(created=3),
        "term": Counts(created=10),
        "product": Counts(created=16),
        "variation": Counts(created=7),
    }
    assert sample.stock_documents == 0
    assert sample.warnings == []
    summary = sample.summary()
    assert "Read 25 rows: 23 imported, 2 skipped, 0 rejected." in summary
    assert "Variations: 7 created, 0 updated, 0 unchanged." in summary


def test_variations_per_variable_product(sample, company):
    variations = {
        parent.sku: sorted(parent.variations.values_list("sku", flat=True))
        for parent in Product.objects.filter(company=company, type="variable")
    }
    assert variations == {
        "woo-vneck-tee": ["woo-vneck-tee-blue", "woo-vneck-tee-green", "woo-vneck-tee-red"],
        "woo-hoodie": [
            "woo-hoodie-blue",
            "woo-hoodie-blue-logo",
            "woo-hoodie-green",
            "woo-hoodie-red",
        ],
    }


def test_the_category_tree(sample, company):
    categories = Category.objects.filter(company=company).select_related("parent__parent")
    assert sorted(path(category) for category in categories) == [
        "Clothing",
        "Clothing > Accessories",
        "Clothing > Hoodies",
        "Clothing > Tshirts",
        "Music",
    ]
    assert sorted(categories.values_list("slug", flat=True)) == [
        "accessories",
        "clothing",
        "hoodies",
        "music",
        "tshirts",
    ]
    members = {
        category.name: sorted(category.products.values_list("sku", flat=True))
        for category in categories
    }
    assert members == {
        "Clothing": [],
        "Tshirts": [
            "Woo-tshirt-logo",
            "woo-long-sleeve-tee",
            "woo-polo",
            "woo-tshirt",
            "woo-vneck-tee",
        ],
        "Hoodies": [
            "woo-hoodie",
            "woo-hoodie-with-logo",
            "woo-hoodie-with-pocket",
            "woo-hoodie-with-zipper",
        ],
        "Accessories": ["Woo-beanie-logo", "woo-beanie", "woo-belt", "woo-cap", "woo-sunglasses"],
        "Music": ["woo-album", "woo-single"],
    }


def test_attributes_and_their_terms(sample, company):
    terms = {
        attribute.name: sorted(attribute.terms.values_list("name", flat=True))
        for attribute in Attribute.objects.filter(company=company)
    }
    assert terms == {
        "Color": ["Blue", "Gray", "Green", "Red", "Yellow"],
        "Size": ["Large", "Medium", "Small"],
        "Logo": ["No", "Yes"],
    }


def test_named_variations(sample, company, retail, sale):
    red_hoodie = Product.objects.get(company=company, sku="woo-hoodie-red")
    assert red_hoodie.type == "variation"
    assert red_hoodie.parent.sku == "woo-hoodie"
    assert red_hoodie.name == "Hoodie - Red, No"
    assert (price(red_hoodie, retail), price(red_hoodie, sale)) == (D("45.00"), D("42.00"))
    assert variation_terms(red_hoodie) == {"Color": "Red", "Logo": "No"}
    assert red_hoodie.menu_order == 1
    assert red_hoodie.reviews_allowed is False

    red_tee = Product.objects.get(company=company, sku="woo-vneck-tee-red")
    assert red_tee.parent.sku == "woo-vneck-tee"
    assert (price(red_tee, retail), price(red_tee, sale)) == (D("20.00"), None)
    assert variation_terms(red_tee) == {"Color": "Red", "Size": None}

    blue_tee = Product.objects.get(company=company, sku="woo-vneck-tee-blue")
    assert price(blue_tee, retail) == D("15.00")
    assert variation_terms(blue_tee) == {"Color": "Blue", "Size": None}

    blue_logo = Product.objects.get(company=company, sku="woo-hoodie-blue-logo")
    assert blue_logo.parent.sku == "woo-hoodie"
    assert price(blue_logo, retail) == D("45.00")
    assert variation_terms(blue_logo) == {"Color": "Blue", "Logo": "Yes"}
    assert blue_logo.menu_order == 0


def test_named_products(sample, company, retail, sale):
    beanie = Product.objects.get(company=company, sku="woo-beanie")
    assert (beanie.type, beanie.name) == ("simple", "Beanie")
    assert (price(beanie, retail), price(beanie, sale)) == (D("20.00"), D("18.00"))
    [color] = ProductAttribute.objects.filter(product=beanie)
    assert (color.attribute.name, color.visible, color.used_for_variations) == (
        "Color",
        True,
        False,
    )
    assert [term.name for term in color.terms.all()] == ["Red"]
    assert beanie.short_description == "This is a simple product."
    assert beanie.description_format == "html"
    assert beanie.description_html.startswith("Pellentesque habitant morbi tristique")

    single = Product.objects.get(company=company, sku="woo-single")
    assert single.type == "simple"  # "simple, downloadable, virtual"
    assert (price(single, retail), price(single, sale)) == (D("3.00"), D("2.00"))
    assert [category.name for category in single.categories.all()] == ["Music"]

    belt = Product.objects.get(company=company, sku="woo-belt")
    assert (price(belt, retail), price(belt, sale)) == (D("65.00"), D("55.00"))
    assert not ProductAttribute.objects.filter(product=belt).exists()

    assert price(Product.objects.get(sku="woo-sunglasses"), sale) is None
    assert all(Product.objects.filter(company=company).values_list("published", flat=True))
    assert not Product.objects.filter(company=company, manage_stock=True).exists()


def test_a_variable_product_its_attributes_and_images(sample, company):
    hoodie = Product.objects.get(company=company, sku="woo-hoodie")
    uses = [
        (
            row.position,
            row.attribute.name,
            row.visible,
            row.used_for_variations,
            [t.name for t in row.terms.order_by("name")],
        )
        for row in ProductAttribute.objects.filter(product=hoodie).select_related("attribute")
    ]
    assert uses == [
        (0, "Color", True, True, ["Blue", "Green", "Red"]),
        (1, "Logo", True, True, ["No", "Yes"]),
    ]
    assert not DefaultAttribute.objects.filter(product=hoodie).exists()
    images = ProductImage.objects.filter(product=hoodie).values_list("image__source_url", flat=True)
    base = "https://woocommercecore.mystagingwebsite.com/wp-content/uploads/2017/12/"
    assert list(images) == [
        base + "hoodie-2.jpg",
        base + "hoodie-blue-1.jpg",
        base + "hoodie-green-1.jpg",
        base + "hoodie-with-logo-2.jpg",
    ]
    red = Product.objects.get(company=company, sku="woo-hoodie-red")
    [red_image] = ProductImage.objects.filter(product=red)
    assert red_image.image == ProductImage.objects.get(product=hoodie, position=0).image


def test_totals_of_prices_and_images(sample, company, retail, sale):
    assert ProductPrice.objects.filter(price_type=retail).count() == 21
    assert ProductPrice.objects.filter(price_type=sale).count() == 7
    assert Image.objects.filter(company=company).count() == 20
    assert ProductImage.objects.filter(product__company=company).count() == 28


MODELS = [
    Product,
    Category,
    Attribute,
    Term,
    ProductAttribute,
    VariationAttribute,
    DefaultAttribute,
    ProductPrice,
    Image,
    ProductImage,
    StockDocument,
]


def snapshot(company):
    return {
        "counts": {model.__name__: model.objects.count() for model in MODELS},
        "products": list(
            Product.objects.filter(company=company)
            .order_by("pk")
            .values_list("pk", "sku", "changed_at", "name", "description_html")
        ),
        "prices": list(ProductPrice.objects.order_by("pk").values_list("pk", "value")),
        "links": list(
            ProductImage.objects.order_by("pk").values_list("pk", "image_id", "position")
        ),
        "terms": list(
            ProductAttribute.terms.through.objects.order_by("pk").values_list("pk", "term_id")
        ),
    }


def test_a_second_import_changes_nothing(sample, shared_data, run_import, company):
    before = snapshot(company)
    again = run_import(shared_data / SAMPLE)
    assert again.counts == {
        "category": Counts(unchanged=5),
        "attribute": Counts(unchanged=3),
        "term": Counts(unchanged=10),
        "product": Counts(unchanged=16),
        "variation": Counts(unchanged=7),
    }
    assert (again.rows, again.imported, len(again.skipped), again.rejected) == (25, 23, 2, [])
    assert snapshot(company) == before


def test_the_nine_product_sample_without_id_column(shared_data, run_import, company, retail, sale):
    report = run_import(shared_data / NINE)
    assert report.skipped == [
        RowProblem(10, "logo-collection", "grouped products are not carried by Backroom")
    ]
    assert report.rejected == []
    assert report.counts == {
        "category": Counts(created=4),
        "attribute": Counts(created=3),
        "term": Counts(created=10),
        "product": Counts(created=8),
        "variation": Counts(),
    }
    counts = dict(
        Product.objects.filter(company=company).values_list("type").annotate(n=Count("id"))
    )
    assert counts == {"simple": 6, "variable": 2}
    prices = {
        product.sku: (price(product, retail), price(product, sale))
        for product in Product.objects.filter(company=company, type="simple")
    }
    assert prices == {
        "woo-tshirt": (D("18.00"), None),
        "woo-beanie": (D("20.00"), D("18.00")),
        "woo-belt": (D("65.00"), D("55.00")),
        "woo-cap": (D("18.00"), D("16.00")),
        "woo-sunglasses": (D("90.00"), None),
        "woo-polo": (D("20.00"), None),
    }
    # No variation rows name the attributes, so nothing marks them as used for variations.
    assert not ProductAttribute.objects.filter(used_for_variations=True).exists()
    assert run_import(shared_data / NINE).counts["product"] == Counts(unchanged=8)
