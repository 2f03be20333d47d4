"""Writes to the catalog.

Every function checks that what it ties together belongs to one company (WrongCompany
otherwise), validates field values before saving (ValidationError), and writes only what
differs. The `set_*` functions make one aspect of a product exactly what is given and return
whether anything changed, so a caller (an import run twice, a form saved without edits) can tell
"unchanged" from "updated", and `changed_at` only moves when something did change.

Every write that changes what an online store shows marks the affected items of the affected
stores for re-sync (note_catalog_change -> stores.sync.bump_sync_version), in the write's own
transaction; a write that changes nothing marks nothing.
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
from django.db.models import Q
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
from backroom.stores.sync import (
    Kind,
    Mark,
    bump_sync_version,
    forget_uncarried,
    product_marks,
    stores_in_language,
    stores_showing_prices,
)


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

CATEGORY_FIELDS = frozenset(
    {"name", "slug", "description", "parent", "display", "menu_order", "image", "is_store_category"}
)
ATTRIBUTE_FIELDS = frozenset(
    {"name", "slug", "description", "type", "order_by", "has_archives", "menu_order"}
)
TERM_FIELDS = frozenset({"name", "slug", "description", "menu_order"})
_UNIQUE_TOGETHER_FIELDS = frozenset({"name", "slug", "parent"})
"""Fields under a "unique per company / among siblings" constraint: changing one is checked
against the database before saving (a ValidationError, not an IntegrityError)."""


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


# New categories, attributes and terms mark nothing: no store has been sent them (no SyncState
# row), nothing shows them yet, and an item without a row needs sync anyway.


def update_category(*, category: Category, **fields) -> bool:
    """Set the given fields (CATEGORY_FIELDS); save only those that differ. The parent and the
    image must be the category's company's, and the parent neither the category nor one of its
    subcategories. Returns whether anything changed."""
    _check_fields(fields, CATEGORY_FIELDS)
    require_in_company(
        company=category.company, parent=fields.get("parent"), image=fields.get("image")
    )
    if "parent" in fields:
        _check_not_under_itself(category, fields["parent"])
    return _update_item(category, fields)


def update_attribute(*, attribute: Attribute, **fields) -> bool:
    """Set the given fields (ATTRIBUTE_FIELDS); save only those that differ."""
    _check_fields(fields, ATTRIBUTE_FIELDS)
    return _update_item(attribute, fields)


def update_term(*, term: Term, **fields) -> bool:
    """Set the given fields (TERM_FIELDS); save only those that differ."""
    _check_fields(fields, TERM_FIELDS)
    return _update_item(term, fields)


def _update_item(item: Category | Attribute | Term, fields: Mapping[str, object]) -> bool:
    changed = _differences(item, fields)
    if not changed:
        return False
    _clean(item, [name for name in changed if not item._meta.get_field(name).is_relation])
    if _UNIQUE_TOGETHER_FIELDS.intersection(changed):
        item.validate_constraints()
    with transaction.atomic():
        item.save(update_fields=changed)
        note_catalog_change(changes=[CatalogChange(item, frozenset(changed))])
    return True


def _check_not_under_itself(category: Category, parent: Category | None) -> None:
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == category.pk:
            raise ValidationError({"parent": "A category cannot be placed under itself."})
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


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
    it. A new variation marks its parent (the parent lists its variations)."""
    _check_fields(fields, PRODUCT_FIELDS)
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
    if parent is None:
        product.save()
        return product
    with transaction.atomic():
        product.save()
        note_catalog_change(changes=[CatalogChange(product, frozenset({CREATED}))])
    return product


def update_product(*, product: Product, **fields) -> bool:
    """Set the given fields; save only those that differ (and `changed_at` with them)."""
    _check_fields(fields, PRODUCT_FIELDS)
    changed = [name for name, value in fields.items() if getattr(product, name) != value]
    if not changed:
        return False
    for name in changed:
        setattr(product, name, fields[name])
    _clean(product, changed)
    with transaction.atomic():
        product.save(update_fields=[*changed, "changed_at"])
        note_catalog_change(changes=[CatalogChange(product, frozenset(changed))])
    return True


