"""Locks on a buyer's keys: the keys find_customer matches on, normalised the same way; on
PostgreSQL a second transaction with a key in common waits for the first, one without does not."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from backroom.customers.locks import buyer_keys, lock_buyer_keys
from tests.inventory.threads import run_at_once


def test_keys_are_normalised_like_find_customer(company, webshop):
    assert buyer_keys(
        company=company,
        store=webshop,
        store_customer_id=7,
        email="  Ann@Example.COM ",
        phone="07700 900123",
    ) == [f"store:{webshop.pk}:7", "email:ann@example.com", "phone:+447700900123"]
    assert buyer_keys(company=company, email="not an address", phone="12") == []
    # A store customer id without its store is no key (find_customer ignores it too).
    assert buyer_keys(company=company, store_customer_id=7) == []


def test_a_national_phone_is_read_in_the_companys_country(company, other_company):
    assert buyer_keys(company=company, phone="030 1234567") == ["phone:+44301234567"]
    assert buyer_keys(company=other_company, phone="030 1234567") == ["phone:+49301234567"]


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_locks_must_be_taken_inside_a_transaction(company):
    with pytest.raises(TransactionManagementError):
        lock_buyer_keys(company=company, keys=["email:ann@example.com"])


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite behaviour")
def test_no_locks_on_sqlite(company):
    with transaction.atomic():
        assert lock_buyer_keys(company=company, keys=["email:ann@example.com"]) == 0


def test_no_keys_no_locks_no_query(company, django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(0):
        assert lock_buyer_keys(company=company, keys=[]) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_shared_key_waits_for_the_first_transaction_another_does_not(company):
    events: list[str] = []
    locked = threading.Event()

    def first():
        with transaction.atomic():
            taken = lock_buyer_keys(
                company=company, keys=["email:ann@example.com", "phone:+447700900123"]
            )
            events.append("first locked")
            locked.set()
            time.sleep(0.5)
            events.append("first ends")
        return taken

    def same_buyer():
        locked.wait(10)
        with transaction.atomic():
            keys = buyer_keys(company=company, email="ANN@example.com ")
            lock_buyer_keys(company=company, keys=keys)
            events.append("same buyer locked")

    def other_buyer():
        locked.wait(10)
        with transaction.atomic():
            lock_buyer_keys(company=company, keys=["email:bob@example.com"])
            events.append("other buyer locked")

    results = run_at_once([first, same_buyer, other_buyer])

    assert results == [2, None, None]
    assert events == ["first locked", "other buyer locked", "first ends", "same buyer locked"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_overlapping_keys_in_any_order_never_deadlock(company):
    keys = [f"email:buyer{i}@example.com" for i in range(3)]

    def lock(order):
        def job():
            for _ in range(20):
                with transaction.atomic():
                    lock_buyer_keys(company=company, keys=order)
            return "done"

        return job

    results = run_at_once([lock(keys), lock(keys[::-1]), lock(keys[1:] + keys[:1])] * 2)

    assert results == ["done"] * 6
