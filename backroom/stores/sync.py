"""Marking catalog items for re-sync: the one way to say "this store must see this again".

An item needs sync when its store has no SyncState row for it yet (never sent) or when its
`version` is above `confirmed_version`. Marking moves `version` up by one on the rows that
exist, in one UPDATE with F() (no read, no lost increment when two writers mark at once); an
item without a row needs sync anyway, so nothing is created here.

Write services of lower apps (catalog, inventory) may import this module: it imports models
only, never services, so no import cycle can form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from backroom.catalog.models import Attribute, Category, Product, Term
from backroom.stores.models import Store, SyncState

Kind = SyncState.Kind
KINDS = frozenset(Kind.values)
ID_MAX = 2**63 - 1
"""Ids beyond a signed 64-bit integer cannot be stored (nor exist): a report naming one is
skipped rather than failing in the database."""
BATCH = 1000
"""Ids per statement when a report is written: a full first sync reports tens of thousands."""


def bump_sync_version(
    *,
    store_ids: Iterable[int] | None = None,
    company_id: int | None = None,
    kind: str,
    item_ids: Iterable[int],
) -> int:
    """Mark items of one kind for re-sync in the given stores, or in every store of
    `company_id` (one of the two scopes is required: a mark never crosses companies by
    accident). Returns the number of rows marked."""
    if kind not in KINDS:
        raise ValueError(f"unknown sync kind {kind!r}")
    if store_ids is None and company_id is None:
        raise ValueError("bump_sync_version needs store_ids or company_id")
    item_ids = list(item_ids)
    store_ids = list(store_ids) if store_ids is not None else None
    if not item_ids or store_ids == []:
        return 0
    rows = SyncState.objects.filter(kind=kind, item_id__in=item_ids)
    if store_ids is not None:
        rows = rows.filter(store_id__in=store_ids)
    if company_id is not None:
        rows = rows.filter(store__company_id=company_id)
    return rows.update(version=F("version") + 1)


def mark_store_catalog(*, store: Store) -> int:
    """Mark everything the store has been sent (categories, attributes, terms, products,
    variations) for re-sync: after a change of its language, price types or departments, every
    item looks different to it. Returns the number of rows marked."""
    return SyncState.objects.filter(store=store).update(version=F("version") + 1)


def forget_unlinked(*, store: Store) -> int:
    """Delete the SyncState rows of categories, attributes and terms the store no longer carries,
    so their store ids leave the lists the plugin compares and it deletes them in WooCommerce.

    A category is carried when linked and marked as an online-store category; an attribute when
    linked; a term when its attribute is. Product and variation rows stay: the store confirms
    their deletion (next issue). Rows of items it still carries keep their store ids. Returns
    the number of rows deleted."""
    carried_categories = store.categories.filter(is_store_category=True).values("pk")
    linked_attributes = store.attributes.values("pk")
    carried_terms = Term.objects.filter(attribute__in=linked_attributes).values("pk")
    stale = SyncState.objects.filter(store=store).filter(
        (Q(kind=Kind.CATEGORY) & ~Q(item_id__in=carried_categories))
        | (Q(kind=Kind.ATTRIBUTE) & ~Q(item_id__in=linked_attributes))
        | (Q(kind=Kind.TERM) & ~Q(item_id__in=carried_terms))
    )
    deleted, _ = stale.delete()
    return deleted


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

    Idempotent. Crm ids that are not items of this kind of the store's company, and ids that
    are not positive 64-bit integers, are skipped; when one crm id comes twice the last pair
    wins. One transaction; returns the number of items whose id was stored."""
    if kind not in KINDS:
        raise ValueError(f"unknown sync kind {kind!r}")
    reported: dict[int, int] = {}
    for woo_id, crm_id in pairs:
        if _valid_id(woo_id) and _valid_id(crm_id):
            reported[crm_id] = woo_id
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
            SyncState.objects.bulk_create(
                [SyncState(store=store, kind=kind, item_id=item_id) for item_id in owned],
                ignore_conflicts=True,
            )
            rows = list(
                SyncState.objects.filter(store=store, kind=kind, item_id__in=owned).only(
                    "pk", "item_id"
                )
            )
            for row in rows:
                row.woo_id = reported[row.item_id]
                row.confirmed_version = F("served_version")
                row.confirmed_at = now
            SyncState.objects.bulk_update(rows, ["woo_id", "confirmed_version", "confirmed_at"])
            stored += len(rows)
    return stored


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
    for deletion."""
    company_id = store.company_id
    return {
        Kind.CATEGORY: Category.objects.filter(company_id=company_id),
        Kind.ATTRIBUTE: Attribute.objects.filter(company_id=company_id),
        Kind.TERM: Term.objects.filter(attribute__company_id=company_id),
        Kind.PRODUCT: Product.objects.filter(company_id=company_id).exclude(
            type=Product.Type.VARIATION
        ),
        Kind.VARIATION: Product.objects.filter(
            company_id=company_id, type=Product.Type.VARIATION
        ),
    }[kind]


def _valid_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]