def set_product_deleted(*, product: Product, deleted: bool) -> bool:
    """Delete a product softly (stores delete it on their side), or bring it back. Its parent,
    if it is a variation, and its variations change with it in the stores' eyes."""
    if product.is_deleted == deleted:
        return False
    product.is_deleted = deleted
    with transaction.atomic():
        product.save(update_fields=["is_deleted", "changed_at"])
        note_catalog_change(changes=[CatalogChange(product, frozenset({"is_deleted"}))])
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
    changed: set[int] = set()
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
        else:
            continue
        changed.add(price_type_id)
    return writes.run(
        noting=CatalogChange(product, frozenset({PRICES}), price_type_ids=frozenset(changed))
    )


def set_product_categories(*, product: Product, categories: Iterable[Category]) -> bool:
    categories = list(categories)
    for category in categories:
        require_in_company(company=product.company, category=category)
    writes = _Writes()
    moved = _plan_many_to_many(writes, product.categories, {category.pk for category in categories})
    return writes.run(
        noting=CatalogChange(product, frozenset({CATEGORIES}), category_ids=frozenset(moved))
    )


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
    return writes.run(noting=CatalogChange(product, frozenset({"product_attributes"})))


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
    with transaction.atomic():
        updated = ProductAttribute.objects.filter(
            product=product,
            attribute__in=[attribute.pk for attribute in attributes],
            used_for_variations=False,
        ).update(used_for_variations=True)
        if updated:
            note_catalog_change(changes=[CatalogChange(product, frozenset({"product_attributes"}))])
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
    relation = model._meta.get_field(owner_field).remote_field.related_name
    return writes.run(noting=CatalogChange(owner, frozenset({relation})))


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
        note_catalog_change(changes=[CatalogChange(product, frozenset({"product_images"}))])
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
    changed: set[str] = set()
    for relation, related in (("upsells", upsells), ("cross_sells", cross_sells)):
        if related is None:
            continue
        related = list(related)
        for other in related:
            require_in_company(company=product.company, **{relation: other})
        wanted = {other.pk for other in related if other.pk != product.pk}
        if _plan_many_to_many(writes, getattr(product, relation), wanted):
            changed.add(relation)
    return writes.run(noting=CatalogChange(product, frozenset(changed)))


class _Writes:
    """The writes a `set_*` service found necessary after reading and validating: run together
    in one transaction, and only if there are any, so a call that changes nothing costs no
    savepoint and a validation error never leaves a transaction half-done."""

    def __init__(self):
        self._calls: list[Callable[[], object]] = []

    def add(self, function: Callable[..., object], /, **kwargs) -> None:
        self._calls.append(partial(function, **kwargs))

    def run(self, *, noting: CatalogChange) -> bool:
        """Run the writes, and mark what `noting` says they change for the stores, in one
        transaction."""
        if not self._calls:
            return False
        with transaction.atomic():
            for call in self._calls:
                call()
            note_catalog_change(changes=[noting])
        return True


def _plan_many_to_many(writes: _Writes, manager, wanted: set[int]) -> set[int]:
    """Plan the writes that make the relation exactly `wanted`; returns the ids that join or
    leave it."""
    current = set(manager.values_list("pk", flat=True))
    if wanted != current:
        writes.add(lambda: manager.remove(*(current - wanted)))
        writes.add(lambda: manager.add(*(wanted - current)))
    return wanted ^ current


# -- translations -------------------------------------------------------------------------------


def upsert_translation(
    *, item: models.Model, language: str, **texts: str
) -> tuple[models.Model, Outcome]:
    """Write the given texts of `item` in `language` (two letters, not the company's own
    language: base texts are the item's fields); fields not given are left as they are. Returns
    the translation and what happened to it. Only the stores in `language` see the change."""
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
        changed, outcome = [name for name, text in texts.items() if text], Outcome.CREATED
    else:
        changed, outcome = _differences(translation, texts), Outcome.UPDATED
        if not changed:
            return translation, Outcome.UNCHANGED
        _clean(translation, changed)
    with transaction.atomic():
        translation.save(**({} if outcome == Outcome.CREATED else {"update_fields": changed}))
        note_catalog_change(changes=[CatalogChange(item, frozenset(changed), language=language)])
    return translation, outcome


