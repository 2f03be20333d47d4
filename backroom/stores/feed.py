"""What a store is sent: the catalog as the DokioStore plugin reads it, in the store's language,
prices and stock (reference-server.md section 4, its bugs fixed).

Every function takes a store the caller has already authenticated, reads only its company's
data, and uses the same number of queries whatever the number of items. The dataclasses'
field names are the wire keys (storeapi.woo_v3 maps them to JSON as they are).

Serving records the version sent (stores.sync.record_served) before the texts are read, so a
change that lands during the request or before the store's id report keeps the item waiting.
Lists that go on into WooCommerce hold only ids the store has reported: a null there would make
WooCommerce refuse the whole step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    DefaultAttribute,
    Image,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    ProductTranslation,
    Term,
    TermTranslation,
    VariationAttribute,
)
from backroom.catalog.selectors import image_address, image_name, translated
from backroom.core.numbers import money_to_wire
from backroom.inventory.selectors import store_stock
from backroom.stores.models import Store, SyncState
from backroom.stores.selectors import (
    carried_attributes,
    carried_categories,
    carried_products,
    carried_terms,
    carried_variations,
    variations_of,
    waiting_items,
)
from backroom.stores.sync import record_served

Kind = SyncState.Kind
PAGE_MAX = 1000
"""The largest page served (the plugin asks for 100); a larger max_results gets this many."""
OFFSET_MAX = 2**62
"""Offsets beyond this read as this (the databases refuse offsets past 64 bits)."""


# -- categories ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryOut:
    crm_id: int
    woo_id: int | None
    parent_crm_id: int
    parent_woo_id: int | None
    name: str
    description: str
    slug: str
    display: str
    menu_order: int
    img_address: str | None
    img_original_name: str
    img_alt: str
    img_anonyme_access: bool


@dataclass(frozen=True)
class CategoryFeed:
    items: list[CategoryOut]
    all_woo_ids: list[int]


def categories_to_sync(*, store: Store) -> CategoryFeed:
    """The store's whole category tree when any of its categories needs sync, else nothing.

    The plugin resolves a parent only inside the batch it receives and moves a category whose
    parent is missing to the top, so one change sends the whole tree, parents before
    children. A category whose parent is not carried is a root (parent_crm_id 0), and so is
    one caught in a parent cycle: the plugin would loop for ever on it."""
    categories = carried_categories(store=store)
    waiting = waiting_items(store=store, kind=Kind.CATEGORY, items=categories).exists()
    items: list[CategoryOut] = []
    if waiting:
        ids = list(categories.values_list("pk", flat=True))
        record_served(store=store, kind=Kind.CATEGORY, item_ids=ids)
        woo_ids = _woo_ids(store, Kind.CATEGORY, ids)
        rows = list(
            Category.objects.filter(pk__in=ids)
            .select_related("image")
            .prefetch_related(_translations(CategoryTranslation, store))
            .order_by("menu_order", "name", "pk")
        )
        items = [_category_out(row, parent, woo_ids, store=store) for row, parent in _tree(rows)]
    return CategoryFeed(items=items, all_woo_ids=_all_woo_ids(store, Kind.CATEGORY, categories))


def _tree(rows: list[Category]) -> list[tuple[Category, Category | None]]:
    """The categories with their parent in the batch (None for a root), parents first: depth
    first, siblings in their order. Those a cycle keeps from the roots come last, as roots."""
    by_pk = {row.pk: row for row in rows}
    children: dict[int | None, list[Category]] = defaultdict(list)
    for row in rows:
        children[row.parent_id if row.parent_id in by_pk else None].append(row)
    ordered: list[tuple[Category, Category | None]] = []
    stack = [(row, None) for row in reversed(children[None])]
    while stack:
        row, parent = stack.pop()
        ordered.append((row, parent))
        stack.extend((child, row) for child in reversed(children[row.pk]))
    placed = {row.pk for row, _ in ordered}
    ordered.extend((row, None) for row in rows if row.pk not in placed)
    return ordered


def _category_out(
    row: Category, parent: Category | None, woo_ids: dict[int, int], *, store: Store
) -> CategoryOut:
    texts = translated(item=row, language=store.language)
    image = row.image
    return CategoryOut(
        crm_id=row.pk,
        woo_id=woo_ids.get(row.pk),
        parent_crm_id=parent.pk if parent else 0,
        parent_woo_id=woo_ids.get(parent.pk) if parent else None,
        name=texts["name"],
        description=texts["description"],
        slug=texts["slug"],
        display=row.display,
        menu_order=row.menu_order,
        img_address=image_address(image=image) if image else None,
        img_original_name=image_name(image=image) if image else "",
        img_alt=image.alt if image else "",
        img_anonyme_access=image is not None,
    )


# -- attributes and terms --------------------------------------------------------------------


@dataclass(frozen=True)
class AttributeOut:
    crm_id: int
    woo_id: int | None
    name: str
    type: str
    slug: str
    order_by: str
    has_archives: bool


@dataclass(frozen=True)
class AttributeFeed:
    items: list[AttributeOut]
    all_woo_ids: list[int]


def attributes_to_sync(*, store: Store) -> AttributeFeed:
    """The store's attributes that need sync, and the ids of all its attributes."""
    attributes = carried_attributes(store=store)
    waiting = list(
        waiting_items(store=store, kind=Kind.ATTRIBUTE, items=attributes).values_list(
            "pk", flat=True
        )
    )
    items: list[AttributeOut] = []
    if waiting:
        record_served(store=store, kind=Kind.ATTRIBUTE, item_ids=waiting)
        woo_ids = _woo_ids(store, Kind.ATTRIBUTE, waiting)
        rows = (
            Attribute.objects.filter(pk__in=waiting)
            .prefetch_related(_translations(AttributeTranslation, store))
            .order_by("menu_order", "name", "pk")
        )
        items = [_attribute_out(row, woo_ids.get(row.pk), store=store) for row in rows]
    return AttributeFeed(items=items, all_woo_ids=_all_woo_ids(store, Kind.ATTRIBUTE, attributes))


