"""A store's batches of orders: each imported on its own (orders.intake), the ones that cannot
be imported held with their reason and tried again, and the watermark the plugin asks for.

Each order is read and imported in its own transaction (a savepoint inside the caller's): one
bad order never stops or undoes the others (the reference rolls back the whole batch, forever:
reference-server.md 8.8). An order that cannot be imported is a HeldOrder, with the store's
payload and the reason; it is tried again after every later batch of the store and by a user's
button, and its row goes in the same transaction that imports it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, JSONField, Max, Q, QuerySet, Value
from django.utils import timezone

from backroom.accounts.errors import NotFound
from backroom.accounts.models import User
from backroom.accounts.permissions import require_permission
from backroom.accounts.selectors import get_for_user, parse_id
from backroom.orders.errors import OrderNotImported
from backroom.orders.intake import IntakeOutcome, follow_store_status, intake_order
from backroom.orders.models import CustomerOrder
from backroom.orders.services import storable_json
from backroom.stores.models import HeldOrder, Store
from backroom.stores.woo_orders import (
    OrderIdentity,
    order_identity,
    read_status,
    read_woo_order,
)

logger = logging.getLogger(__name__)

DEPARTMENT_NOT_SET = -220
DEFAULT_CUSTOMER_NOT_SET = -222
NO_ORDERS_YET = "2000-01-01T00:00:00"

PLUGIN_PAGE_SIZE = 10
"""The plugin asks WooCommerce for orders with its default page size: a full page may mean
that older orders were left behind (protocol notes 5.2)."""
MAX_BATCH = 100
"""Orders read from one post (WooCommerce pages hold at most 100); the newer rest come again."""
RETRIES_PER_BATCH = 20
"""Held orders tried again after each batch of the store."""
RETRIES_PER_CLICK = 100
"""Held orders tried again by one press of a user's button."""
MAX_IDS = 1000
FUTURE_SLACK = timedelta(minutes=5)
"""An order dated later than this from now (a date edited in WooCommerce, a shop's clock far
ahead) does not move the watermark until its time comes: the plugin would skip every order
placed until then. Minutes of clock difference only make the newest orders come again."""

BUG_REASON = "Backroom failed on this order (an error on the server: see its log)."
NOT_OBJECT_REASON = "The order is not a JSON object."
JSON_NULL = Value(None, JSONField())
_REASON_LIMIT = HeldOrder._meta.get_field("reason").max_length
_WATERMARK_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass
class BatchReport:
    """What became of a batch (and of the held orders tried with it)."""

    received: int = 0
    created: int = 0
    repeated: int = 0
    """Orders already imported: at most their status followed."""
    held: int = 0
    released: int = 0
    """Held orders imported at last (from this batch's retry or a user's button)."""
    ignored: int = 0
    """Orders sent again after a user discarded them."""
    held_reasons: list[str] = field(default_factory=list)
    """Why each order of the batch newly (or still) held is held, one sentence each; the
    connection page's Orders panel lists them, so they are not errors of the call."""
    problems: list[str] = field(default_factory=list)
    """Warnings for the store's journal (a full page of orders, a batch too large) or for the
    user who pressed a button."""


@dataclass(frozen=True)
class _Attempt:
    """One payload with what can be told of it before reading."""

    payload: object
    identity: OrderIdentity
    digest: str


# -- for the store API --------------------------------------------------------------------------


def orders_refusal(*, store: Store) -> int | None:
    """The plugin's code for a connection that cannot take orders (-220: no orders department;
    -222: the default customer is to be used but none is set), or None. The connection's rules
    and the database make both impossible; a reply the plugin understands costs nothing."""
    if store.orders_department_id is None:
        return DEPARTMENT_NOT_SET
    if (
        store.if_customer_not_found == Store.IfCustomerNotFound.USE_DEFAULT
        and store.default_customer_id is None
    ):
        return DEFAULT_CUSTOMER_NOT_SET
    return None


