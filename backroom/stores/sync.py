"""Marking catalog items for re-sync: the one way to say "this store must see this again".

An item needs sync when its store has no SyncState row for it yet (never sent) or when its
`version` is above `confirmed_version`. Marking moves `version` up by one on the rows that
exist, in one UPDATE with F() (no read, no lost increment when two writers mark at once); an
item without a row needs sync anyway, so nothing is created here.

What to mark is said with `Mark`s (a kind, item ids or a subquery of them, and which stores);
the helpers here build the usual ones (product_marks, stores_showing_prices / _stock,
stores_in_language, mark_stock), and every one of them ends in bump_sync_version.

Write services of lower apps (catalog, inventory) may import this module: it imports models
only, never services, so no import cycle can form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from backroom.catalog.models import (
    Attribute,
    Category,
    Product,
    ProductAttribute,
    Term,
    VariationAttribute,
)
from backroom.stores.models import Store, SyncState

Kind = SyncState.Kind
KINDS = frozenset(Kind.values)
VARIATION = Product.Type.VARIATION
ID_MAX = 2**63 - 1
"""Ids beyond a signed 64-bit integer cannot be stored (nor exist): a report naming one is
skipped rather than failing in the database."""
BATCH = 1000
"""Ids per statement when a report is written: a full first sync reports tens of thousands."""


class _EveryItem:
    """`Mark.item_ids` for "every item of the kind" (a whole store's catalog)."""

    def __repr__(self) -> str:
        return "EVERY_ITEM"


EVERY_ITEM = _EveryItem()


@dataclass(frozen=True)
class Mark:
    """Items of one kind to mark, in the stores that match `stores` (a condition on Store; None:
    every store in the call's scope). `item_ids` may be a queryset of ids: it then stays a
    subquery, so marking what a document or a relation names costs no read."""

    kind: str
    item_ids: Iterable[int] | QuerySet | _EveryItem
    stores: Q | None = None


def bump_sync_version(
    *,
    store_ids: Iterable[int] | None = None,
    company_id: int | None = None,
    kind: str | None = None,
    item_ids: Iterable[int] | QuerySet | None = None,
    marks: Iterable[Mark] = (),
) -> int:
    """Mark items for re-sync in the given stores, or in every store of `company_id` (one of
    the two scopes is required: a mark never crosses companies by accident): the items of
    `kind` in `item_ids`, and those every entry of `marks` names.

    One UPDATE whatever is asked, so a row that several marks name moves up by exactly one. The
    only statement in Backroom that raises `version`. Returns the number of rows marked."""
    marks = list(marks)
    if kind is not None or item_ids is not None:
        marks.append(Mark(kind=kind, item_ids=() if item_ids is None else item_ids))
    for mark in marks:
        if mark.kind not in KINDS:
            raise ValueError(f"unknown sync kind {mark.kind!r}")
    if store_ids is None and company_id is None:
        raise ValueError("bump_sync_version needs store_ids or company_id")
    store_ids = list(store_ids) if store_ids is not None else None
    wanted = Q()
    for mark in marks:
        if mark.item_ids is EVERY_ITEM:
            condition = Q(kind=mark.kind)
        else:
            ids = mark.item_ids
            if not isinstance(ids, QuerySet):
                ids = list(ids)
                if not ids:
                    continue
            condition = Q(kind=mark.kind, item_id__in=ids)
        if mark.stores is not None:
            condition &= Q(store_id__in=Store.objects.filter(mark.stores).values("pk"))
        wanted |= condition
    if not wanted or store_ids == []:
        return 0
    rows = SyncState.objects.filter(wanted)
    if store_ids is not None:
        rows = rows.filter(store_id__in=store_ids)
    if company_id is not None:
        rows = rows.filter(store_id__in=Store.objects.filter(company_id=company_id).values("pk"))
    return rows.update(version=F("version") + 1)


def product_marks(
    products: QuerySet[Product] | Iterable[Product], *, stores: Q | None = None
) -> list[Mark]:
    """Marks for products and variations (one table, two kinds): each by its own kind. A
    queryset stays a subquery (two marks); instances are sorted here (no query)."""
    if isinstance(products, QuerySet):
        return [
            Mark(Kind.PRODUCT, products.exclude(type=VARIATION).values("pk"), stores),
            Mark(Kind.VARIATION, products.filter(type=VARIATION).values("pk"), stores),
        ]
    by_kind: dict[str, list[int]] = {Kind.PRODUCT: [], Kind.VARIATION: []}
    for product in products:
        by_kind[Kind.VARIATION if product.type == VARIATION else Kind.PRODUCT].append(product.pk)
    return [Mark(kind, ids, stores) for kind, ids in by_kind.items() if ids]


def stores_showing_prices(price_type_ids: Iterable[int]) -> Q:
    """Stores whose regular or sale price is of one of these price types."""
    ids = sorted(set(price_type_ids))
    return Q(regular_price_type_id__in=ids) | Q(sale_price_type_id__in=ids)


def stores_showing_stock(department_ids: Iterable[int]) -> Q:
    """Stores that show the stock of one of these departments."""
    return Q(departments__in=sorted(set(department_ids)))


def stores_in_language(language: str) -> Q:
    """Stores that get the catalog in this language (a translation in it is theirs alone)."""
    return Q(language=language.upper())


def mark_stock(*, company_id: int, changes: Mapping[int, Iterable[int] | QuerySet]) -> int:
    """Mark the products and variations whose available stock changed, given as department id
    -> product ids (or a queryset of them), in the stores that show that department's stock.
    One UPDATE however many products and departments; no change marks nothing and costs
    nothing."""
    marks = []
    for department_id, product_ids in changes.items():
        if not isinstance(product_ids, QuerySet):
            product_ids = sorted(set(product_ids))
            if not product_ids:
                continue
        products = Product.objects.filter(pk__in=product_ids)
        marks += product_marks(products, stores=stores_showing_stock([department_id]))
    if not marks:
        return 0
    return bump_sync_version(company_id=company_id, marks=marks)


def mark_store_catalog(*, store: Store) -> int:
    """Mark everything the store has been sent (categories, attributes, terms, products,
    variations) for re-sync: after a change of its language, price types or departments, every
    item looks different to it. Returns the number of rows marked."""
    return bump_sync_version(
        store_ids=[store.pk], marks=[Mark(kind, EVERY_ITEM) for kind in Kind.values]
    )


def forget_unlinked(*, store: Store) -> int:
    """Delete the SyncState rows of categories, attributes and terms the store no longer carries,
    so their store ids leave the lists the plugin compares and it deletes them in WooCommerce.

    A category is carried when linked and marked as an online-store category; an attribute when
    linked; a term when its attribute is. Product and variation rows stay: the store confirms
    their deletion (next issue). Rows of items it still carries keep their store ids. Returns
    the number of rows deleted."""
    deleted, _ = SyncState.objects.filter(store=store).filter(_uncarried()).delete()
    return deleted


def forget_uncarried(*, company_id: int) -> int:
    """forget_unlinked for every store of the company in one statement: after a category stops
    being an online-store category, or a category, attribute or term is deleted. Should the
    item be carried again, it is sent anew rather than under an id the store has deleted."""
    stores = Store.objects.filter(company_id=company_id).values("pk")
    deleted, _ = SyncState.objects.filter(store_id__in=stores).filter(_uncarried()).delete()
    return deleted


def _uncarried() -> Q:
    """Rows of categories, attributes and terms that their own store does not carry."""
    store, item = OuterRef("store_id"), OuterRef("item_id")
    carried_category = Store.categories.through.objects.filter(
        store_id=store, category_id=item, category__is_store_category=True
    )
    linked_attribute = Store.attributes.through.objects.filter(store_id=store, attribute_id=item)
    carried_term = Term.objects.filter(pk=item, attribute__stores=store)
    return (
        (Q(kind=Kind.CATEGORY) & ~Exists(carried_category))
        | (Q(kind=Kind.ATTRIBUTE) & ~Exists(linked_attribute))
        | (Q(kind=Kind.TERM) & ~Exists(carried_term))
    )


def record_served(*, store: Store, kind: str, item_ids: Sequence[int]) -> None:
    """Remember that the store has just been sent these items in their current version, so
    that its id report confirms exactly that version (design invariant 4). Items never sent
    before get their row here (version 1, served 1). Call it before reading what is sent: a
    change that lands after this point raises `version` above `served_version` and the item
    stays waiting. Two statements per thousand items."""
    for batch in _batches(list(item_ids)):
        SyncState.objects.bulk_create(
            [SyncState(store=store, kind=kind, item_id=item_id) for item_id in batch],
            ignore_conflicts=True,
        )
        SyncState.objects.filter(store=store, kind=kind, item_id__in=batch).update(
            served_version=F("version")
        )


def confirm_reported_ids(*, store: Store, kind: str, pairs: Sequence[tuple[int, int]]) -> int:
    """Store the ids the store reports for items it has written, as (woo_id, crm_id) pairs,
    and confirm the version it was served (never a later one, so a change made since the
    GET keeps the item waiting). A reported id replaces whatever id was known (the plugin
    re-creates items that vanished from WooCommerce). An item reported but never served
    gets its id and stays waiting.

    What the store was sent with this item's former id (or without it, before it had one) is
    marked for re-sync (_sent_with_ids_of): a product re-created in WooCommerce lost its
    variations there, a product first created is missing from the upsells of those sent
    before it had an id.

    Idempotent. Crm ids that are not the store's company's items (of the kind's table), and
    ids that are not positive 64-bit integers, are skipped; when one crm id comes twice the
    last pair wins. One transaction, three statements per thousand pairs; returns the number
    of items whose id was stored."""
    if kind not in KINDS:
        raise ValueError(f"unknown sync kind {kind!r}")
    reported: dict[int, int] = {}
    for woo_id, crm_id in pairs:
        if _valid_id(woo_id) and _valid_id(crm_id):
            reported[crm_id] = woo_id
    if not reported:
        return 0
    stored = 0
    now = timezone.now()
    with transaction.atomic():
        for batch in _batches(list(reported)):
            owned = list(
                _company_items(store=store, kind=kind)
                .filter(pk__in=batch)
                .values_list("pk", flat=True)
            )
            if not owned:
                continue
            known = dict(
                SyncState.objects.filter(store=store, kind=kind, item_id__in=owned).values_list(
                    "item_id", "woo_id"
                )
            )
            SyncState.objects.bulk_create(
                [
                    SyncState(store=store, kind=kind, item_id=item_id, woo_id=reported[item_id])
                    for item_id in owned
                ],
                update_conflicts=True,
                unique_fields=["store", "kind", "item_id"],
                update_fields=["woo_id"],
            )
            SyncState.objects.filter(store=store, kind=kind, item_id__in=owned).update(
                confirmed_version=F("served_version"), confirmed_at=now
            )
            new_ids = [item_id for item_id in owned if known.get(item_id) != reported[item_id]]
            if new_ids:
                bump_sync_version(store_ids=[store.pk], marks=_sent_with_ids_of(kind, new_ids))
            stored += len(owned)
    return stored


def _sent_with_ids_of(kind: str, item_ids: list[int]) -> list[Mark]:
    """What a store is sent that names these items' store ids, and so must be sent again when
    they change: a category's products; an attribute's terms, and the products and variations
    using it; a product's variations, and the products offering it as an upsell or
    cross-sell. Term and variation ids are named by nothing else (options are term names; a
    product's variation ids are read anew whenever it is sent)."""
    if kind == Kind.CATEGORY:
        in_category = Product.categories.through.objects.filter(category_id__in=item_ids)
        return [Mark(Kind.PRODUCT, in_category.values("product_id"))]
    if kind == Kind.ATTRIBUTE:
        return [
            Mark(Kind.TERM, Term.objects.filter(attribute_id__in=item_ids).values("pk")),
            Mark(
                Kind.PRODUCT,
                ProductAttribute.objects.filter(attribute_id__in=item_ids).values("product_id"),
            ),
            Mark(
                Kind.VARIATION,
                VariationAttribute.objects.filter(attribute_id__in=item_ids).values("variation_id"),
            ),
        ]
    if kind == Kind.PRODUCT:
        return [
            Mark(Kind.VARIATION, Product.objects.filter(parent_id__in=item_ids).values("pk")),
            *(
                Mark(
                    Kind.PRODUCT,
                    through.objects.filter(to_product_id__in=item_ids).values("from_product_id"),
                )
                for through in (Product.upsells.through, Product.cross_sells.through)
            ),
        ]
    return []


def forget_deleted_woo_ids(*, store: Store, woo_ids: Sequence[int]) -> int:
    """The store deleted these products: forget their ids, so they leave the deletion list.
    The confirmed version goes back to 0 as well: the store holds no version of the item any
    more, so should it be carried again it is sent (and created) anew. Ids the store does not
    know are ignored; returns the number of rows changed."""
    ids = sorted({woo_id for woo_id in woo_ids if _valid_id(woo_id)})
    changed = 0
    for batch in _batches(ids):
        changed += SyncState.objects.filter(
            store=store, kind=Kind.PRODUCT, woo_id__in=batch
        ).update(woo_id=None, confirmed_version=0)
    return changed


def _company_items(*, store: Store, kind: str) -> QuerySet:
    """The items of `kind` that belong to the store's company, carried or not: an id reported
    for an item that has just left the store must still be kept, or it could never be listed
    for deletion. Products and variations are one table: a product turned into a variation
    between the GET and the report still gets its id, and so lands in the deletion list."""
    company_id = store.company_id
    if kind == Kind.CATEGORY:
        return Category.objects.filter(company_id=company_id)
    if kind == Kind.ATTRIBUTE:
        return Attribute.objects.filter(company_id=company_id)
    if kind == Kind.TERM:
        return Term.objects.filter(attribute__company_id=company_id)
    return Product.objects.filter(company_id=company_id)


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]