def _attribute_out(row: Attribute, woo_id: int | None, *, store: Store) -> AttributeOut:
    texts = translated(item=row, language=store.language)
    return AttributeOut(
        crm_id=row.pk,
        woo_id=woo_id,
        name=texts["name"],
        type=row.type,
        slug=texts["slug"],
        order_by=row.order_by,
        has_archives=row.has_archives,
    )


@dataclass(frozen=True)
class TermOut:
    crm_id: int
    woo_id: int | None
    attribute_crm_id: int
    attribute_woo_id: int
    name: str
    description: str
    slug: str
    menu_order: int


@dataclass(frozen=True)
class TermFeed:
    items: list[TermOut]
    all_woo_ids: list[int]


def terms_to_sync(*, store: Store) -> TermFeed:
    """The store's terms that need sync and whose attribute the store has reported an id for
    (the plugin cannot place the others; they wait for a later cycle), and the ids of all its
    terms."""
    terms = carried_terms(store=store)
    attribute_woo_ids = _attribute_woo_ids(store)
    waiting = list(
        waiting_items(store=store, kind=Kind.TERM, items=terms)
        .filter(attribute_id__in=list(attribute_woo_ids))
        .values_list("pk", flat=True)
    )
    items: list[TermOut] = []
    if waiting:
        record_served(store=store, kind=Kind.TERM, item_ids=waiting)
        woo_ids = _woo_ids(store, Kind.TERM, waiting)
        rows = (
            Term.objects.filter(pk__in=waiting)
            .prefetch_related(_translations(TermTranslation, store))
            .order_by("attribute_id", "menu_order", "name", "pk")
        )
        items = [
            _term_out(
                row,
                woo_ids.get(row.pk),
                store=store,
                attribute_woo_id=attribute_woo_ids[row.attribute_id],
            )
            for row in rows
        ]
    return TermFeed(items=items, all_woo_ids=_all_woo_ids(store, Kind.TERM, terms))


def _term_out(row: Term, woo_id: int | None, *, store: Store, attribute_woo_id: int) -> TermOut:
    texts = translated(item=row, language=store.language)
    return TermOut(
        crm_id=row.pk,
        woo_id=woo_id,
        attribute_crm_id=row.attribute_id,
        attribute_woo_id=attribute_woo_id,
        name=texts["name"],
        description=texts["description"],
        slug=texts["slug"],
        menu_order=row.menu_order,
    )


# -- products --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageOut:
    img_address: str | None
    img_original_name: str | None
    img_alt: str | None