def import_store_orders(*, store: Store, payloads: list[object]) -> BatchReport:
    """Import every order the store posted, each on its own, oldest first (so Backroom's numbers
    follow the store's); hold the ones that cannot be imported; then try again up to
    RETRIES_PER_BATCH other held orders of the store. The caller has checked orders_refusal."""
    report = BatchReport(received=len(payloads))
    attempts = sorted((_attempt(payload) for payload in payloads), key=_oldest_first)
    if len(attempts) > MAX_BATCH:
        report.problems.append(
            f"The store sent {len(attempts)} orders at once; Backroom read the {MAX_BATCH} "
            "oldest. The others are newer than the watermark, so the store sends them again."
        )
    attempts = attempts[:MAX_BATCH]
    handled_ids = {a.identity.store_order_id for a in attempts} - {None}
    handled_digests = {a.digest for a in attempts if a.identity.store_order_id is None}
    handled = HeldOrder.objects.filter(store=store).filter(
        Q(store_order_id__in=handled_ids)
        | Q(store_order_id__isnull=True, payload_digest__in=handled_digests)
    )
    discarded = set(
        handled.filter(discarded_at__isnull=False).values_list("store_order_id", "payload_digest")
    )
    waiting = list(
        held_orders(store=store)
        .exclude(pk__in=handled.values("pk"))
        .order_by("last_tried_at", "held_at", "id")[:RETRIES_PER_BATCH]
    )
    if not attempts and not waiting:
        return report
    if len(payloads) >= PLUGIN_PAGE_SIZE:
        report.problems.insert(0, _full_page_warning(store, len(payloads), attempts))
    store = _with_settings(store.pk)
    for attempt in attempts:
        if _was_discarded(attempt, discarded):
            report.ignored += 1
            continue
        _import_from_batch(store, attempt, report)
    _retry(store, waiting, report)
    return report


def last_order_time(*, store: Store) -> str:
    """The watermark: the newest creation time among the store's imported and held orders,
    minus one second (WooCommerce's `after` is exclusive, to the second: an order placed in
    the same second as the newest comes again, and its id makes that harmless), in UTC as
    `YYYY-MM-DDTHH:MM:SS`; NO_ORDERS_YET when there is none. Times more than minutes ahead are
    left out until then (FUTURE_SLACK). Two queries."""
    latest = timezone.now() + FUTURE_SLACK
    newest = [
        model.objects.filter(store=store, store_created_at__lte=latest).aggregate(
            newest=Max("store_created_at")
        )["newest"]
        for model in (CustomerOrder, HeldOrder)
    ]
    known = [moment for moment in newest if moment is not None]
    if not known:
        return NO_ORDERS_YET
    return _watermark(max(known))


# -- for users (the connection page) -------------------------------------------------------------


def held_orders(*, store: Store) -> QuerySet[HeldOrder]:
    """The store's held orders (not discarded), oldest first (the caller found the store for
    its user)."""
    return HeldOrder.objects.filter(store=store, discarded_at__isnull=True).order_by(
        "held_at", "id"
    )


def count_held_orders(*, stores: list[Store]) -> dict[int, int]:
    """store id -> how many of its orders are held (not discarded), for the stores that have
    any (the caller found the stores for its user). One query."""
    rows = (
        HeldOrder.objects.filter(store__in=stores, discarded_at__isnull=True)
        .order_by()
        .values("store")
        .annotate(held=Count("id"))
        .values_list("store", "held")
    )
    return dict(rows)


def retry_held_orders(*, user: User, store_id: object, held_ids: object = None) -> BatchReport:
    """Try the store's held orders `held_ids` again (all of them, oldest first, up to
    RETRIES_PER_CLICK, when None). The user must see the store and may create orders in its
    company. Ids that are not held orders of the store (imported or discarded meanwhile, or
    never its own) are only counted in a problem."""
    store = _store_for(user=user, store_id=store_id, action="create")
    report = BatchReport()
    refusal = orders_refusal(store=store)
    if refusal is not None:
        report.problems.append(_refusal_sentence(refusal))
        return report
    waiting = held_orders(store=store)
    if held_ids is None:
        chosen = list(waiting[: RETRIES_PER_CLICK + 1])
        if len(chosen) > RETRIES_PER_CLICK:
            report.problems.append(
                f"Backroom tried the {RETRIES_PER_CLICK} oldest held orders: try again for the "
                "others."
            )
            chosen = chosen[:RETRIES_PER_CLICK]
    else:
        ids = _parse_ids(held_ids)
        chosen = list(waiting.filter(pk__in=ids))
        gone = len(ids) - len(chosen)
        if gone:
            report.problems.append(
                f"{gone} of the chosen orders {'is' if gone == 1 else 'are'} no longer held "
                "(imported or discarded meanwhile)."
            )
    _retry(store, chosen, report)
    return report


