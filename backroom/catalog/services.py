"""Writes to the catalog.

Every function checks that what it ties together belongs to one company (WrongCompany
otherwise), validates field values before saving (ValidationError), and writes only what
differs. The `set_*` functions make one aspect of a product exactly what is given and return
whether anything changed, so a caller (an import run twice, a form saved without edits) can tell
"unchanged" from "updated", and `changed_at` only moves when something did change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import partial

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from backroom.catalog.errors import InvalidTranslation
from backroom.catalog.models import (
    Attribute,
    Category,
    DefaultAttribute,
    Image,
    PriceType,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    Term,
    VariationAttribute,
)
from backroom.catalog.selectors import translation_fields
from backroom.companies.models import Company, two_letters
from backroom.companies.selectors import require_in_company
from backroom.core.numbers import quantize_money


class Outcome(StrEnum):
    """What a write did to one item."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


PRODUCT_FIELDS = frozenset(
    {
        "name",
        "slug",
        "description",
        "description_html",
        "description_format",
        "short_description",
        "short_description_html",
        "short_description_format",
        "stock_status",
        "manage_stock",
        "backorders",
        "sold_individually",
        "purchase_note",
        "menu_order",
        "reviews_allowed",
        "published",
    }
)
"""Product fields that update_product writes; identity (company, type, parent, SKU) is not
among them."""


# -- categories, attributes, terms ------------------------------------------------------------


def create_category(*, company: Company, name: str, parent: Category | None = None) -> Category:
    """A category under `parent` (or at the top), with a slug made from its name that is unique
    in the company."""
    require_in_company(company=company, parent=parent)
    category = Category(company=company, parent=parent, name=name.strip())
    category.slug = _unique_slug(Category.objects.filter(company=company), category.name, 120)
    _clean(category, ["name", "slug"])
    category.save()
    return category


def create_attribute(*, company: Company, name: str) -> Attribute:
    attribute = Attribute(company=company, name=name.strip())
    attribute.slug = _unique_slug(Attribute.objects.filter(company=company), attribute.name, 120)
    _clean(attribute, ["name", "slug"])
    attribute.save()
    return attribute


def create_term(*, attribute: Attribute, name: str, menu_order: int = 0) -> Term:
    term = Term(attribute=attribute, name=name.strip(), menu_order=menu_order)
    term.slug = _unique_slug(Term.objects.filter(attribute=attribute), term.name, 120)
    _clean(term, ["name", "slug"])
    term.save()
    return term


# -- products -----------------------------------------------------------------------------------


def create_product(
    *,
    company: Company,
    name: str,
    type: str = Product.Type.SIMPLE,  # noqa: A002 (the model's field name)
    parent: Product | None = None,
    sku: str = "",
    **fields,
) -> Product:
    """A simple or variable product, or a variation of `parent` (a variable product of the same
    company). The slug is made from the name once; later renames keep it, since stores link to
    it."""
    _check_product_fields(fields)
    require_in_company(company=company, parent=parent)
    if (type == Product.Type.VARIATION) != (parent is not None):
        raise ValidationError({"parent": "A variation needs a parent; other products have none."})
    if parent is not None and parent.type != Product.Type.VARIABLE:
        raise ValidationError({"parent": "The parent of a variation must be a variable product."})
    product = Product(
        company=company, type=type, parent=parent, sku=sku.strip(), name=name, **fields
    )
    if "slug" not in fields:
        product.slug = slugify(name, allow_unicode=True)[:500].strip("-")
    _clean(product, ["type", "sku", *PRODUCT_FIELDS])
    product.save()
    return product


