"""Locks on a buyer's keys, so that two orders of one new buyer arriving at once make one customer.

Finding a customer and creating it when there is none is a read then a write: two transactions
could both find nothing and both create. A buyer has no row to lock before it exists, so the
keys it will be matched on (the store's customer id, the normalised e-mail, the E.164 phone)
are locked instead, with PostgreSQL advisory transaction locks: a second order of the same
buyer waits until the first one's transaction ends, and then finds the customer it made.

Lock order of the house: buyer keys come first, before document counters and stock levels
(backroom/inventory/locks.py), and are taken in one statement in ascending order, so lockers of
overlapping key sets never deadlock. On SQLite the locks are no-ops: a write transaction there
already excludes every other writer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection
from django.db.transaction import TransactionManagementError

from backroom.customers.normalize import normalize_email, normalize_phone

if TYPE_CHECKING:  # stores sit above customers: imported for types only
    from backroom.companies.models import Company
    from backroom.stores.models import Store

_NAMESPACE = "backroom.customers.buyer"


def buyer_keys(
    *,
    company: Company,
    store: Store | None = None,
    store_customer_id: int | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> list[str]:
    """The keys customers.selectors.find_customer would match this buyer on, normalised the
    same way (so `Ann@X.com` and `ann@x.com ` are one key), as texts for lock_buyer_keys."""
    keys = []
    if store is not None and store_customer_id is not None:
        keys.append(f"store:{store.pk}:{store_customer_id}")
    if email_normalized := normalize_email(email):
        keys.append(f"email:{email_normalized}")
    if phone_normalized := normalize_phone(phone, region=company.country or None):
        keys.append(f"phone:{phone_normalized}")
    return keys


def lock_buyer_keys(*, company: Company, keys: Iterable[str]) -> int:
    """Hold an exclusive lock on each of `keys` within `company` until the transaction ends
    (waiting while another transaction holds one). Returns how many locks were taken: 0 on
    SQLite, where they are not needed, and for no keys. Must run inside transaction.atomic(),
    or the locks would end with the statement."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("lock_buyer_keys must run inside transaction.atomic().")
    numbers = sorted({_lock_number(company.pk, key) for key in keys})
    if not numbers or connection.vendor != "postgresql":
        return 0
    calls = ", ".join(["pg_advisory_xact_lock(%s)"] * len(numbers))
    with connection.cursor() as cursor:
        # One statement; PostgreSQL evaluates the select list left to right, so in this order.
        cursor.execute(f"SELECT {calls}", numbers)  # noqa: S608 - placeholders only
    return len(numbers)


def _lock_number(company_id: int, key: str) -> int:
    """A signed 64-bit lock id for (company, key). Two keys sharing an id (a 2**-64 chance)
    only make two buyers wait for each other."""
    digest = hashlib.sha256(f"{_NAMESPACE}:{company_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
