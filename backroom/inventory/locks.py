"""Row locks on on-hand rows, always taken in one order so that concurrent writers never deadlock.

The house's lock order: document counters first (companies.services.lock_document_counters, by
kind), then stock documents, then StockLevel rows by (product_id, department_id). Every writer
of on-hand or reservations locks through `lock_stock_levels`, which is what makes "two orders
never reserve the same unit" true on PostgreSQL. On SQLite the locks are no-ops: a write
transaction there already excludes every other writer.
"""

from collections.abc import Iterable

from backroom.inventory.models import StockLevel


def ensure_stock_levels(*, department_id: int, product_ids: Iterable[int]) -> None:
    """Create the missing on-hand rows (at zero) so that they can be locked and updated.

    Rows are inserted in product order and existing rows are left untouched (ON CONFLICT DO
    NOTHING), so two writers creating the same rows wait for each other instead of failing."""
    StockLevel.objects.bulk_create(
        [
            StockLevel(product_id=product_id, department_id=department_id)
            for product_id in sorted(set(product_ids))
        ],
        ignore_conflicts=True,
    )


def lock_stock_levels(*, department_id: int, product_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Lock the existing on-hand rows of `product_ids` in the department until the transaction
    ends, in product order, and return them by product id with their current on-hand.

    Must run inside transaction.atomic(). A product without a row has nothing on hand."""
    rows = (
        StockLevel.objects.select_for_update(of=("self",))
        .filter(department_id=department_id, product_id__in=sorted(set(product_ids)))
        .order_by("product_id", "department_id")
    )
    return {row.product_id: row for row in rows}