NO_IMAGE = ImageOut(img_address=None, img_original_name=None, img_alt=None)


@dataclass(frozen=True)
class ProductAttributeOut:
    crm_id: int
    woo_id: int
    position: int
    visible: bool
    variation: bool
    options: list[str]


@dataclass(frozen=True)
class DefaultAttributeOut:
    woo_attribute_id: int
    crm_attribute_id: int
    name: str
    option: str


@dataclass(frozen=True)
class ProductOut:
    crm_id: int
    woo_id: int | None
    name: str
    slug: None
    type: str
    regular_price: str
    sale_price: str
    description: str
    short_description: str
    stock_status: str
    sku: str
    stock_quantity: int
    sold_individually: bool
    manage_stock: bool
    backorders: str
    purchase_note: str
    menu_order: int
    reviews_allowed: bool
    categories: list[int]
    images: list[ImageOut]
    attributes: list[ProductAttributeOut]
    defaultAttributes: list[DefaultAttributeOut]  # noqa: N815 (the wire key)
    upsells: list[int]
    crosssells: list[int]
    variations_woo_ids: list[int]


def products_to_sync(*, store: Store) -> QuerySet[Product]:
    """The products the store is to be sent: carried and never sent or changed since the
    store confirmed them. count_products_to_sync and products_page read exactly this set."""
    return waiting_items(store=store, kind=Kind.PRODUCT, items=carried_products(store=store))


def count_products_to_sync(*, store: Store) -> int:
    return products_to_sync(store=store).count()


def products_page(*, store: Store, first_result: int, max_results: int) -> list[ProductOut]:
    """One page of products_to_sync in id order (stable between the count and the last page:
    serving does not change the set, only id reports do)."""
    ids = _page_ids(products_to_sync(store=store), first_result, max_results)
    if not ids:
        return []
    record_served(store=store, kind=Kind.PRODUCT, item_ids=ids)
    products = list(
        Product.objects.filter(pk__in=ids)
        .prefetch_related(_translations(ProductTranslation, store))
        .order_by("pk")
    )
    woo_ids = _woo_ids(store, Kind.PRODUCT, ids)
    common = _Common.read(store=store, product_ids=ids)
    categories = _woo_links(
        Product.categories.through.objects.filter(
            product_id__in=ids, category__in=carried_categories(store=store)
        ),
        owner="product_id",
        item="category_id",
        store=store,
        kind=Kind.CATEGORY,
    )
    upsells, crosssells = _related_products(store=store, product_ids=ids)
    variations = _woo_links(
        variations_of(parents=ids),  # the page's products are carried
        owner="parent_id",
        item="pk",
        store=store,
        kind=Kind.VARIATION,
    )
    attributes = _product_attributes(store=store, product_ids=ids, woo_ids=common.attributes)
    defaults = _default_attributes(store=store, product_ids=ids, woo_ids=common.attributes)
    return [
        ProductOut(
            crm_id=product.pk,
            woo_id=woo_ids.get(product.pk),
            slug=None,
            type=product.type,
            categories=categories[product.pk],
            images=common.images[product.pk],
            attributes=attributes[product.pk],
            defaultAttributes=defaults[product.pk],
            upsells=upsells[product.pk],
            crosssells=crosssells[product.pk],
            variations_woo_ids=variations[product.pk],
            **common.fields(product),
        )
        for product in products
    ]


def product_woo_ids_to_delete(*, store: Store) -> list[int]:
    """The store's ids of products it has but no longer carries (deleted, moved out of its
    categories, a category unlinked, turned into a variation), until it reports them deleted
    (stores.sync.forget_deleted_woo_ids)."""
    return list(
        SyncState.objects.filter(store=store, kind=Kind.PRODUCT, woo_id__isnull=False)
        .exclude(item_id__in=carried_products(store=store).values("pk"))
        .order_by("woo_id")
        .values_list("woo_id", flat=True)
        .distinct()
    )


# -- variations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VariationAttributeOut:
    id: int
    option: str


@dataclass(frozen=True)
class VariationOut:
    crm_id: int
    woo_id: int | None
    name: str
    slug: None
    regular_price: str
    sale_price: str
    description: str
    short_description: str
    stock_status: str
    sku: str
    stock_quantity: int
    sold_individually: bool
    manage_stock: bool
    backorders: str
    purchase_note: str
    menu_order: int
    reviews_allowed: bool
    image: ImageOut
    parent_product_woo_id: int
    listOfVariationAttributes: list[VariationAttributeOut]  # noqa: N815 (the wire key)


