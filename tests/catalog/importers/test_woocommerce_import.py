"""What each column of a WooCommerce product CSV does, on small files written in the tests."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backroom.catalog.importers.woocommerce_csv import Counts, RowProblem
from backroom.catalog.models import (
    Attribute,
    Category,
    DefaultAttribute,
    PriceType,
    Product,
    ProductAttribute,
    ProductPrice,
    ProductTranslation,
    Term,
    VariationAttribute,
)
from backroom.companies.errors import WrongCompany
from backroom.inventory.models import StockDocument
from tests.catalog.conftest import HEADER, csv_bytes, simple
from tests.inventory.fixtures import on_hand

D = Decimal


def hoodie_rows(*, parent_ref: str = "hoodie") -> list[dict[str, str]]:
    """A variable hoodie (Color: Red, Blue; Size: S, M) and two variations, the second for any
    size."""
    return [
        {
            "ID": "10",
            "Type": "variable",
            "SKU": "hoodie",
            "Name": "Hoodie",
            "Attribute 1 name": "Color",
            "Attribute 1 value(s)": "Red, Blue",
            "Attribute 1 visible": "1",
            "Attribute 2 name": "Size",
            "Attribute 2 value(s)": "S, M",
            "Attribute 2 visible": "0",
        },
        {
            "ID": "11",
            "Type": "variation",
            "SKU": "hoodie-red-s",
            "Name": "Hoodie - Red, S",
            "Parent": parent_ref,
            "Regular price": "30",
            "Attribute 1 name": "Color",
            "Attribute 1 value(s)": "Red",
            "Attribute 2 name": "Size",
            "Attribute 2 value(s)": "S",
        },
        {
            "ID": "12",
            "Type": "variation",
            "SKU": "hoodie-blue",
            "Name": "Hoodie - Blue",
            "Parent": parent_ref,
            "Regular price": "32.5",
            "Attribute 1 name": "Color",
            "Attribute 1 value(s)": "Blue",
            "Attribute 2 name": "Size",
            "Attribute 2 value(s)": "",
        },
    ]


def terms_of(variation_sku: str) -> dict[str, str | None]:
    return {
        row.attribute.name: row.term.name if row.term else None
        for row in VariationAttribute.objects.filter(variation__sku=variation_sku)
    }


# -- variable products and variations ----------------------------------------------------------


def test_variations_by_parent_sku(run_import):
    report = run_import(csv_bytes(hoodie_rows()))
    assert report.rejected == []
    assert terms_of("hoodie-red-s") == {"Color": "Red", "Size": "S"}
    assert terms_of("hoodie-blue") == {"Color": "Blue", "Size": None}
    uses = ProductAttribute.objects.filter(product__sku="hoodie").order_by("position")
    assert [(u.attribute.name, u.visible, u.used_for_variations) for u in uses] == [
        ("Color", True, True),
        ("Size", False, True),
    ]


def test_variations_by_parent_id_and_before_their_parent(run_import):
    parent, *variations = hoodie_rows(parent_ref="id:10")
    report = run_import(csv_bytes([*variations, parent]))
    assert report.rejected == []
    assert report.counts["variation"] == Counts(created=2)
    hoodie = Product.objects.get(sku="hoodie")
    assert sorted(hoodie.variations.values_list("sku", flat=True)) == [
        "hoodie-blue",
        "hoodie-red-s",
    ]


def test_a_variation_whose_parent_row_was_rejected_says_why(run_import):
    parent, *variations = hoodie_rows()
    parent["Position"] = "first"
    report = run_import(csv_bytes([parent, *variations]))
    assert report.rejected == [
        RowProblem(2, "hoodie", "Position: 'first' is not a whole number"),
        RowProblem(
            3,
            "hoodie-red-s",
            "its parent hoodie (row 2) was rejected: Position: 'first' is not a whole number",
        ),
        RowProblem(
            4,
            "hoodie-blue",
            "its parent hoodie (row 2) was rejected: Position: 'first' is not a whole number",
        ),
    ]
    assert not Product.objects.exists()


def test_a_variation_of_a_grouped_or_unknown_parent_is_rejected(run_import):
    rows = [
        {"ID": "5", "Type": "grouped", "SKU": "set", "Name": "Set"},
        {"Type": "variation", "SKU": "v1", "Name": "V1", "Parent": "set"},
        {"Type": "variation", "SKU": "v2", "Name": "V2", "Parent": "nowhere"},
        {"Type": "variation", "SKU": "v3", "Name": "V3", "Parent": "id:99"},
        {"Type": "variation", "SKU": "v4", "Name": "V4"},
        simple("plain"),
        {"Type": "variation", "SKU": "v5", "Name": "V5", "Parent": "plain"},
    ]
    report = run_import(csv_bytes(rows))
    assert report.skipped == [RowProblem(2, "set", "grouped products are not carried by Backroom")]
    assert report.rejected == [
        RowProblem(
            3,
            "v1",
            "its parent set (row 2) was skipped: grouped products are not carried by Backroom",
        ),
        RowProblem(4, "v2", "unknown parent nowhere"),
        RowProblem(5, "v3", "unknown parent id:99 (id: names a row of this file by its ID cell)"),
        RowProblem(
            6, "v4", "Parent is empty: a variation needs the SKU or id:NN of its variable product"
        ),
        RowProblem(8, "v5", "its parent plain is a simple product, not a variable one"),
    ]
    assert list(Product.objects.values_list("sku", flat=True)) == ["plain"]


def test_a_variation_of_a_parent_imported_before(run_import):
    parent, *variations = hoodie_rows()
    run_import(csv_bytes([parent]))
    report = run_import(csv_bytes(variations))
    assert report.counts["variation"] == Counts(created=2)
    assert terms_of("hoodie-red-s") == {"Color": "Red", "Size": "S"}


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (
            {"Attribute 1 value(s)": "Green"},
            "Attribute 1 value(s): 'Green' is not one of the parent's Color values (Red, Blue)",
        ),
        (
            {"Attribute 1 value(s)": "Red, Blue"},
            "Attribute 1 value(s): a variation takes one value, not Red, Blue",
        ),
        (
            {"Attribute 1 name": "Material", "Attribute 1 value(s)": "Wool"},
            "Attribute 1: Material is not an attribute of its parent hoodie",
        ),
    ],
)
def test_a_variation_must_use_its_parents_values(run_import, cells, reason):
    parent, variation, _ = hoodie_rows()
    report = run_import(csv_bytes([parent, {**variation, **cells}]))
    assert report.rejected == [RowProblem(3, "hoodie-red-s", reason)]
    assert not Product.objects.filter(type="variation").exists()


def test_default_attributes_in_both_spellings(run_import):
    for header_name in ("Attribute 1 default", "Default attribute 1"):
        Product.objects.all().delete()
        header = [*HEADER, header_name]
        parent, *variations = hoodie_rows()
        report = run_import(csv_bytes([{**parent, header_name: "Blue"}, *variations], header))
        assert report.rejected == []
        [default] = DefaultAttribute.objects.filter(product__sku="hoodie")
        assert (default.attribute.name, default.term.name) == ("Color", "Blue")
        report = run_import(csv_bytes([{**parent, header_name: ""}, *variations], header))
        assert report.counts["product"] == Counts(updated=1)
        assert not DefaultAttribute.objects.exists()
    report = run_import(csv_bytes([{**parent, header_name: "Purple"}], header))
    assert report.rejected == [
        RowProblem(2, "hoodie", "Attribute 1 default: 'Purple' is not one of its values")
    ]


def test_attribute_columns_of_any_number_in_order(run_import):
    header = [
        "Type",
        "SKU",
        "Name",
        "Attribute 7 name",
        "Attribute 7 value(s)",
        "Attribute 3 name",
        "Attribute 3 value(s)",
        "Attribute 12 name",
    ]
    run_import(
        csv_bytes(
            [
                {
                    "Type": "simple",
                    "SKU": "s",
                    "Name": "S",
                    "Attribute 7 name": "Fabric",
                    "Attribute 7 value(s)": "Wool",
                    "Attribute 3 name": "Size",
                    "Attribute 3 value(s)": "XL",
                    "Attribute 12 name": "Fit",
                }
            ],
            header,
        )
    )
    uses = ProductAttribute.objects.filter(product__sku="s").order_by("position")
    assert [(u.position, u.attribute.name, [t.name for t in u.terms.all()]) for u in uses] == [
        (0, "Size", ["XL"]),
        (1, "Fabric", ["Wool"]),
        (2, "Fit", []),
    ]


def test_attributes_and_terms_are_matched_by_name_in_any_case(run_import, company):
    run_import(
        csv_bytes([simple("a", **{"Attribute 1 name": "Color", "Attribute 1 value(s)": "Red"})])
    )
    report = run_import(
        csv_bytes(
            [simple("b", **{"Attribute 1 name": "COLOR", "Attribute 1 value(s)": "red, Navy"})]
        )
    )
    assert report.counts["attribute"] == Counts(unchanged=1)
    assert report.counts["term"] == Counts(created=1, unchanged=1)
    assert list(Attribute.objects.values_list("name", flat=True)) == ["Color"]
    assert list(Term.objects.order_by("menu_order").values_list("name", "menu_order")) == [
        ("Red", 0),
        ("Navy", 1),
    ]


# -- categories, texts, flags ------------------------------------------------------------------


def test_categories_with_escaped_commas_unicode_and_repeated_names(run_import, company):
    report = run_import(
        csv_bytes(
            [
                simple("a", Categories="Shoes\\, boots > Winter, Sale"),
                simple("b", Categories="Одежда > Футболки > Winter"),
                simple("c", Categories="Shoes\\, boots>Winter"),
            ]
        )
    )
    assert report.counts["category"] == Counts(created=6)  # distinct categories the file names
    categories = {
        (c.name, c.parent.name if c.parent else None): c.slug for c in Category.objects.all()
    }
    assert categories == {
        ("Shoes, boots", None): "shoes-boots",
        ("Winter", "Shoes, boots"): "winter",
        ("Sale", None): "sale",
        ("Одежда", None): "одежда",
        ("Футболки", "Одежда"): "футболки",
        ("Winter", "Футболки"): "winter-2",
    }
    assert sorted(Product.objects.get(sku="a").categories.values_list("name", flat=True)) == [
        "Sale",
        "Winter",
    ]
    assert [c.name for c in Product.objects.get(sku="c").categories.all()] == ["Winter"]


def test_descriptions_are_html_with_a_plain_copy(run_import):
    html = "<p>Soft &amp; warm.</p>\\n<ul><li>Wool</li><li>Silk</li></ul>A literal \\\\n here"
    run_import(
        csv_bytes([simple("a", Description=html, **{"Short description": "Line 1\\nLine 2"})])
    )
    product = Product.objects.get(sku="a")
    assert (
        product.description_html
        == "<p>Soft &amp; warm.</p>\n<ul><li>Wool</li><li>Silk</li></ul>A literal \\n here"
    )
    assert product.description == "Soft & warm.\n\nWool\nSilk\nA literal \\n here"
    assert (product.description_format, product.short_description_format) == ("html", "html")
    assert product.short_description == product.short_description_html == "Line 1\nLine 2"


def test_flags_positions_and_notes(run_import):
    run_import(
        csv_bytes(
            [
                simple(
                    "a",
                    Published="-1",
                    **{
                        "In stock?": "0",
                        "Backorders allowed?": "notify",
                        "Sold individually?": "1",
                        "Allow customer reviews?": "0",
                        "Purchase note": "Thanks!",
                        "Position": "'-3",
                    },
                ),
                simple(
                    "b", Published="0", **{"In stock?": "backorder", "Backorders allowed?": "1"}
                ),
                simple("c", Published="", **{"In stock?": "", "Backorders allowed?": ""}),
            ]
        )
    )
    fields = [
        "published",
        "stock_status",
        "backorders",
        "sold_individually",
        "reviews_allowed",
        "purchase_note",
        "menu_order",
    ]
    assert list(Product.objects.order_by("sku").values_list(*fields)) == [
        (False, "outofstock", "notify", True, False, "Thanks!", -3),
        (False, "onbackorder", "yes", False, True, "", 0),
        (True, "instock", "no", False, True, "", 0),
    ]


def test_formula_guards_and_type_flags(run_import, retail):
    run_import(csv_bytes([simple("'=sku", "'=SUM(A1)", Type="Simple, Virtual", Stock="'-0")]))
    product = Product.objects.get()
    assert (product.sku, product.name, product.type) == ("=sku", "=SUM(A1)", "simple")
    assert product.manage_stock is True
    assert ProductPrice.objects.get(product=product, price_type=retail).value == D("10.00")


def test_unicode_names_and_skus(run_import):
    report = run_import(
        csv_bytes([simple("футболка-1", "Футболка «Ёж» 🦔"), simple("靴-2", "運動靴")])
    )
    assert report.rejected == []
    assert dict(Product.objects.values_list("sku", "slug")) == {
        "футболка-1": "футболка-ёж",
        "靴-2": "運動靴",
    }


# -- prices, stock, images, related products ---------------------------------------------------


def test_prices_follow_the_file(run_import, retail, sale):
    run_import(csv_bytes([simple("a", **{"Regular price": "12.5", "Sale price": "9.99"})]))
    product = Product.objects.get()
    assert {p.price_type_id: p.value for p in product.prices.all()} == {
        retail.pk: D("12.50"),
        sale.pk: D("9.99"),
    }
    report = run_import(csv_bytes([simple("a", **{"Regular price": "12.50", "Sale price": ""})]))
    assert report.counts["product"] == Counts(updated=1)
    assert {p.price_type_id: p.value for p in product.prices.all()} == {retail.pk: D("12.50")}


def test_sale_prices_without_a_price_type_are_left_out(run_import, retail):
    report = run_import(csv_bytes([simple("a", **{"Sale price": "5"})]), sale_price_type=None)
    assert list(ProductPrice.objects.values_list("price_type", "value")) == [
        (retail.pk, D("10.00"))
    ]
    assert "Sale prices were not imported: no price type was given for them." in report.notes


def test_stock_goes_through_stock_documents(run_import, warehouse):
    report = run_import(
        csv_bytes([simple("a", Stock="7"), simple("b", Stock=""), simple("c", Stock="'-2")])
    )
    a, b, c = Product.objects.order_by("sku")
    assert (on_hand(a, warehouse), on_hand(b, warehouse), on_hand(c, warehouse)) == (
        D(7),
        D(0),
        D(0),
    )
    assert (a.manage_stock, b.manage_stock, c.manage_stock) == (True, False, True)
    assert report.stock_documents == 1
    assert report.warnings == [RowProblem(4, "c", "Stock -2 is below zero: on-hand is set to 0")]
    receipt = StockDocument.objects.get()
    assert (receipt.kind, receipt.is_completed, receipt.note) == (
        "receipt",
        True,
        "Import of a WooCommerce CSV, row 2",
    )

    assert run_import(csv_bytes([simple("a", Stock="7")])).stock_documents == 0
    report = run_import(csv_bytes([simple("a", Stock="4.5")]))
    assert report.stock_documents == 1
    assert report.counts["product"] == Counts(unchanged=1)
    assert on_hand(a, warehouse) == D("4.5")
    assert StockDocument.objects.filter(kind="write_off").count() == 1


def test_stock_of_a_variable_product_and_stock_without_department(run_import, warehouse):
    parent = {**hoodie_rows()[0], "Stock": "5"}
    report = run_import(csv_bytes([parent]))
    assert report.warnings == [
        RowProblem(
            2,
            "hoodie",
            "Stock of a variable product is ignored: Backroom keeps stock per variation",
        )
    ]
    report = run_import(csv_bytes([simple("a", Stock="3")]), department=None)
    assert "Stock was not imported: no department was given for it." in report.notes
    assert not StockDocument.objects.exists()


def test_images_in_order_shared_and_replaced(run_import):
    first, second = "https://example.com/a.jpg", "https://example.com/b%20c.jpg"
    run_import(csv_bytes([simple("a", Images=f"{first}, {second}"), simple("b", Images=second)]))
    a_images = list(
        Product.objects.get(sku="a").product_images.values_list("image__source_url", flat=True)
    )
    assert a_images == [first, second]
    b_image = Product.objects.get(sku="b").product_images.get().image
    assert b_image == Product.objects.get(sku="a").product_images.get(position=1).image
    report = run_import(csv_bytes([simple("a", Images=second)]))
    assert report.counts["product"] == Counts(updated=1)
    assert list(
        Product.objects.get(sku="a").product_images.values_list("image__source_url", flat=True)
    ) == [second]


def test_upsells_and_cross_sells_are_linked_after_all_rows(run_import, company):
    run_import(csv_bytes([simple("old"), *hoodie_rows()]))
    rows = [
        simple(
            "a", ID="1", Upsells="b, id:3", **{"Cross-sells": "old, ghost, id:77, hoodie-red-s"}
        ),
        simple("b", ID="2"),
        simple("c", ID="3", Upsells="a"),
    ]
    report = run_import(csv_bytes(rows))
    a = Product.objects.get(sku="a")
    assert sorted(a.upsells.values_list("sku", flat=True)) == ["b", "c"]
    assert list(a.cross_sells.values_list("sku", flat=True)) == ["old"]
    assert list(Product.objects.get(sku="c").upsells.values_list("sku", flat=True)) == ["a"]
    assert report.warnings == [
        RowProblem(2, "a", "Cross-sells: ghost names no product"),
        RowProblem(2, "a", "Cross-sells: id:77 names no product"),
        RowProblem(2, "a", "Cross-sells: hoodie-red-s is not a product that can be offered"),
    ]
    again = run_import(csv_bytes(rows))
    assert again.counts["product"] == Counts(unchanged=3)
    rows[0]["Upsells"] = ""
    assert run_import(csv_bytes(rows)).counts["product"] == Counts(updated=1, unchanged=2)
    assert not a.upsells.exists()


# -- identity ----------------------------------------------------------------------------------


def test_products_without_sku_are_matched_by_name_and_type(run_import, company):
    rows = [{"Type": "simple", "SKU": "", "Name": "Mug", "Regular price": "4"}]
    assert run_import(csv_bytes(rows)).counts["product"] == Counts(created=1)
    assert run_import(csv_bytes(rows)).counts["product"] == Counts(unchanged=1)
    report = run_import(csv_bytes([*rows, *rows]))
    assert report.rejected == [
        RowProblem(3, "", "the product without SKU named 'Mug' was already imported from row 2")
    ]
    Product.objects.create(company=company, name="Mug", type="simple")
    report = run_import(csv_bytes(rows))
    assert report.rejected == [
        RowProblem(2, "", "no SKU, and several products without SKU are named 'Mug'")
    ]
    assert Product.objects.count() == 2


def test_a_product_whose_type_changed_or_that_was_deleted_is_rejected(run_import, company):
    Product.objects.create(company=company, name="Old", sku="gone", is_deleted=True)
    run_import(csv_bytes([simple("hoodie")]))
    report = run_import(csv_bytes([hoodie_rows()[0], simple("gone")]))
    assert report.rejected == [
        RowProblem(
            2, "hoodie", "SKU hoodie is a simple product in Backroom, the file says variable"
        ),
        RowProblem(3, "gone", "SKU gone is a deleted product in Backroom; restore it first"),
    ]


def test_a_failing_row_leaves_nothing_behind(run_import, company, warehouse):
    rows = [
        simple(
            "bad",
            Categories="Fresh > Only here",
            Stock="3",
            Images="not a url",
            **{"Attribute 1 name": "Fresh attr", "Attribute 1 value(s)": "X"},
        ),
        simple("good", Categories="Fresh > Also here"),
    ]
    report = run_import(csv_bytes(rows))
    assert [problem.row for problem in report.rejected] == [2]
    assert report.rejected[0].reason.startswith("images: not a url: Enter a valid URL.")
    assert list(Product.objects.values_list("sku", flat=True)) == ["good"]
    assert sorted(Category.objects.values_list("name", flat=True)) == ["Also here", "Fresh"]
    assert not Attribute.objects.exists() and not Term.objects.exists()
    assert not StockDocument.objects.exists()
    # The category the failed row made was rolled back and made again for the good row.
    fresh = Category.objects.get(name="Fresh")
    assert Product.objects.get(sku="good").categories.get().parent == fresh
    assert report.counts["category"] == Counts(created=2)


# -- translations ------------------------------------------------------------------------------


def test_a_file_in_another_language_translates_products_by_sku(run_import, company, retail):
    run_import(csv_bytes([simple("a", "Mug", Description="<b>Big</b>")]))
    header = ["SKU", "Type", "Name", "Description", "Regular price"]
    rows = [
        {
            "SKU": "a",
            "Type": "simple",
            "Name": "Becher",
            "Description": "<b>Groß</b>",
            "Regular price": "99",
        },
        {"SKU": "zz", "Type": "simple", "Name": "Teller"},
        {"SKU": "g", "Type": "grouped", "Name": "Satz"},
    ]
    report = run_import(csv_bytes(rows, header), language="de")
    assert report.translation and report.language == "DE"
    assert report.counts["product"] == Counts(created=1)
    assert report.rejected == [
        RowProblem(
            3, "zz", "no product has SKU zz in Backroom: a translation needs the product first"
        )
    ]
    assert [problem.row for problem in report.skipped] == [4]
    translation = ProductTranslation.objects.get()
    assert (
        translation.language,
        translation.name,
        translation.description_html,
        translation.description,
    ) == ("DE", "Becher", "<b>Groß</b>", "Groß")
    product = Product.objects.get()
    assert (product.name, ProductPrice.objects.get(price_type=retail).value) == ("Mug", D("10.00"))
    assert "Product texts (DE): 1 created, 0 updated, 0 unchanged." in report.summary()
    assert run_import(csv_bytes(rows, header), language="DE").counts["product"] == Counts(
        unchanged=1
    )


def test_the_company_language_means_base_texts(run_import):
    report = run_import(csv_bytes([simple("a", "Mug")]), language="en")
    assert not report.translation
    assert Product.objects.get().name == "Mug"
    assert not ProductTranslation.objects.exists()


# -- scope, progress, cost ---------------------------------------------------------------------


def test_price_types_and_departments_of_another_company_are_refused(run_import, foreign_company):
    foreign = PriceType.objects.create(company=foreign_company, name="Theirs")
    with pytest.raises(WrongCompany):
        run_import(csv_bytes([simple("a")]), regular_price_type=foreign)
    assert not Product.objects.exists()


def test_progress_is_reported_per_row(run_import):
    calls = []
    parent, *variations = hoodie_rows()
    run_import(
        csv_bytes([*variations, simple("a"), parent]),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def many(prefix: str, count: int) -> bytes:
    return csv_bytes(
        [
            simple(
                f"{prefix}-{number}",
                Categories="Clothing > Tshirts",
                Images=f"https://example.com/{prefix}-{number}.jpg",
                Stock="2",
                **{
                    "Sale price": "5",
                    "Attribute 1 name": "Color",
                    "Attribute 1 value(s)": "Red, Blue",
                    "Upsells": f"{prefix}-0",
                },
            )
            for number in range(count)
        ]
    )


def count_queries(run) -> int:
    with CaptureQueriesContext(connection) as context:
        run()
    return len(context.captured_queries)


def test_queries_grow_linearly_with_rows(run_import):
    run_import(many("warm", 2))
    costs = {
        size: count_queries(lambda size=size: run_import(many(f"n{size}", size)))
        for size in (10, 20, 40)
    }
    per_row = (costs[20] - costs[10]) / 10
    assert costs[40] - costs[20] == 20 * per_row
    assert per_row <= 60
    again = {
        size: count_queries(lambda size=size: run_import(many(f"n{size}", size)))
        for size in (10, 20)
    }
    assert (again[20] - again[10]) / 10 <= 25
