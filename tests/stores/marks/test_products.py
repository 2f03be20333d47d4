"""Product writes mark that product (by its kind) in the stores that see the change, and
nothing else; a write that changes nothing marks nothing."""

from decimal import Decimal

import pytest

from backroom.catalog.models import Product
from backroom.catalog.services import (
    AttributeUse,
    create_product,
    mark_used_for_variations,
    set_default_attributes,
    set_product_attributes,
    set_product_categories,
    set_product_deleted,
    set_product_images,
    set_product_prices,
    set_related_products,
    set_variation_attributes,
    update_product,
)
from tests.stores.marks.conftest import Statements, moved, up

pytestmark = pytest.mark.django_db


def test_an_edit_marks_the_product_in_every_store_of_the_company(world, before):
    with Statements() as statements:
        assert update_product(product=world.items.boot, name="Boot ☕", menu_order=3)
    assert moved(world, before) == up("AB", "product", "boot")
    assert statements.marks == 1


def test_an_edit_of_a_variation_marks_the_variation_row_only(world, before):
    assert update_product(product=world.items.tee_red, sold_individually=True)
    # A's old product row under the same id stays as it is.
    assert moved(world, before) == up("AB", "variation", "tee_red")


def test_an_unchanged_edit_marks_nothing_and_writes_nothing(world, before):
    with Statements() as statements:
        assert not update_product(product=world.items.boot, name="Boot", menu_order=0)
    assert statements.writes == 0
    assert moved(world, before) == {}


def test_an_invalid_edit_marks_nothing(world, before):
    with pytest.raises(Exception, match="stock_status"):
        update_product(product=world.items.boot, stock_status="<none>")
    assert moved(world, before) == {}


@pytest.mark.parametrize(
    ("price_type", "stores"),
    [("retail", "A"), ("sale", "A"), ("wholesale", "B")],
)
def test_a_price_marks_the_stores_that_show_its_price_type(
    world, before, retail, sale, price_type, stores
):
    row = {"retail": retail, "sale": sale, "wholesale": world.items.wholesale}[price_type]
    assert set_product_prices(product=world.items.cap, prices={row: Decimal("9.99")})
    assert moved(world, before) == up(stores, "product", "cap")


def test_prices_of_two_types_mark_each_store_once(world, before, retail):
    assert set_product_prices(
        product=world.items.tee_blue,
        prices={retail: Decimal("5"), world.items.wholesale: Decimal("4")},
    )
    assert moved(world, before) == up("AB", "variation", "tee_blue")


def test_removing_a_price_marks_and_an_unchanged_price_does_not(world, retail):
    set_product_prices(product=world.items.boot, prices={retail: Decimal("20")})
    before = world.snapshot()
    with Statements() as statements:
        assert not set_product_prices(product=world.items.boot, prices={retail: Decimal("20.00")})
    assert (statements.writes, moved(world, before)) == (0, {})
    assert set_product_prices(product=world.items.boot, prices={retail: None})
    assert moved(world, before) == up("A", "product", "boot")


def test_categories_mark_the_product_and_its_variations_where_they_come_or_go(world, before):
    items = world.items
    # Shoes is carried by A only: the variations come into A, and stay in B (still in Hats).
    assert set_product_categories(product=items.tee, categories=[items.hats, items.shoes])
    assert moved(world, before) == {
        **up("AB", "product", "tee"),
        **up("A", "variation", "tee_red", "tee_blue"),
    }


def test_categories_no_store_carries_mark_the_product_only(world, before):
    items = world.items
    assert set_product_categories(product=items.tee, categories=[items.hats, items.misc])
    assert moved(world, before) == up("AB", "product", "tee")
    assert not set_product_categories(product=items.tee, categories=[items.misc, items.hats])
    assert moved(world, before) == up("AB", "product", "tee")


ASPECTS = {
    "attributes": (
        lambda i: set_product_attributes(
            product=i.tee, attributes=[AttributeUse(attribute=i.colour, terms=[i.red])]
        ),
        ("product", "tee"),
    ),
    "defaults": (
        lambda i: set_default_attributes(product=i.tee, values={i.colour: i.blue}),
        ("product", "tee"),
    ),
    "used-for-variations": (
        lambda i: mark_used_for_variations(product=i.cap, attributes=[i.size]),
        ("product", "cap"),
    ),
    "variation-attributes": (
        lambda i: set_variation_attributes(variation=i.tee_blue, values={i.colour: None}),
        ("variation", "tee_blue"),
    ),
    "images": (
        lambda i: set_product_images(product=i.boot, urls=["https://example.com/new.jpg"]),
        ("product", "boot"),
    ),
    "upsells": (
        lambda i: set_related_products(product=i.cap, upsells=[i.boot]),
        ("product", "cap"),
    ),
    "cross-sells": (
        lambda i: set_related_products(product=i.boot, cross_sells=[i.cap, i.tee]),
        ("product", "boot"),
    ),
}


@pytest.mark.parametrize("aspect", ASPECTS)
def test_each_aspect_marks_the_product_once_and_not_again_when_unchanged(world, aspect):
    write, (kind, name) = ASPECTS[aspect]
    before = world.snapshot()
    with Statements() as statements:
        assert write(world.items)
    assert statements.marks == 1
    assert moved(world, before) == up("AB", kind, name)

    before = world.snapshot()
    with Statements() as statements:
        assert not write(world.items)
    assert (statements.marks, moved(world, before)) == (0, {})


def test_deleting_a_variable_product_marks_it_and_its_variations(world, before):
    assert set_product_deleted(product=world.items.tee, deleted=True)
    expected = {**up("AB", "product", "tee"), **up("AB", "variation", "tee_red", "tee_blue")}
    assert moved(world, before) == expected
    assert not set_product_deleted(product=world.items.tee, deleted=True)
    assert moved(world, before) == expected
    assert set_product_deleted(product=world.items.tee, deleted=False)
    assert moved(world, before) == {key: 2 for key in expected}
    assert not Product.objects.get(pk=world.items.tee.pk).is_deleted


def test_deleting_a_variation_marks_it_and_its_parent(world, before):
    assert set_product_deleted(product=world.items.tee_blue, deleted=True)
    assert moved(world, before) == {
        **up("AB", "variation", "tee_blue"),
        **up("AB", "product", "tee"),
    }


def test_a_new_variation_marks_its_parent(world, before):
    with Statements() as statements:
        create_product(
            company=world.items.tee.company,
            name="Tee green",
            type=Product.Type.VARIATION,
            parent=world.items.tee,
        )
    assert statements.marks == 1
    assert moved(world, before) == up("AB", "product", "tee")


def test_a_new_product_marks_nothing_and_costs_no_mark(world, before):
    with Statements() as statements:
        create_product(company=world.items.tee.company, name="Scarf")
    assert statements.marks == 0
    assert moved(world, before) == {}
