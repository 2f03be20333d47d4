"""Marking catalog items for re-sync: the one way to say "this store must see this again".

An item needs sync when its store has no SyncState row for it yet (never sent) or when its
`version` is above `confirmed_version`. Marking moves `version` up by one on the rows that
exist, in one UPDATE with F() (no read, no lost increment when two writers mark at once); an
item without a row needs sync anyway, so nothing is created here.

Write services of lower apps (catalog, inventory) may import this module: it imports models
only, never services, so no import cycle can form.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q

from backroom.catalog.models import Term
from backroom.stores.models import Store, SyncState

Kind = SyncState.Kind
KINDS = frozenset(Kind.values)


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
