"""Writes for companies."""

from django.db import transaction

from backroom.companies.models import Company, DocumentCounter


def next_document_number(*, company: Company, kind: str) -> int:
    """The next number for a document of `kind` in `company`, safe when documents are created at
    the same moment: the counter row is locked until the caller's transaction ends."""
    with transaction.atomic():
        DocumentCounter.objects.get_or_create(company=company, kind=kind)
        counter = DocumentCounter.objects.select_for_update().get(company=company, kind=kind)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number
