"""save_translation / upsert_translation: one row per item and language, only the given texts."""

import pytest

from backroom.catalog.errors import InvalidTranslation
from backroom.catalog.models import Attribute, Category, PriceType, Product, Term
from backroom.catalog.services import Outcome, save_translation, upsert_translation


@pytest.fixture
def product(company):
    return Product.objects.create(company=company, name="Mug", description="Big mug")


def test_creates_then_updates_only_the_given_fields(product):
    first = save_translation(
        item=product, language="de", name="Becher", description="Großer Becher"
    )
    assert (first.language, first.name, first.description) == ("DE", "Becher", "Großer Becher")
    again, outcome = upsert_translation(item=product, language="DE", name="Tasse")
    assert (again.pk, outcome) == (first.pk, Outcome.UPDATED)
    again.refresh_from_db()
    assert (again.name, again.description) == ("Tasse", "Großer Becher")
    assert upsert_translation(item=product, language="de", name="Tasse")[1] == Outcome.UNCHANGED
    assert product.translations.count() == 1


def test_every_kind_of_catalog_item(company):
    category = Category.objects.create(company=company, name="Cups")
    attribute = Attribute.objects.create(company=company, name="Color")
    term = Term.objects.create(attribute=attribute, name="Red")
    assert (
        save_translation(item=category, language="fr", name="Tasses", description="…").category
        == category
    )
    assert save_translation(item=attribute, language="fr", name="Couleur").attribute == attribute
    assert save_translation(item=term, language="fr", name="Rouge", slug="rouge").term == term
    assert term.translations.get().slug == "rouge"


@pytest.mark.parametrize(
    ("language", "texts", "message"),
    [
        ("EN", {"name": "Mug"}, "EN is the company's base language: change the product itself."),
        ("deu", {"name": "x"}, "'deu' is not a two-letter language code."),
        ("d1", {"name": "x"}, "'d1' is not a two-letter language code."),
        ("DE", {"price": "1"}, "ProductTranslation has no field price."),
    ],
)
def test_refused(product, language, texts, message):
    with pytest.raises(InvalidTranslation) as caught:
        save_translation(item=product, language=language, **texts)
    assert str(caught.value) == message
    assert not product.translations.exists()


def test_items_without_translations_and_texts_too_long(company, product):
    with pytest.raises(InvalidTranslation, match="PriceType has no translations."):
        save_translation(
            item=PriceType.objects.create(company=company, name="Retail"), language="DE"
        )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        save_translation(item=product, language="DE", name="x" * 501)
    assert "name" in caught.value.message_dict
    assert not product.translations.exists()