def update_product(*, product: Product, **fields) -> bool:
    """Set the given fields; save only those that differ (and `changed_at` with them)."""
    _check_product_fields(fields)
    changed = [name for name, value in fields.items() if getattr(product, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(product, name, fields[name])
    _clean(product, changed)
    product.save(update_fields=[*changed, "changed_at"])
    return True


def set_product_prices(*, product: Product, prices: Mapping[PriceType, Decimal | None]) -> bool:
    """The product's price in each given price type; None removes it. Price types not given are
    left alone. Values are rounded to cents; a negative price is refused."""
    cleaned: dict[int, Decimal | None] = {}
    for price_type, value in prices.items():
        require_in_company(company=product.company, price_type=price_type)
        if value is not None:
            value = quantize_money(Decimal(value))
            if not value.is_finite() or value < 0:
                raise ValidationError({"price": f"{value} is not a valid price."})
        cleaned[price_type.pk] = value
    existing = {
        price.price_type_id: price
        for price in ProductPrice.objects.filter(product=product, price_type_id__in=cleaned)
    }
    writes = _Writes()
    for price_type_id, value in cleaned.items():
        current = existing.get(price_type_id)
        if value is None and current is not None:
            writes.add(current.delete)
        elif value is not None and current is None:
            writes.add(
                ProductPrice.objects.create,
                product=product,
                price_type_id=price_type_id,
                value=value,
            )
        elif value is not None and current.value != value:
            current.value = value
            writes.add(current.save, update_fields=["value"])
    return writes.run()


def set_product_categories(*, product: Product, categories: Iterable[Category]) -> bool:
    categories = list(categories)
    for category in categories:
        require_in_company(company=product.company, category=category)
    writes = _Writes()
    _plan_many_to_many(writes, product.categories, {category.pk for category in categories})
    return writes.run()


@dataclass(frozen=True)
class AttributeUse:
    """An attribute as a product uses it. `used_for_variations` None keeps what is stored (False
    for a new row): WooCommerce's export does not carry that flag, its importer keeps it too."""

    attribute: Attribute
    terms: Sequence[Term]
    visible: bool = True
    used_for_variations: bool | None = None


def set_product_attributes(*, product: Product, attributes: Sequence[AttributeUse]) -> bool:
    """The product's attributes, in the given order (their position), with their terms; rows of
    attributes not given are removed."""
    for use in attributes:
        require_in_company(company=product.company, attribute=use.attribute)
        for term in use.terms:
            if term.attribute_id != use.attribute.pk:
                raise ValidationError(
                    {"terms": f"{term.name} is not a term of {use.attribute.name}."}
                )
    existing = {
        row.attribute_id: row
        for row in ProductAttribute.objects.filter(product=product).prefetch_related("terms")
    }
    writes = _Writes()
    for position, use in enumerate(attributes):
        row = existing.pop(use.attribute.pk, None)
        if row is None:
            writes.add(_create_product_attribute, product=product, position=position, use=use)
            continue
        values = {"position": position, "visible": use.visible}
        if use.used_for_variations is not None:
            values["used_for_variations"] = use.used_for_variations
        if changed := _differences(row, values):
            writes.add(row.save, update_fields=changed)
        _plan_many_to_many(writes, row.terms, {term.pk for term in use.terms})
    if existing:
        stale = [row.pk for row in existing.values()]
        writes.add(lambda: ProductAttribute.objects.filter(pk__in=stale).delete())
    return writes.run()


def _create_product_attribute(*, product: Product, position: int, use: AttributeUse) -> None:
    row = ProductAttribute.objects.create(
        product=product,
        attribute=use.attribute,
        position=position,
        visible=use.visible,
        used_for_variations=bool(use.used_for_variations),
    )
    row.terms.add(*use.terms)


def mark_used_for_variations(*, product: Product, attributes: Iterable[Attribute]) -> bool:
    """Flag the product's rows of these attributes as used for variations (as WooCommerce does
    when a variation names the attribute)."""
    updated = ProductAttribute.objects.filter(
        product=product,
        attribute__in=[attribute.pk for attribute in attributes],
        used_for_variations=False,
    ).update(used_for_variations=True)
    return updated > 0


def set_variation_attributes(
    *, variation: Product, values: Mapping[Attribute, Term | None]
) -> bool:
    """The term a variation has for each attribute (None = "any"); rows of attributes not given
    are removed."""
    if variation.type != Product.Type.VARIATION:
        raise ValidationError({"variation": "Only a variation has variation attributes."})
    return _set_attribute_terms(VariationAttribute, "variation", variation, values)


def set_default_attributes(*, product: Product, values: Mapping[Attribute, Term | None]) -> bool:
    """The terms a variable product's form starts with (None = "any")."""
    return _set_attribute_terms(DefaultAttribute, "product", product, values)


def _set_attribute_terms(
    model: type[models.Model],
    owner_field: str,
    owner: Product,
    values: Mapping[Attribute, Term | None],
) -> bool:
    for attribute, term in values.items():
        require_in_company(company=owner.company, attribute=attribute)
        if term is not None and term.attribute_id != attribute.pk:
            raise ValidationError({"term": f"{term.name} is not a term of {attribute.name}."})
    existing = {row.attribute_id: row for row in model.objects.filter(**{owner_field: owner})}
    writes = _Writes()
    for attribute, term in values.items():
        row = existing.pop(attribute.pk, None)
        term_id = term.pk if term is not None else None
        if row is None:
            writes.add(
                model.objects.create, **{owner_field: owner}, attribute=attribute, term_id=term_id
            )
        elif row.term_id != term_id:
            row.term_id = term_id
            writes.add(row.save, update_fields=["term"])
    if existing:
        stale = [row.pk for row in existing.values()]
        writes.add(lambda: model.objects.filter(pk__in=stale).delete())
    return writes.run()


def set_product_images(*, product: Product, urls: Sequence[str]) -> bool:
    """The product's pictures, in order, as addresses (Image rows with `source_url`). An address
    the company already has an Image for reuses it, so a picture shared by a product and its
    variations is one Image. Images no longer used stay: other products may show them."""
    urls = list(dict.fromkeys(url.strip() for url in urls))
    field = Image._meta.get_field("source_url")
    for url in urls:
        try:
            field.clean(url, None)
        except ValidationError as error:
            raise ValidationError({"images": f"{url[:200]}: {' '.join(error.messages)}"}) from None
    current = list(
        ProductImage.objects.filter(product=product)
        .order_by("position", "pk")
        .values_list("image__source_url", flat=True)
    )
    if current == urls:
        return False
    with transaction.atomic():
        ProductImage.objects.filter(product=product).delete()
        known: dict[str, Image] = {}
        for image in Image.objects.filter(
            company=product.company, file="", source_url__in=urls
        ).order_by("pk"):
            known.setdefault(image.source_url, image)
        missing = [
            Image(company=product.company, source_url=url) for url in urls if url not in known
        ]
        for image in Image.objects.bulk_create(missing):
            known[image.source_url] = image
        ProductImage.objects.bulk_create(
            ProductImage(product=product, image=known[url], position=position)
            for position, url in enumerate(urls)
        )
    return True


def set_related_products(
    *,
    product: Product,
    upsells: Iterable[Product] | None = None,
    cross_sells: Iterable[Product] | None = None,
) -> bool:
    """The products offered instead of this one (upsells) and with it (cross-sells); None
    leaves that list as it is. A product is never related to itself."""
    writes = _Writes()
    for relation, related in (("upsells", upsells), ("cross_sells", cross_sells)):
        if related is None:
            continue
        related = list(related)
        for other in related:
            require_in_company(company=product.company, **{relation: other})
        wanted = {other.pk for other in related if other.pk != product.pk}
        _plan_many_to_many(writes, getattr(product, relation), wanted)
    return writes.run()


class _Writes:
    """The writes a `set_*` service found necessary after reading and validating: run together
    in one transaction, and only if there are any, so a call that changes nothing costs no
    savepoint and a validation error never leaves a transaction half-done."""

    def __init__(self):
        self._calls: list[Callable[[], object]] = []

    def add(self, function: Callable[..., object], /, **kwargs) -> None:
        self._calls.append(partial(function, **kwargs))

    def run(self) -> bool:
        if not self._calls:
            return False
        with transaction.atomic():
            for call in self._calls:
                call()
        return True


def _plan_many_to_many(writes: _Writes, manager, wanted: set[int]) -> None:
    current = set(manager.values_list("pk", flat=True))
    if wanted != current:
        writes.add(lambda: manager.remove(*(current - wanted)))
        writes.add(lambda: manager.add(*(wanted - current)))


# -- translations -------------------------------------------------------------------------------


def upsert_translation(
    *, item: models.Model, language: str, **texts: str
) -> tuple[models.Model, Outcome]:
    """Write the given texts of `item` in `language` (two letters, not the company's own
    language: base texts are the item's fields); fields not given are left as they are. Returns
    the translation and what happened to it."""
    model, link, allowed = translation_fields(item)
    unknown = sorted(set(texts) - set(allowed))
    if unknown:
        raise InvalidTranslation(f"{model.__name__} has no field {', '.join(unknown)}.")
    _refuse_control_characters(texts)
    language = _clean_language(language)
    company = item.attribute.company if isinstance(item, Term) else item.company
    if language == company.language.upper():
        raise InvalidTranslation(
            f"{language} is the company's base language: change the {type(item).__name__.lower()} "
            "itself."
        )
    translation = model.objects.filter(**{link: item, "language": language}).first()
    if translation is None:
        translation = model(**{link: item, "language": language}, **texts)
        _clean(translation, list(texts))
        translation.save()
        return translation, Outcome.CREATED
    changed = _save_changes(translation, texts)
    return translation, Outcome.UPDATED if changed else Outcome.UNCHANGED


def save_translation(*, item: models.Model, language: str, **texts: str) -> models.Model:
    """Upsert the translation of a category, attribute, term or product (see
    upsert_translation)."""
    translation, _ = upsert_translation(item=item, language=language, **texts)
    return translation


# -- helpers ------------------------------------------------------------------------------------


_ALLOWED_CONTROLS = frozenset("\t\n\r")


def _refuse_control_characters(texts: Mapping[str, str]) -> None:
    """NUL and other control characters are never meant in a text (PostgreSQL refuses NUL and a
    store would show the rest as garbage); line breaks and tabs are fine."""
    for name, text in texts.items():
        if any(
            unicodedata.category(char) in {"Cc", "Cs"} and char not in _ALLOWED_CONTROLS
            for char in str(text)
        ):
            raise InvalidTranslation(f"The {name.replace('_', ' ')} holds a control character.")


def _clean_language(language: str) -> str:
    try:
        two_letters(language)
    except ValidationError:
        raise InvalidTranslation(f"{language[:20]!r} is not a two-letter language code.") from None
    return language.upper()


def _check_product_fields(fields: Mapping[str, object]) -> None:
    unknown = sorted(set(fields) - PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Not product fields that can be set: {', '.join(unknown)}")


def _save_changes(instance: models.Model, values: Mapping[str, object]) -> bool:
    changed = _differences(instance, values)
    if not changed:
        return False
    _clean(instance, changed)
    instance.save(update_fields=changed)
    return True


def _differences(instance: models.Model, values: Mapping[str, object]) -> list[str]:
    """Set the values that differ on `instance` and name them."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _clean(instance: models.Model, names: Iterable[str]) -> None:
    """Validate the named fields as forms would (length, choices, slug and URL syntax) without
    the database queries full_clean makes for foreign keys and constraints."""
    errors: dict[str, list[str]] = {}
    for name in names:
        field = instance._meta.get_field(name)
        try:
            setattr(
                instance, field.attname, field.clean(getattr(instance, field.attname), instance)
            )
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def _unique_slug(queryset: models.QuerySet, name: str, max_length: int) -> str:
    """slugify(name) (Unicode letters kept), with -2, -3... when the slug is taken in
    `queryset`; "" for a name without letters or digits."""
    base = slugify(name, allow_unicode=True)[:max_length].strip("-")
    if not base:
        return ""
    taken = set(
        queryset.filter(slug__startswith=base[: max_length - 8]).values_list("slug", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