def discard_held_orders(*, user: User, store_id: object, held_ids: object) -> int:
    """Give up the store's held orders `held_ids` for good: they are not imported, and the
    store's later posts of them are ignored (HeldOrder.discarded_at); returns how many were
    discarded. The user must see the store and may delete orders in its company."""
    store = _store_for(user=user, store_id=store_id, action="delete")
    ids = _parse_ids(held_ids)
    return held_orders(store=store).filter(pk__in=ids).update(discarded_at=timezone.now())


# -- importing one order ------------------------------------------------------------------------


def _import_from_batch(store: Store, attempt: _Attempt, report: BatchReport) -> None:
    """Import one posted order; it replaces the store's held order of the same id, if any."""
    try:
        with transaction.atomic():
            # The held row first, as _retry locks it first: then the buyer's locks
            # (orders.intake), so a retry and a post of one order never deadlock.
            released = _forget_held(store, attempt.identity.store_order_id)
            outcome = _import(store, attempt.payload)
    except OrderNotImported as error:
        reason = error.reason
    except Exception:
        logger.exception(
            "Importing order %s of store %s failed.", attempt.identity.store_order_id, store.pk
        )
        reason = BUG_REASON
    else:
        _count(report, outcome)
        report.released += released
        return
    report.held += 1
    report.held_reasons.append(f"{_order_label(attempt.identity)} is held: {_reason(reason)}")
    _hold(store, attempt, reason)


def _retry(store: Store, rows: list[HeldOrder], report: BatchReport) -> None:
    """Try each held order again, each on its own: imported, its row goes in the same
    transaction; not, its row records the try (attempts, last try, the newest reason)."""
    for row in rows:
        try:
            with transaction.atomic():
                if not _claim(row):
                    continue  # imported or discarded meanwhile, or another process has it
                _import(store, row.payload)
                row.delete()
        except OrderNotImported as error:
            _record_try(row, error.reason)
            continue
        except Exception:
            logger.exception(
                "Retrying held order %s (order %s) of store %s failed.",
                row.pk,
                row.store_order_id,
                store.pk,
            )
            _record_try(row, BUG_REASON)
            continue
        report.released += 1


def _import(store: Store, payload: object) -> IntakeOutcome:
    """A repeat only follows its status, read alone (its lines may no longer find their
    products, and need not); a new order is read whole and imported."""
    store_order_id = order_identity(payload).store_order_id
    if store_order_id is not None:
        repeat = follow_store_status(
            store=store,
            store_order_id=store_order_id,
            status=read_status(payload.get("status")),
            payload=payload,
        )
        if repeat is not None:
            return repeat.outcome
    incoming = read_woo_order(store=store, payload=payload)
    return intake_order(store=store, incoming=incoming).outcome


def _count(report: BatchReport, outcome: IntakeOutcome) -> None:
    if outcome == IntakeOutcome.CREATED:
        report.created += 1
    else:
        report.repeated += 1


def _claim(row: HeldOrder) -> bool:
    """Lock the held order's row for this try (PostgreSQL: skipping it when another process
    tries it now); False when it is gone."""
    held = HeldOrder.objects.filter(pk=row.pk, discarded_at__isnull=True)
    return held.select_for_update(skip_locked=True).exists()


def _forget_held(store: Store, store_order_id: int | None) -> int:
    """Delete the store's held order of this id (it is imported now); how many went (0 or 1)."""
    if store_order_id is None:
        return 0
    held = HeldOrder.objects.filter(
        store=store, store_order_id=store_order_id, discarded_at__isnull=True
    )
    deleted, _ = held.delete()
    return deleted


def _hold(store: Store, attempt: _Attempt, reason: str) -> None:
    """Keep the order aside with the reason: a new HeldOrder, or the one already held for it
    (by id, else by the payload's digest) with the newest payload and one more attempt. Two
    batches holding the same order at once make one row."""
    identity = attempt.identity
    key = (
        Q(store_order_id=identity.store_order_id)
        if identity.store_order_id is not None
        else Q(store_order_id__isnull=True, payload_digest=attempt.digest)
    )
    kept = _storable(attempt.payload)
    values = {
        # A JSON null is kept as such (None alone would be SQL NULL, which the column refuses).
        "payload": JSON_NULL if kept is None else kept,
        "payload_digest": attempt.digest,
        "reason": _reason(reason),
        "store_created_at": identity.store_created_at,
        "last_tried_at": timezone.now(),
    }
    held = HeldOrder.objects.filter(key, store=store)
    if held.update(attempts=F("attempts") + 1, **values):
        return
    try:
        with transaction.atomic():
            HeldOrder.objects.create(store=store, store_order_id=identity.store_order_id, **values)
    except IntegrityError:
        # Held by a concurrent batch a moment ago: this try counts on that row.
        if not held.update(attempts=F("attempts") + 1, **values):
            raise


