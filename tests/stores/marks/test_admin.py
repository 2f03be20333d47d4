"""Saves made in the Django admin mark what they change, as the services do: once per save,
whatever mix of fields and inlines changed, and nothing when nothing did."""

import pytest

from backroom.accounts.models import User
from backroom.catalog.models import Attribute, Category, Image, Product, Term
from tests.admin.helpers import change_url, errors_of, form_data, url
from tests.stores.marks.conftest import Statements, moved, up

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, owner):
    User.objects.filter(pk=owner.pk).update(is_staff=True)
    client.force_login(owner)
    return client


def save(client, obj, change=None):
    """Post the admin page of `obj` back, with `change` applied to the form data."""
    data = form_data(client.get(change_url(obj)))
    if change:
        change(data)
    with Statements() as statements:
        response = client.post(change_url(obj), data)
    assert response.status_code == 302, errors_of(response)
    return statements


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})


@pytest.mark.parametrize("model", [Product, Category, Attribute, Term, Image])
def test_saving_an_unchanged_page_marks_nothing(admin_client, world, before, model):
    obj = {
        Product: world.items.tee,
        Category: world.items.hats,
        Attribute: world.items.colour,
        Term: world.items.red,
        Image: world.items.picture,
    }[model]
    statements = save(admin_client, obj)
    assert statements.marks == 0
    assert moved(world, before) == {}


def test_a_product_edit_marks_it_in_every_store(admin_client, world, before):
    statements = save(admin_client, world.items.boot, lambda data: data.update(name="Boot ✓"))
    assert statements.marks == 1
    assert moved(world, before) == up("AB", "product", "boot")


def test_a_price_added_in_the_admin_marks_the_stores_of_its_type(
    admin_client, world, before, retail
):
    def add_price(data):
        add_inline_row(data, "prices", price_type=retail.pk, value="12.50")

    save(admin_client, world.items.cap, add_price)
    assert moved(world, before) == up("A", "product", "cap")


def test_a_translation_added_in_the_admin_marks_the_stores_of_its_language(
    admin_client, world, before
):
    def translate(data):
        add_inline_row(data, "translations", language="de", name="Mütze")

    save(admin_client, world.items.cap, translate)
    assert moved(world, before) == up("B", "product", "cap")


def test_fields_prices_and_a_translation_in_one_save_mark_once(admin_client, world, before, retail):
    def edit(data):
        data["name"] = "Cap (new)"
        add_inline_row(data, "prices", price_type=retail.pk, value="3")
        add_inline_row(data, "translations", language="DE", name="Mütze")

    statements = save(admin_client, world.items.cap, edit)
    assert statements.marks == 1
    assert moved(world, before) == up("AB", "product", "cap")


def test_categories_changed_in_the_admin_take_the_variations_along(admin_client, world, before):
    def add_shoes(data):
        data["categories"] = [str(world.items.hats.pk), str(world.items.shoes.pk)]

    save(admin_client, world.items.tee, add_shoes)
    assert moved(world, before) == {
        **up("AB", "product", "tee"),
        **up("A", "variation", "tee_red", "tee_blue"),
    }


def test_a_variation_moved_to_another_parent_marks_both_parents(
    admin_client, world, before, company
):
    other = Product.objects.create(company=company, name="Tee 2", type=Product.Type.VARIABLE)
    save(admin_client, world.items.tee_blue, lambda data: data.update(parent=str(other.pk)))
    assert moved(world, before) == {
        **up("AB", "variation", "tee_blue"),
        **up("AB", "product", "tee"),
    }


def test_a_category_edit_in_the_admin(admin_client, world, before):
    save(admin_client, world.items.shoes, lambda data: data.update(name="Footwear"))
    assert moved(world, before) == up("A", "category", "shoes")


def test_a_category_no_longer_offered_in_the_admin(admin_client, world, before):
    save(admin_client, world.items.hats, lambda data: data.pop("is_store_category"))
    assert moved(world, before) == {
        **{(store, "category", "hats"): "gone" for store in "AB"},
        **up("A", "category", "caps"),
        **up("AB", "product", "cap", "tee"),
        **up("AB", "variation", "tee_red", "tee_blue"),
    }


def test_a_category_translation_in_the_admin(admin_client, world, before):
    def translate(data):
        add_inline_row(data, "translations", language="DE", name="Hüte")

    save(admin_client, world.items.hats, translate)
    assert moved(world, before) == up("B", "category", "hats")


def test_a_term_deleted_from_its_attribute_page(admin_client, world, before):
    blue = world.items.blue

    def delete_blue(data):
        index = next(
            key.split("-")[1]
            for key, value in data.items()
            if key.startswith("terms-") and key.endswith("-id") and value == str(blue.pk)
        )
        data[f"terms-{index}-DELETE"] = "on"

    save(admin_client, world.items.colour, delete_blue)
    assert not Term.objects.filter(pk=blue.pk).exists()
    # Tee offered Blue, Tee blue had it; the term's rows leave the stores' lists.
    assert moved(world, before) == {
        **{(store, "term", "blue"): "gone" for store in "AB"},
        **up("AB", "product", "tee"),
        **up("AB", "variation", "tee_blue"),
    }


def test_an_image_edit_marks_what_shows_it(admin_client, world, before):
    save(admin_client, world.items.picture, lambda data: data.update(alt="A boot, side view"))
    assert moved(world, before) == {
        **up("AB", "category", "hats"),
        **up("AB", "product", "boot"),
    }


def test_a_variation_deleted_in_the_admin_marks_its_parent(admin_client, world, before):
    variation = world.items.tee_blue
    response = admin_client.post(url(Product, "delete", variation.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Product.objects.filter(pk=variation.pk).exists()
    assert moved(world, before) == {
        **up("AB", "variation", "tee_blue"),
        **up("AB", "product", "tee"),
    }
