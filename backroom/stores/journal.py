"""The store-API journal: what each store did (calls, items, last times per endpoint, recent
errors), and failed attempts per source address for the rate limit.

Everything is in the database, never in process memory: several gunicorn workers (and hosts)
serve the same stores and must agree on the counts. Each call costs one UPDATE (an INSERT the
first time a store uses an endpoint); an error adds a few statements, and errors are rare. The
tables stay small: one journal row per store and endpoint, the newest KEPT_ERRORS errors per
store (a repeat of the newest error only counts up), and one failure row per source and minute,
older minutes deleted as new ones start.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from backroom.stores.models import AuthFailure, CallError, CallJournal, Store

KEPT_ERRORS = 20
MESSAGE_MAX_LENGTH = 500
CATALOG_CYCLE_END = "syncVariationsIds"
"""The call that ends the plugin's catalog cycle: it posts it on every cycle that reaches the
variations, even with nothing to report (protocol notes 3.16)."""
ORDERS_CYCLE_END = "putOrdersIntoCRM"
"""The call that ends the plugin's orders cycle: posted every minute, even with no orders
(protocol notes 3.18)."""
IPV6_SOURCE_PREFIX = 64
"""An IPv6 caller is counted by its /64: one machine usually holds a whole /64 and could
otherwise take a fresh address for every attempt."""


@dataclass(frozen=True)
class EndpointJournal:
    endpoint: str
    calls: int
    failures: int
    items: int
    last_items: int
    last_call_at: datetime
    last_success_at: datetime | None


@dataclass(frozen=True)
class JournalSummary:
    """What the status panel shows of the journal: the last call of any kind, the ends of the
    last catalog and orders cycles, the newest errors (newest first, as lines of text), and
    every endpoint the store has used (by name)."""

    last_call_at: datetime | None
    last_catalog_sync_at: datetime | None
    last_orders_sync_at: datetime | None
    recent_errors: tuple[str, ...]
    endpoints: tuple[EndpointJournal, ...]


# -- calls -------------------------------------------------------------------------------------


def record_call(*, store: Store, endpoint: str, items: int = 0, error: str = "") -> None:
    """Count one call of `endpoint` by `store`: `items` sent or received; `error` (a sentence
    for the shop owner) when the call was refused or failed, which also lands among the
    store's recent errors."""
    now = _now()
    items = max(0, items)
    changes = {
        "calls": F("calls") + 1,
        "items": F("items") + items,
        "last_items": items,
        "last_call_at": now,
    }
    if error:
        changes["failures"] = F("failures") + 1
    else:
        changes["last_success_at"] = now
    rows = CallJournal.objects.filter(store=store, endpoint=endpoint)
    if not rows.update(**changes):
        try:
            with transaction.atomic():
                CallJournal.objects.create(
                    store=store,
                    endpoint=endpoint,
                    calls=1,
                    failures=1 if error else 0,
                    items=items,
                    last_items=items,
                    last_call_at=now,
                    last_success_at=None if error else now,
                )
        except IntegrityError:  # another process made the row just now
            rows.update(**changes)
    if error:
        _record_error(store=store, endpoint=endpoint, message=error, at=now)


def _record_error(*, store: Store, endpoint: str, message: str, at: datetime) -> None:
    """One row per distinct error among the kept ones: the same error again (even after
    others, as a store alternating between two faults does) counts up and moves to the top."""
    message = message[:MESSAGE_MAX_LENGTH]
    same = CallError.objects.filter(store=store, endpoint=endpoint, message=message)
    if same.update(at=at, repeats=F("repeats") + 1):
        return
    CallError.objects.create(store=store, endpoint=endpoint, at=at, message=message)
    older = CallError.objects.filter(store=store).order_by("-at", "-pk")[KEPT_ERRORS:]
    CallError.objects.filter(pk__in=older.values("pk")).delete()


def get_journal_summary(*, store: Store) -> JournalSummary:
    """The store's journal for its status panel (two queries)."""
    endpoints = tuple(
        EndpointJournal(
            endpoint=row.endpoint,
            calls=row.calls,
            failures=row.failures,
            items=row.items,
            last_items=row.last_items,
            last_call_at=row.last_call_at,
            last_success_at=row.last_success_at,
        )
        for row in CallJournal.objects.filter(store=store).order_by("endpoint")
    )
    errors = CallError.objects.filter(store=store).order_by("-at", "-pk")[:KEPT_ERRORS]
    successes = {e.endpoint: e.last_success_at for e in endpoints}
    return JournalSummary(
        last_call_at=max((e.last_call_at for e in endpoints), default=None),
        last_catalog_sync_at=successes.get(CATALOG_CYCLE_END),
        last_orders_sync_at=successes.get(ORDERS_CYCLE_END),
        recent_errors=tuple(_error_line(error) for error in errors),
        endpoints=endpoints,
    )


def _error_line(error: CallError) -> str:
    at = timezone.localtime(error.at).strftime("%Y-%m-%d %H:%M")
    repeats = f" (×{error.repeats}, last at {at})" if error.repeats > 1 else f" ({at})"
    return f"{error.endpoint}: {error.message}{repeats}"


# -- failed attempts -------------------------------------------------------------------------------


def record_auth_failure(*, address: str) -> None:
    """Count a failed attempt (wrong key, or a caller the store does not allow) from
    `address`. Starting a new minute's row also deletes the rows of minutes that no longer
    count, so the table holds about one row per recent source."""
    source = _source(address)
    minute = _minute(_now())
    rows = AuthFailure.objects.filter(source=source, minute=minute)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            AuthFailure.objects.create(source=source, minute=minute, count=1)
    except IntegrityError:  # another process started the minute just now
        rows.update(count=F("count") + 1)
        return
    AuthFailure.objects.filter(minute__lt=minute).delete()


def seconds_locked_out(*, address: str) -> int:
    """0 when `address` may try (again); otherwise the seconds until it may, because it has
    failed BACKROOM_STORE_API_FAILURES_PER_MINUTE times (0 = no limit) within this minute."""
    limit = settings.BACKROOM_STORE_API_FAILURES_PER_MINUTE
    if limit <= 0:
        return 0
    now = _now()
    minute = _minute(now)
    if not AuthFailure.objects.filter(
        source=_source(address), minute=minute, count__gte=limit
    ).exists():
        return 0
    return max(1, 60 - now.second)


def _source(address: str) -> str:
    """What failures are counted by: the address, an IPv6 one as its /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_SOURCE_PREFIX}", strict=False))
    return str(parsed)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _now() -> datetime:
    return timezone.now()