def _was_discarded(attempt: _Attempt, discarded: set[tuple[int | None, str]]) -> bool:
    store_order_id = attempt.identity.store_order_id
    if store_order_id is None:
        return (None, attempt.digest) in discarded
    return any(held_id == store_order_id for held_id, _ in discarded)


def _record_try(row: HeldOrder, reason: str) -> None:
    HeldOrder.objects.filter(pk=row.pk).update(
        attempts=F("attempts") + 1, last_tried_at=timezone.now(), reason=_reason(reason)
    )


# -- helpers --------------------------------------------------------------------------------------


def _attempt(payload: object) -> _Attempt:
    return _Attempt(payload=payload, identity=order_identity(payload), digest=_digest(payload))


def _oldest_first(attempt: _Attempt) -> tuple[bool, datetime]:
    """Sort key: by creation time, orders without one last (sorted() keeps their order)."""
    moment = attempt.identity.store_created_at
    return (moment is None, moment or datetime.min.replace(tzinfo=UTC))


def _storable(payload: object) -> object:
    """The payload as a JSON column keeps it; one nested too deeply (no real order is) is
    replaced by a note, so the order is still held and shown."""
    try:
        return storable_json(payload)
    except ValueError:
        return {"backroom": "The store's data was nested too deeply to be kept."}


def _digest(payload: object) -> str:
    """sha256 (hex) of the payload's canonical JSON: one held row per distinct payload that
    has no readable id."""
    canonical = json.dumps(
        _storable(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _reason(text: str) -> str:
    text = str(storable_json(text))
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 1] + "…"


def _order_label(identity: OrderIdentity) -> str:
    if identity.store_order_id is None:
        return "An order without a readable id"
    return f"Order {identity.store_order_id}"


def _watermark(moment: datetime) -> str:
    return (moment.astimezone(UTC) - timedelta(seconds=1)).strftime(_WATERMARK_FORMAT)


def _full_page_warning(store: Store, received: int, attempts: list[_Attempt]) -> str:
    """Why a batch as large as the plugin's page is a warning: older orders may be behind it."""
    times = [a.identity.store_created_at for a in attempts if a.identity.store_created_at]
    oldest = min(times).strftime(_WATERMARK_FORMAT) if times else "the oldest of them"
    return (
        f"The store sent {received} orders, as many as the plugin fetches at once: orders "
        f"placed between {last_order_time(store=store)} and {oldest} (UTC) may not have been "
        "sent (a limit of the DokioStore plugin). Compare with WooCommerce's order list."
    )


def _refusal_sentence(code: int) -> str:
    if code == DEPARTMENT_NOT_SET:
        return "The connection has no orders department: choose one on the connection page."
    return (
        "The connection uses a default customer for unknown buyers but has none: choose one on "
        "the connection page."
    )


def _stores_with_settings() -> QuerySet[Store]:
    """Stores with the rows every order of theirs reads (orders.intake), joined in once."""
    return Store.objects.select_related(
        "company", "orders_department", "order_creator__membership", "default_customer"
    )


def _with_settings(store_id: int) -> Store:
    return _stores_with_settings().get(pk=store_id)


def _store_for(*, user: User, store_id: object, action: str) -> Store:
    """The store if the user may see it (NotFound otherwise: missing, another account's, a
    company the user may not see) and do `action` to orders of its company (NotAllowed)."""
    store = get_for_user(
        user=user, queryset=_stores_with_settings(), pk=store_id, document="stores"
    )
    require_permission(user, "orders", action, store.company_id)
    return store


def _parse_ids(values: object) -> set[int]:
    """Held-order ids as sent by a screen; NotFound for anything that cannot be ids."""
    if isinstance(values, str | bytes | dict) or not hasattr(values, "__iter__"):
        raise NotFound(model="Held order")
    ids: set[int] = set()
    for value in values:
        parsed = parse_id(value)
        if parsed is None or len(ids) >= MAX_IDS:
            raise NotFound(model="Held order")
        ids.add(parsed)
    return ids
