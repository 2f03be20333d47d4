"""The per-store journal (calls, items, last times per endpoint, recent errors; one write per
call) and what the connection page's status panel shows of it."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backroom.stores import access, journal
from backroom.stores.models import CallError, CallJournal, Store
from backroom.stores.selectors import store_status

PAGE = {"first_result": "0", "max_results": "100"}
NOON = datetime(2026, 5, 4, 12, 0, 15, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    now = {"at": NOON}
    monkeypatch.setattr(journal, "_now", lambda: now["at"])
    return now


def row(store, endpoint) -> tuple:
    entry = CallJournal.objects.get(store=store, endpoint=endpoint)
    return (
        entry.calls,
        entry.failures,
        entry.items,
        entry.last_items,
        entry.last_call_at,
        entry.last_success_at,
    )


def test_calls_and_items_are_counted_per_endpoint(plugin, store, shop, clock):
    plugin.get("syncProductsToStore", **PAGE)
    clock["at"] = NOON + timedelta(minutes=1)
    plugin.get("syncProductsToStore", first_result="5", max_results="100")
    plugin.report("syncProductsIds", {shop["hoodie"].pk: 311, shop["tee"].pk: 312})

    assert row(store, "syncProductsToStore") == (2, 0, 2, 0, clock["at"], clock["at"])
    assert row(store, "syncProductsIds") == (1, 0, 2, 2, clock["at"], clock["at"])


def test_a_refused_call_counts_as_a_failure_and_keeps_the_last_success(plugin, store, clock):
    plugin.get("DokioCrmConnectionTest")
    clock["at"] = NOON + timedelta(minutes=5)

    plugin.get("DokioCrmConnectionTest", address="198.51.100.7")

    assert row(store, "DokioCrmConnectionTest") == (2, 1, 0, 0, clock["at"], NOON)
    assert list(CallError.objects.values_list("endpoint", "message", "repeats")) == [
        (
            "DokioCrmConnectionTest",
            access.ADDRESS_NOT_ALLOWED.format(address="198.51.100.7"),
            1,
        )
    ]


def test_wrong_keys_journal_nothing_for_any_store(plugin, store):
    plugin.get("DokioCrmConnectionTest", key="0" * 36)

    assert not CallJournal.objects.exists()
    assert not CallError.objects.exists()


def test_the_same_error_again_counts_up_instead_of_piling_up(plugin, store, clock):
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)
    for minute in range(3):
        clock["at"] = NOON + timedelta(minutes=minute)
        plugin.get("isLetSync", plugin_version="1.3.0")

    error = CallError.objects.get()
    assert (error.repeats, error.at) == (3, NOON + timedelta(minutes=2))
    assert store_status(store=store).recent_errors == (
        f"isLetSync: Synchronization refused: {access.CONNECTION_OFF} (×3, last at 2026-05-04 "
        "12:02)",
    )


def test_alternating_errors_count_up_each_in_its_own_row(plugin, store, clock):
    """A store alternating between two faults shows two lines, not a growing list."""
    for minute in range(4):
        clock["at"] = NOON + timedelta(minutes=minute)
        endpoint = "syncProductsIds" if minute % 2 else "syncProductCategoriesIds"
        plugin.post(endpoint, body=b'{"crmSecretKey":"%s","idsSet":[' % plugin.key.encode())

    rows = CallError.objects.order_by("-at").values_list("endpoint", "repeats", "at")
    assert list(rows) == [
        ("syncProductsIds", 2, NOON + timedelta(minutes=3)),
        ("syncProductCategoriesIds", 2, NOON + timedelta(minutes=2)),
    ]


def test_only_the_newest_errors_are_kept(plugin, store, clock):
    for second in range(journal.KEPT_ERRORS + 5):
        clock["at"] = NOON + timedelta(seconds=second)
        plugin.get("DokioCrmConnectionTest", address=f"198.51.100.{second + 1}")

    kept = list(CallError.objects.order_by("-at").values_list("message", flat=True))
    assert len(kept) == journal.KEPT_ERRORS
    assert kept[0] == access.ADDRESS_NOT_ALLOWED.format(address="198.51.100.25")
    assert kept[-1] == access.ADDRESS_NOT_ALLOWED.format(address="198.51.100.6")


def test_ids_that_name_nothing_of_the_company_are_journaled(plugin, store, shop, foreign_product):
    response = plugin.report(
        "syncProductsIds", {shop["hoodie"].pk: 311, foreign_product.pk: 312, 99_999_999: 313}
    )

    assert response.content == b"1"
    assert CallError.objects.get().message == (
        "2 of 3 reported ids named nothing of this company and were ignored."
    )


def test_each_call_writes_the_journal_once(plugin, store, shop):
    plugin.get("DokioCrmConnectionTest")  # the row exists from now on
    plugin.get("syncProductsToStore", **PAGE)

    with CaptureQueriesContext(connection) as test:
        assert plugin.get("DokioCrmConnectionTest").content == b"1"
    with CaptureQueriesContext(connection) as page:
        plugin.get("syncProductsToStore", **PAGE)

    assert len(test) == 3  # lock-out, the store, the journal
    for queries in (test, page):
        journal_writes = [q["sql"] for q in queries if "stores_calljournal" in q["sql"]]
        assert len(journal_writes) == 1
        assert journal_writes[0].startswith("UPDATE")


def test_the_status_shows_last_call_last_cycle_and_calls(plugin, store, shop, clock):
    plugin.get("isLetSync", plugin_version="1.3.0-1")
    assert store_status(store=store).last_catalog_sync_at is None
    clock["at"] = NOON + timedelta(minutes=1)

    plugin.post("syncVariationsIds", [])  # the end of a catalog cycle
    clock["at"] = NOON + timedelta(minutes=2)
    plugin.get("isLetSync", plugin_version="1.3.0-1")

    status = store_status(store=store)
    assert (status.last_call_at, status.last_catalog_sync_at, status.last_orders_sync_at) == (
        NOON + timedelta(minutes=2),
        NOON + timedelta(minutes=1),
        None,
    )
    assert status.recent_errors == ()
    assert [(entry.endpoint, entry.calls) for entry in status.calls] == [
        ("isLetSync", 2),
        ("syncVariationsIds", 1),
    ]


def test_the_status_shows_the_last_orders_sync(plugin, store, clock):
    """The plugin posts its orders every minute, even none: the last accepted post shows the
    orders job runs."""
    body = json.dumps({"crmSecretKey": plugin.key, "orders": []}).encode()
    plugin.post("putOrdersIntoCRM", body=body)
    clock["at"] = NOON + timedelta(minutes=1)
    plugin.post("putOrdersIntoCRM", body=b'{"crmSecretKey":"%s","orders":}' % plugin.key.encode())

    assert store_status(store=store).last_orders_sync_at == NOON


def test_a_refused_cycle_end_is_not_a_sync(plugin, store, clock):
    plugin.post("syncVariationsIds", [], address="198.51.100.7")

    assert store_status(store=store).last_catalog_sync_at is None


def test_the_status_panel_shows_the_journal(plugin, store, owner, clock):
    plugin.get("isLetSync", plugin_version="1.2.0")
    client = Client()
    client.force_login(owner)

    page = client.get(f"/stores/{store.pk}/").content.decode()

    assert "<dt>Last call from the store</dt><dd>2026-05-04 12:00</dd>" in page
    assert "<dt>Last catalog sync</dt><dd>none yet</dd>" in page
    assert "Plugin version is too old. Plugin version is 1.2.0" in page
    assert 'data-testid="status-calls"' in page
    assert "<td>isLetSync</td><td>1</td><td>1</td>" in page


def test_the_journal_is_per_store(plugin, store, store_input, owner):
    from backroom.stores.services import create_store
    from tests.storeapi.conftest import Plugin

    other, other_key = create_store(user=owner, data=store_input(name="Other"))
    Plugin(other_key).get("DokioCrmConnectionTest", address="198.51.100.7")
    plugin.get("DokioCrmConnectionTest")

    assert store_status(store=store).recent_errors == ()
    assert len(store_status(store=other).recent_errors) == 1
