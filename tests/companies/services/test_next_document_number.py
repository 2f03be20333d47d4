import pytest
from django.db import connection, transaction

from backroom.companies.models import DocumentCounter
from backroom.companies.services import lock_document_counters, next_document_number
from tests.inventory.threads import run_at_once


def test_numbers_count_up_per_company_and_kind(company, other_company):
    assert [next_document_number(company=company, kind="order") for _ in range(3)] == [1, 2, 3]
    assert next_document_number(company=company, kind="receipt") == 1
    assert next_document_number(company=other_company, kind="order") == 1
    assert DocumentCounter.objects.get(company=company, kind="order").last_number == 3


def test_a_rolled_back_caller_gives_its_number_back(company):
    next_document_number(company=company, kind="order")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_document_number(company=company, kind="order") == 2
        raise RuntimeError

    assert next_document_number(company=company, kind="order") == 2


def test_locking_counters_creates_them_at_zero(company):
    with transaction.atomic():
        lock_document_counters(company=company, kinds=["b", "a", "b"])

    assert sorted(
        DocumentCounter.objects.filter(company=company).values_list("kind", "last_number")
    ) == [("a", 0), ("b", 0)]
    assert next_document_number(company=company, kind="a") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.parametrize("counter_exists", [False, True])
def test_never_repeats_under_concurrency(company, counter_exists):
    if counter_exists:
        next_document_number(company=company, kind="order")

    def take_three():
        with transaction.atomic():
            return [next_document_number(company=company, kind="order") for _ in range(3)]

    results = run_at_once([take_three] * 20)

    assert not [r for r in results if isinstance(r, BaseException)]
    numbers = sorted(n for batch in results for n in batch)
    start = 2 if counter_exists else 1
    assert numbers == list(range(start, start + 60))
    # Each caller's numbers are consecutive: the counter stays locked until its commit.
    assert all(batch == list(range(batch[0], batch[0] + 3)) for batch in results)