def save_translation(*, item: models.Model, language: str, **texts: str) -> models.Model:
    """Upsert the translation of a category, attribute, term or product (see
    upsert_translation)."""
    translation, _ = upsert_translation(item=item, language=language, **texts)
    return translation


# -- what stores must see again ------------------------------------------------------------------

CREATED = "created"
DELETED = "deleted"
PRICES = "prices"
CATEGORIES = "categories"
VARIATIONS = "variations"
"""Names in CatalogChange.fields besides the items' own fields and relations: the row made or
deleted as a whole, a product's prices, its categories, its list of variations."""

_PLACE_OF_PRODUCT = frozenset({CREATED, DELETED, "is_deleted", "parent", "type"})
"""Product changes that add it to or take it from its parent's variations, or take its
variations into or out of the stores with it."""
_TERM_SHOWN_BY_PRODUCTS = frozenset({"name", "slug", "menu_order", DELETED})
_CATEGORY_PLACE = frozenset({"is_store_category", DELETED})
"""Category changes that decide whether stores carry it (and so its products)."""


@dataclass(frozen=True)
class CatalogChange:
    """What changed about one catalog item (see note_catalog_change).

    `fields` names the item's own fields that changed, its relations (`categories`,
    `product_attributes`, `upsells`...), PRICES, VARIATIONS, or CREATED / DELETED for the row as
    a whole (DELETED is noted just before the row goes). With `language`, the change is to the
    item's translation in that language. `price_type_ids`: with PRICES, the price types whose
    price changed. `category_ids`: with CATEGORIES, the categories the product joined or
    left."""

    item: Category | Attribute | Term | Product | Image
    fields: frozenset[str]
    language: str | None = None
    price_type_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()


def note_catalog_change(*, changes: Iterable[CatalogChange]) -> int:
    """Mark for re-sync exactly what these changes alter in the stores of their company:

    - a product or variation: itself, in every store; a translation: in the stores of its
      language only; prices: in the stores whose regular or sale price type changed. Made,
      deleted or brought back: also its parent (which lists its variations) and its
      variations; categories joined or left: also its variations in the stores that carry
      those categories (the variations follow it in or out);
    - a category: itself (a store is sent its whole tree when any category changed); becoming
      or ceasing to be an online-store category, or deleted: also its subcategories (their
      parent changes), and its products and their variations in the stores it is linked to;
      ceasing: its rows leave the stores' lists (stores.sync.forget_uncarried);
    - an attribute: itself and the products that use it, in the stores it is linked to;
    - a term: itself; its name, slug or order: also the products that offer it or start with
      it and the variations that have it, in the stores its attribute is linked to;
    - an image: the categories and products that show it.

    New categories, attributes, terms, images and products mark nothing of their own: no
    store has a row for them yet. The catalog services call this after every write that
    changed something, in the write's transaction; the admin, which saves rows through its own
    forms, calls it with what its forms changed. One UPDATE for all the changes, so a row
    several of them name moves up by one. Returns the number of rows marked."""
    marks: list[Mark] = []
    company_ids: set[int] = set()
    uncarried = False
    for change in changes:
        if not change.fields:
            continue
        company_ids.add(_company_id(change.item))
        marks += _marks(change)
        uncarried |= (
            isinstance(change.item, Category)
            and change.language is None
            and "is_store_category" in change.fields
            and not change.item.is_store_category
        )
    if len(company_ids) > 1:
        raise ValueError("note_catalog_change takes the changes of one company at a time.")
    if not marks:
        return 0
    (company_id,) = company_ids
    marked = bump_sync_version(company_id=company_id, marks=marks)
    if uncarried:
        forget_uncarried(company_id=company_id)
    return marked


