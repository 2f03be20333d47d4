"""Category, attribute and term edits mark the item and what shows it, in the stores that
carry it; a category that stops being an online-store category leaves the stores' lists."""

import pytest
from django.core.exceptions import ValidationError

from backroom.catalog.models import Category, Image
from backroom.catalog.services import (
    create_attribute,
    create_category,
    create_term,
    update_attribute,
    update_category,
    update_term,
)
from backroom.companies.errors import WrongCompany
from tests.stores.marks.conftest import Statements, moved, up

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Footwear 👟"},
        {"slug": "footwear"},
        {"description": "<b>soles</b>"},
        {"display": Category.Display.BOTH},
        {"menu_order": -4},
        {"parent": "hats"},
        {"image": "picture"},
    ],
    ids=lambda fields: next(iter(fields)),
)
def test_a_category_edit_marks_the_category(world, before, fields):
    fields = {
        name: getattr(world.items, value) if name in {"parent", "image"} else value
        for name, value in fields.items()
    }
    with Statements() as statements:
        assert update_category(category=world.items.shoes, **fields)
    assert statements.marks == 1
    assert moved(world, before) == up("A", "category", "shoes")


def test_an_unchanged_category_marks_nothing(world, before):
    with Statements() as statements:
        assert not update_category(
            category=world.items.caps, name="Caps", parent=world.items.hats, menu_order=0
        )
    assert (statements.writes, moved(world, before)) == (0, {})


def test_a_category_that_stops_being_offered_leaves_and_takes_its_products(world, before):
    assert update_category(category=world.items.hats, is_store_category=False)
    assert moved(world, before) == {
        **{(store, "category", "hats"): "gone" for store in "AB"},
        **up("A", "category", "caps"),  # its parent is no longer sent
        **up("AB", "product", "cap", "tee"),
        **up("AB", "variation", "tee_red", "tee_blue"),
    }


def test_a_category_that_becomes_offered_marks_its_products_where_linked(world, before):
    assert update_category(category=world.items.misc, is_store_category=True)
    assert moved(world, before) == up("B", "product", "sock")


def test_a_category_cannot_go_under_itself_or_into_another_company(world, before, foreign_company):
    items = world.items
    for parent in (items.caps, items.hats):
        with pytest.raises(ValidationError, match="under itself"):
            update_category(category=items.hats, parent=parent)
    foreign = Image.objects.create(company=foreign_company, source_url="https://example.com/x")
    with pytest.raises(WrongCompany):
        update_category(category=items.hats, image=foreign)
    with pytest.raises(ValidationError):
        update_category(category=items.hats, slug="shoes")
    with pytest.raises(TypeError, match="company"):
        update_category(category=items.hats, company=foreign_company)
    assert moved(world, before) == {}


def test_new_categories_attributes_and_terms_mark_nothing(world, before, company):
    with Statements() as statements:
        create_category(company=company, name="Gloves", parent=world.items.hats)
        create_term(attribute=create_attribute(company=company, name="Fabric"), name="Wool")
        create_term(attribute=world.items.colour, name="Green")
    assert statements.marks == 0
    assert moved(world, before) == {}


def test_an_attribute_edit_marks_it_and_its_products_where_linked(world, before):
    with Statements() as statements:
        assert update_attribute(attribute=world.items.colour, name="Colour 🎨")
    assert statements.marks == 1
    # Tee uses Colour (and starts its form with it); Colour is linked to both stores.
    assert moved(world, before) == {**up("AB", "attribute", "colour"), **up("AB", "product", "tee")}


def test_an_attribute_linked_to_one_store_marks_in_that_store_only(world, before):
    assert update_attribute(attribute=world.items.size, order_by="name", has_archives=True)
    # B has a row for Cap, but does not carry Size: Cap looks the same to it.
    assert moved(world, before) == {**up("A", "attribute", "size"), **up("A", "product", "cap")}
    assert not update_attribute(attribute=world.items.size, order_by="name")
    assert moved(world, before) == {**up("A", "attribute", "size"), **up("A", "product", "cap")}


@pytest.mark.parametrize("fields", [{"name": "Rouge"}, {"slug": "rouge"}, {"menu_order": 2}])
def test_a_term_shown_by_products_marks_them_and_its_variations(world, before, fields):
    with Statements() as statements:
        assert update_term(term=world.items.red, **fields)
    assert statements.marks == 1
    # Tee offers Red and starts with it; Tee red has it; Tee blue does not.
    assert moved(world, before) == {
        **up("AB", "term", "red"),
        **up("AB", "product", "tee"),
        **up("AB", "variation", "tee_red"),
    }


def test_a_term_description_marks_the_term_only(world, before):
    assert update_term(term=world.items.red, description="Like a fire engine")
    assert moved(world, before) == up("AB", "term", "red")


def test_a_term_of_an_attribute_linked_to_one_store_and_an_unchanged_term(world, before):
    assert update_term(term=world.items.small, name="Small")
    assert moved(world, before) == {**up("A", "term", "small"), **up("A", "product", "cap")}
    with Statements() as statements:
        assert not update_term(term=world.items.small, name="Small", menu_order=0)
    assert statements.writes == 0


def test_a_duplicate_term_name_is_refused_and_marks_nothing(world, before):
    with pytest.raises(ValidationError):
        update_term(term=world.items.red, name="Blue")
    assert moved(world, before) == {}
