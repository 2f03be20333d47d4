"""Helpers for store tests."""

from backroom.stores.models import Store, SyncState


def sync_rows(store: Store) -> dict[tuple[str, int], tuple[int | None, int]]:
    """(kind, item id) -> (woo id, version) of every SyncState row of the store."""
    return {
        (row.kind, row.item_id): (row.woo_id, row.version)
        for row in SyncState.objects.filter(store=store)
    }
