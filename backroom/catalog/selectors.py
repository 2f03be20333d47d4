"""Reads of the catalog. Every function takes its scope (company, product) first, so a query
cannot forget whose data it reads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import models
from django.db.models import QuerySet

from backroom.catalog.errors import InvalidTranslation
from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    Image,
    PriceType,
    Product,
    ProductAttribute,
    ProductTranslation,
    Term,
    TermTranslation,
)
from backroom.companies.models import Company

_TRANSLATIONS: dict[type[models.Model], tuple[type[models.Model], str]] = {
    Category: (CategoryTranslation, "category"),
    Attribute: (AttributeTranslation, "attribute"),
    Term: (TermTranslation, "term"),
    Product: (ProductTranslation, "product"),
}


def translation_fields(item: models.Model) -> tuple[type[models.Model], str, list[str]]:
    """The translation model of `item`, the field linking it to the item, and its text
    fields."""
    try:
        model, link = _TRANSLATIONS[type(item)]
    except KeyError:
        raise InvalidTranslation(f"{type(item).__name__} has no translations.") from None
    texts = [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in {"id", "language", link}
    ]
    return model, link, texts


def translated(*, item: models.Model, language: str) -> dict[str, str]:
    """The texts of a category, attribute, term or product in `language`: each field of its
    translation, or the base text where the translation's field is empty or there is none (the
    base language itself reads the base texts). One query, none if translations are
    prefetched."""
    _, _, fields = translation_fields(item)
    base = {field: getattr(item, field) for field in fields}
    language = language.upper()
    translation = next(
        (row for row in item.translations.all() if row.language == language),
        None,
    )
    if translation is None:
        return base
    return {field: getattr(translation, field) or base[field] for field in fields}


def list_categories(*, company: Company) -> QuerySet[Category]:
    return Category.objects.filter(company=company)


def list_attributes(*, company: Company) -> QuerySet[Attribute]:
    return Attribute.objects.filter(company=company)


def list_terms(*, company: Company) -> QuerySet[Term]:
    return Term.objects.filter(attribute__company=company)


def get_product_by_sku(*, company: Company, sku: str) -> Product | None:
    """The company's product with this SKU (exact, as the database keeps it unique), deleted or
    not; its company comes along (translations need the company's language)."""
    if not sku:
        return None
    return Product.objects.filter(company=company, sku=sku).select_related("company").first()


def list_products_by_sku(*, company: Company, skus: Iterable[str]) -> dict[str, Product]:
    return {
        product.sku: product
        for product in Product.objects.filter(company=company, sku__in=[sku for sku in skus if sku])
    }


def list_products_without_sku(
    *,
    company: Company,
    name: str,
    type: str,
    parent: Product | None = None,  # noqa: A002
) -> list[Product]:
    """Up to two products without SKU that have this name and type (and parent, for
    variations): enough to tell "none", "this one" and "ambiguous" apart when an import
    recognises a product it made before from a row without SKU."""
    return list(
        Product.objects.filter(company=company, sku="", name=name, type=type, parent=parent)[:2]
    )


def list_product_attributes(*, product: Product) -> list[ProductAttribute]:
    """The product's attributes with their terms, in position order (two queries)."""
    return list(
        ProductAttribute.objects.filter(product=product)
        .select_related("attribute")
        .prefetch_related("terms")
    )


def get_price_type(*, company: Company, price_type_id: int) -> PriceType | None:
    """The company's price type with this id; None for a missing id and for another company's
    alike, so a caller cannot tell them apart."""
    return PriceType.objects.filter(company=company, pk=price_type_id).first()


PUBLIC_IMAGES_PATH = "/api/public/images"
PUBLIC_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
"""What the public image view serves, by file extension: raster pictures only (an SVG could
carry script), with the type WordPress's upload checks expect."""


def image_address(*, image: Image) -> str:
    """The absolute address a store downloads the picture from: the imported address as is,
    or Backroom's public image view for a kept file (BACKROOM_PUBLIC_URL)."""
    if image.source_url:
        return image.source_url
    name = PurePosixPath(image.file.name).name
    return (
        f"{settings.BACKROOM_PUBLIC_URL.rstrip('/')}{PUBLIC_IMAGES_PATH}/{image.pk}/{quote(name)}"
    )


def image_name(*, image: Image) -> str:
    """The picture's name as the store keeps it: the original file name, else the last part
    of its address. Never empty, so the plugin, which compares names to decide whether to
    download a picture again, does not download it on every update."""
    if image.original_name:
        return image.original_name
    path = urlsplit(image.source_url).path if image.source_url else image.file.name
    return PurePosixPath(path).name or str(image.pk)


def get_public_image(*, image_id: int, file_name: str) -> Image | None:
    """The kept picture with this id whose file has this name and a type the public view
    serves; None otherwise (imported pictures live elsewhere). Catalog pictures are public by
    design: stores download them without a key. The name must match too, so ids alone do not
    walk through every company's pictures."""
    if PurePosixPath(file_name).suffix.lower() not in PUBLIC_IMAGE_TYPES:
        return None
    image = Image.objects.filter(pk=image_id).exclude(file="").first()
    if image is None or PurePosixPath(image.file.name).name != file_name:
        return None
    return image