def variations_to_sync(*, store: Store) -> QuerySet[Product]:
    """The variations the store is to be sent: carried, waiting, and of a parent the store has
    reported an id for (WooCommerce needs the parent's id in the address)."""
    parents_known = SyncState.objects.filter(
        store=store, kind=Kind.PRODUCT, woo_id__isnull=False
    ).values("item_id")
    return waiting_items(
        store=store,
        kind=Kind.VARIATION,
        items=carried_variations(store=store).filter(parent_id__in=parents_known),
    )


def count_variations_to_sync(*, store: Store) -> int:
    return variations_to_sync(store=store).count()


def variations_page(*, store: Store, first_result: int, max_results: int) -> list[VariationOut]:
    """One page of variations_to_sync in id order."""
    ids = _page_ids(variations_to_sync(store=store), first_result, max_results)
    if not ids:
        return []
    record_served(store=store, kind=Kind.VARIATION, item_ids=ids)
    variations = list(
        Product.objects.filter(pk__in=ids)
        .prefetch_related(_translations(ProductTranslation, store))
        .order_by("pk")
    )
    woo_ids = _woo_ids(store, Kind.VARIATION, ids)
    parent_woo_ids = _woo_ids(
        store, Kind.PRODUCT, {variation.parent_id for variation in variations}
    )
    common = _Common.read(store=store, product_ids=ids)
    options = _variation_attributes(store=store, variation_ids=ids, woo_ids=common.attributes)
    return [
        VariationOut(
            crm_id=variation.pk,
            woo_id=woo_ids.get(variation.pk),
            slug=None,
            image=(common.images[variation.pk] or [NO_IMAGE])[0],
            parent_product_woo_id=parent_woo_ids[variation.parent_id],
            listOfVariationAttributes=options[variation.pk],
            **common.fields(variation),
        )
        for variation in variations
        if variation.parent_id in parent_woo_ids  # not if the parent's id was forgotten meanwhile
    ]


# -- shared reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Common:
    """What products and variations read alike for one page: prices, stock, images, and the
    store's ids of its attributes."""

    store: Store
    prices: dict[tuple[int, int], object]
    stock: dict[int, int]
    images: dict[int, list[ImageOut]]
    attributes: dict[int, int]

    @classmethod
    def read(cls, *, store: Store, product_ids: Sequence[int]) -> _Common:
        price_types = [store.regular_price_type_id, store.sale_price_type_id]
        prices = {
            (product_id, price_type_id): value
            for product_id, price_type_id, value in ProductPrice.objects.filter(
                product_id__in=product_ids, price_type_id__in=[t for t in price_types if t]
            ).values_list("product_id", "price_type_id", "value")
        }
        stock = store_stock(
            company=store.company,
            products=product_ids,
            departments=list(store.departments.values_list("pk", flat=True)),
        )
        images: dict[int, list[ImageOut]] = defaultdict(list)
        for row in (
            ProductImage.objects.filter(product_id__in=product_ids)
            .select_related("image")
            .order_by("position", "pk")
        ):
            images[row.product_id].append(_image_out(row.image))
        attributes = _attribute_woo_ids(store)
        return cls(store=store, prices=prices, stock=stock, images=images, attributes=attributes)

    def fields(self, product: Product) -> dict[str, object]:
        """The fields products and variations share, in the store's language."""
        texts = translated(item=product, language=self.store.language)
        regular = self.prices.get((product.pk, self.store.regular_price_type_id))
        sale = self.prices.get((product.pk, self.store.sale_price_type_id))
        html = Product.TextFormat.HTML
        description = "description_html" if product.description_format == html else "description"
        short = (
            "short_description_html"
            if product.short_description_format == html
            else "short_description"
        )
        return {
            "name": texts["name"],
            "regular_price": money_to_wire(regular),
            "sale_price": money_to_wire(sale)
            if regular is not None and sale is not None and sale < regular
            else "",
            "description": texts[description],
            "short_description": texts[short],
            "stock_status": product.stock_status,
            "sku": product.sku,
            "stock_quantity": self.stock[product.pk],
            "sold_individually": product.sold_individually,
            "manage_stock": product.manage_stock,
            "backorders": product.backorders,
            "purchase_note": product.purchase_note,
            "menu_order": product.menu_order,
            "reviews_allowed": product.reviews_allowed,
        }


