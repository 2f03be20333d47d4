"""Writes for companies."""

from collections.abc import Iterable

from django.db import transaction

from backroom.companies.models import Company, DocumentCounter


def next_document_number(*, company: Company, kind: str) -> int:
    """The next number for a document of `kind` in `company`, safe when documents are created at
    the same moment: the counter row is locked until the caller's transaction ends, so numbers
    are consecutive and never repeat (a rolled-back caller gives its number back)."""
    counters = DocumentCounter.objects.select_for_update().filter(company=company, kind=kind)
    with transaction.atomic():
        counter = counters.first()
        if counter is None:  # the first document of its kind: two may race to make the counter
            DocumentCounter.objects.get_or_create(company=company, kind=kind)
            counter = counters.get()
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number


def lock_document_counters(*, company: Company, kinds: Iterable[str]) -> None:
    """Create the counters of `kinds` if missing and lock them, in kind order, until the caller's
    transaction ends.

    Lock order of the house: document counters first (by kind), then stock levels (see
    backroom/inventory/locks.py). A service that will number documents of several kinds takes
    all their counters up front with this, so it never waits for a counter while holding stock."""
    kinds = sorted(set(kinds))
    with transaction.atomic():
        for kind in kinds:
            DocumentCounter.objects.get_or_create(company=company, kind=kind)
        list(
            DocumentCounter.objects.select_for_update()
            .filter(company=company, kind__in=kinds)
            .order_by("kind")
        )