def _marks(change: CatalogChange) -> list[Mark]:
    stores = stores_in_language(change.language) if change.language else None
    item, fields = change.item, change.fields
    if isinstance(item, Product):
        return _product_marks(item, change, stores)
    if CREATED in fields:
        return []
    if isinstance(item, Category):
        return _category_marks(item, fields, stores)
    if isinstance(item, Attribute):
        linked = _within(stores, Q(attributes=item.pk))
        return [
            Mark(Kind.ATTRIBUTE, [item.pk], stores),
            Mark(Kind.PRODUCT, _products_using(attribute_id=item.pk), linked),
        ]
    if isinstance(item, Term):
        return _term_marks(item, fields, stores)
    if isinstance(item, Image):
        return [
            Mark(Kind.CATEGORY, Category.objects.filter(image_id=item.pk).values("pk"), stores),
            *product_marks(Product.objects.filter(product_images__image_id=item.pk), stores=stores),
        ]
    raise TypeError(f"{type(item).__name__} is not a catalog item stores show.")


def _product_marks(product: Product, change: CatalogChange, stores: Q | None) -> list[Mark]:
    fields = change.fields
    marks = []
    if fields - {CREATED, PRICES}:
        marks += product_marks([product], stores=stores)
    if PRICES in fields and change.price_type_ids:
        shown = stores_showing_prices(change.price_type_ids)
        marks += product_marks([product], stores=_within(stores, shown))
    variations = Product.objects.filter(parent_id=product.pk).values("pk")
    may_have_variations = product.type != Product.Type.VARIATION
    if CATEGORIES in fields and change.category_ids and may_have_variations:
        carried = Q(categories__in=sorted(change.category_ids), categories__is_store_category=True)
        marks.append(Mark(Kind.VARIATION, variations, _within(stores, carried)))
    if fields & _PLACE_OF_PRODUCT:
        if product.parent_id is not None:
            marks.append(Mark(Kind.PRODUCT, [product.parent_id], stores))
        if CREATED not in fields and may_have_variations:
            marks.append(Mark(Kind.VARIATION, variations, stores))
    return marks


def _category_marks(category: Category, fields: frozenset[str], stores: Q | None) -> list[Mark]:
    marks = [Mark(Kind.CATEGORY, [category.pk], stores)]
    if fields & _CATEGORY_PLACE:
        linked = _within(stores, Q(categories=category.pk))
        products = Product.objects.filter(categories=category.pk).values("pk")
        subcategories = Category.objects.filter(parent_id=category.pk).values("pk")
        marks += [
            Mark(Kind.CATEGORY, subcategories, stores),
            Mark(Kind.PRODUCT, products, linked),
            Mark(Kind.VARIATION, Product.objects.filter(parent__in=products).values("pk"), linked),
        ]
    return marks


def _term_marks(term: Term, fields: frozenset[str], stores: Q | None) -> list[Mark]:
    marks = [Mark(Kind.TERM, [term.pk], stores)]
    if fields & _TERM_SHOWN_BY_PRODUCTS:
        linked = _within(stores, Q(attributes=term.attribute_id))
        variations = VariationAttribute.objects.filter(term_id=term.pk).values("variation_id")
        marks += [
            Mark(Kind.PRODUCT, _products_using(term_id=term.pk), linked),
            Mark(Kind.VARIATION, variations, linked),
        ]
    return marks


def _products_using(*, attribute_id: int | None = None, term_id: int | None = None):
    """Ids of the products that use the attribute (or offer the term), or start their form
    with it: a subquery."""
    if term_id is None:
        used = ProductAttribute.objects.filter(attribute_id=attribute_id)
        defaults = DefaultAttribute.objects.filter(attribute_id=attribute_id)
    else:
        used = ProductAttribute.objects.filter(terms=term_id)
        defaults = DefaultAttribute.objects.filter(term_id=term_id)
    return Product.objects.filter(
        Q(pk__in=used.values("product_id")) | Q(pk__in=defaults.values("product_id"))
    ).values("pk")


def _within(stores: Q | None, condition: Q) -> Q:
    return condition if stores is None else stores & condition


def _company_id(item: models.Model) -> int:
    return item.attribute.company_id if isinstance(item, Term) else item.company_id


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


def _check_fields(fields: Mapping[str, object], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"Not fields that can be set here: {', '.join(unknown)}")


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