def _image_out(image: Image) -> ImageOut:
    return ImageOut(
        img_address=image_address(image=image),
        img_original_name=image_name(image=image),
        img_alt=image.alt,
    )


def _product_attributes(
    *, store: Store, product_ids: Sequence[int], woo_ids: dict[int, int]
) -> dict[int, list[ProductAttributeOut]]:
    """Per product, its attributes the store has an id for, in position order, with the names
    of the product's terms in term order. Four queries."""
    rows = list(
        ProductAttribute.objects.filter(product_id__in=product_ids, attribute_id__in=list(woo_ids))
        .order_by("position", "pk")
        .values_list(
            "pk", "product_id", "attribute_id", "position", "visible", "used_for_variations"
        )
    )
    chosen = ProductAttribute.terms.through.objects.filter(
        productattribute_id__in=[row[0] for row in rows]
    ).order_by("term__menu_order", "term__name", "term_id")
    terms: dict[int, list[int]] = defaultdict(list)
    for row_id, term_id in chosen.values_list("productattribute_id", "term_id"):
        terms[row_id].append(term_id)
    names = _term_names(store, [term_id for ids in terms.values() for term_id in ids])
    result: dict[int, list[ProductAttributeOut]] = defaultdict(list)
    for row_id, product_id, attribute_id, position, visible, variation in rows:
        result[product_id].append(
            ProductAttributeOut(
                crm_id=attribute_id,
                woo_id=woo_ids[attribute_id],
                position=position,
                visible=visible,
                variation=variation,
                options=[names[term_id] for term_id in terms[row_id]],
            )
        )
    return result


def _default_attributes(
    *, store: Store, product_ids: Sequence[int], woo_ids: dict[int, int]
) -> dict[int, list[DefaultAttributeOut]]:
    """Per product, the terms its form starts with, for attributes the store has an id for
    ("any" is not sent). Five queries."""
    rows = list(
        DefaultAttribute.objects.filter(
            product_id__in=product_ids, attribute_id__in=list(woo_ids), term__isnull=False
        )
        .order_by("attribute__menu_order", "attribute__name", "attribute_id")
        .values_list("product_id", "attribute_id", "term_id")
    )
    attribute_names = _texts(Attribute, AttributeTranslation, store, [row[1] for row in rows])
    term_names = _term_names(store, [row[2] for row in rows])
    result: dict[int, list[DefaultAttributeOut]] = defaultdict(list)
    for product_id, attribute_id, term_id in rows:
        result[product_id].append(
            DefaultAttributeOut(
                woo_attribute_id=woo_ids[attribute_id],
                crm_attribute_id=attribute_id,
                name=attribute_names[attribute_id]["name"],
                option=term_names[term_id],
            )
        )
    return result


def _variation_attributes(
    *, store: Store, variation_ids: Sequence[int], woo_ids: dict[int, int]
) -> dict[int, list[VariationAttributeOut]]:
    """Per variation, its term for each attribute the store has an id for ("any" is not
    sent). Three queries."""
    rows = list(
        VariationAttribute.objects.filter(
            variation_id__in=variation_ids, attribute_id__in=list(woo_ids), term__isnull=False
        )
        .order_by("attribute__menu_order", "attribute__name", "attribute_id")
        .values_list("variation_id", "attribute_id", "term_id")
    )
    names = _term_names(store, [row[2] for row in rows])
    result: dict[int, list[VariationAttributeOut]] = defaultdict(list)
    for variation_id, attribute_id, term_id in rows:
        result[variation_id].append(
            VariationAttributeOut(id=woo_ids[attribute_id], option=names[term_id])
        )
    return result


def _term_names(store: Store, term_ids: Iterable[int]) -> dict[int, str]:
    """Term id -> its name in the store's language (two queries for the distinct terms)."""
    return {
        term_id: texts["name"]
        for term_id, texts in _texts(Term, TermTranslation, store, term_ids).items()
    }


def _texts(model, translation_model, store: Store, ids: Iterable[int]) -> dict[int, dict]:
    """Id -> the texts of each distinct item in the store's language (catalog.selectors
    .translated), in two queries: items repeat across a page (every product has Red), so each
    is read once."""
    items = model.objects.filter(pk__in=set(ids)).prefetch_related(
        _translations(translation_model, store)
    )
    return {item.pk: translated(item=item, language=store.language) for item in items}


def _page_ids(items: QuerySet[Product], first_result: int, max_results: int) -> list[int]:
    """The ids of one page of `items` in id order; a negative offset reads as 0, a size is
    held to 1..PAGE_MAX rows (0 or less is an empty page)."""
    first = min(max(first_result, 0), OFFSET_MAX)
    size = min(max_results, PAGE_MAX)
    if size <= 0:
        return []
    return list(items.order_by("pk").values_list("pk", flat=True)[first : first + size])


def _woo_ids(store: Store, kind: str, item_ids: Iterable[int] | QuerySet) -> dict[int, int]:
    """Item id -> the store's id for it, for the items it has reported an id for. One query
    on the (store, kind, item) index: a plain look-up rather than a subquery per row, whose
    plan PostgreSQL gets badly wrong while the first sync is filling the table faster than
    its statistics follow."""
    if not isinstance(item_ids, QuerySet):
        item_ids = list(item_ids)
    return dict(
        SyncState.objects.filter(
            store=store, kind=kind, item_id__in=item_ids, woo_id__isnull=False
        ).values_list("item_id", "woo_id")
    )


def _related_products(
    *, store: Store, product_ids: Sequence[int]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Per product, the store's ids of its upsells and of its cross-sells, left out those it
    has no id for or no longer carries (they are on their way out of the shop). Four
    queries; carriage is checked on the few related ids only."""
    links = [
        _links(
            through.objects.filter(from_product_id__in=product_ids),
            owner="from_product_id",
            item="to_product_id",
        )
        for through in (Product.upsells.through, Product.cross_sells.through)
    ]
    targets = {item for each in links for items in each.values() for item in items}
    carried = carried_products(store=store).filter(pk__in=targets).values_list("pk", flat=True)
    woo_ids = _woo_ids(store, Kind.PRODUCT, carried)
    upsells, crosssells = (
        defaultdict(
            list,
            {
                owner: [woo_ids[item] for item in items if item in woo_ids]
                for owner, items in each.items()
            },
        )
        for each in links
    )
    return upsells, crosssells


def _links(rows: QuerySet, *, owner: str, item: str) -> dict[int, list[int]]:
    """Per owner, the ids of its related items (its categories, upsells, variations), in id
    order. One query."""
    result: dict[int, list[int]] = defaultdict(list)
    for owner_id, item_id in rows.order_by(owner, item).values_list(owner, item):
        result[owner_id].append(item_id)
    return result


def _woo_links(
    rows: QuerySet, *, owner: str, item: str, store: Store, kind: str
) -> dict[int, list[int]]:
    """Per owner, the store's ids of its related items, left out those the store has not
    reported an id for. Two queries."""
    links = _links(rows, owner=owner, item=item)
    woo_ids = _woo_ids(store, kind, {item_id for items in links.values() for item_id in items})
    return defaultdict(
        list,
        {
            owner_id: [woo_ids[item_id] for item_id in items if item_id in woo_ids]
            for owner_id, items in links.items()
        },
    )


def _attribute_woo_ids(store: Store) -> dict[int, int]:
    """Attribute id -> the store's id, for the carried attributes it has reported (a store
    has tens of attributes: one small query)."""
    carried = carried_attributes(store=store).values("pk")
    return dict(
        SyncState.objects.filter(
            store=store, kind=Kind.ATTRIBUTE, woo_id__isnull=False, item_id__in=carried
        ).values_list("item_id", "woo_id")
    )


def _all_woo_ids(store: Store, kind: str, carried: QuerySet) -> list[int]:
    """Every id the store has reported for what it carries of `kind`: the plugin deletes from
    WooCommerce whatever is not in this list."""
    return list(
        SyncState.objects.filter(
            store=store, kind=kind, woo_id__isnull=False, item_id__in=carried.values("pk")
        )
        .order_by("woo_id")
        .values_list("woo_id", flat=True)
        .distinct()
    )


def _language(model, store: Store) -> QuerySet:
    return model.objects.filter(language=store.language.upper())


def _translations(model, store: Store) -> Prefetch:
    return Prefetch("translations", queryset=_language(model, store))
