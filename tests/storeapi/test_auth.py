"""Who may call: the key (a deleted store's key is a wrong key), the caller's address (never
read from X-Forwarded-For without a trusted proxy), the sync switches on catalog calls, and
the rate limit on failed attempts. Whenever a call is refused, nothing is read or written."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from backroom.stores import access, journal
from backroom.stores.models import AuthFailure, CallJournal, Store, SyncState
from tests.storeapi.conftest import STORE_ADDRESS, Plugin, assert_json, body_json

GETS = [
    "DokioCrmConnectionTest",
    "isLetSync",
    "syncProductCategoriesToStore",
    "syncProductAttributesToStore",
    "syncAttributeTermsToStore",
    "countProductsToStoreSync",
    "syncProductsToStore",
    "getProductWooIdsToDeleteInStore",
    "countVariationsToStoreSync",
    "syncVariationsToStore",
]
POSTS = [
    "syncProductCategoriesIds",
    "syncProductAttributesIds",
    "syncAttributeTermsIds",
    "syncProductsIds",
    "deleteWooIdsFromProducts",
    "syncVariationsIds",
]
PARAMS = {"first_result": "0", "max_results": "100", "plugin_version": "1.3.0-1"}
CATALOG_GETS = [name for name in GETS if name not in ("DokioCrmConnectionTest", "isLetSync")]

WRONG_KEY_REPLIES = {
    "DokioCrmConnectionTest": ("application/json", b"-200"),
    "isLetSync": (
        "application/json",
        b'{"is_sync_allowed":false,"reason":"' + access.WRONG_KEY.encode() + b'"}',
    ),
    "getProductWooIdsToDeleteInStore": ("application/json", b"[]"),
    **{
        name: ("application/json", b'{"queryResultCode":-200}')
        for name in CATALOG_GETS
        if name != "getProductWooIdsToDeleteInStore"
    },
    **{name: ("text/plain; charset=utf-8", b"-200") for name in POSTS},
}


def call(plugin: Plugin, endpoint: str, **options):
    if endpoint in POSTS:
        ids = [5] if endpoint == "deleteWooIdsFromProducts" else [{"id": 5, "crm_id": 1}]
        return plugin.post(endpoint, ids, **options)
    return plugin.get(endpoint, **options, **PARAMS)


def nothing_written(store: Store) -> None:
    assert not SyncState.objects.filter(store=store).exists()
    assert not CallJournal.objects.filter(store=store).exists()


UNKNOWN_KEY = str(uuid.uuid4())
MALFORMED_KEYS = ["", "1", "x" * 36, UNKNOWN_KEY + "0", "é" * 36, UNKNOWN_KEY.replace("-", "/")]


@pytest.mark.parametrize("endpoint", GETS + POSTS)
def test_a_wrong_key_gets_minus_200_in_the_replys_own_shape(plugin, store, shop, endpoint):
    response = call(plugin, endpoint, key=UNKNOWN_KEY)

    content_type, body = WRONG_KEY_REPLIES[endpoint]
    assert (response.status_code, response["Content-Type"], response.content) == (
        200,
        content_type,
        body,
    )
    nothing_written(store)


@pytest.mark.parametrize("bad_key", MALFORMED_KEYS)
def test_malformed_keys_are_wrong_keys(plugin, store, shop, bad_key):
    assert call(plugin, "syncProductsToStore", key=bad_key).content == b'{"queryResultCode":-200}'
    assert call(plugin, "syncProductsIds", key=bad_key).content == b"-200"
    nothing_written(store)


def test_a_key_that_is_not_a_string_is_a_wrong_key(plugin, store, shop):
    for key in (None, 12345, ["k"], {"k": 1}, True):
        response = plugin.post("syncProductsIds", body=_body({"crmSecretKey": key, "idsSet": []}))
        assert (response.status_code, response.content) == (200, b"-200")
    response = plugin.post("syncProductsIds", body=b'{"idsSet": []}')
    assert response.content == b"-200"
    nothing_written(store)


def test_no_key_parameter_is_a_wrong_key(plugin, store):
    response = plugin.client.get(
        "/api/public/woo_v3/DokioCrmConnectionTest", REMOTE_ADDR=STORE_ADDRESS
    )
    assert response.content == b"-200"


@pytest.mark.parametrize("endpoint", GETS + POSTS)
def test_a_deleted_stores_key_is_a_wrong_key(plugin, store, shop, endpoint):
    Store.objects.filter(pk=store.pk).update(is_deleted=True)

    deleted = call(plugin, endpoint)

    unknown = call(plugin, endpoint, key=UNKNOWN_KEY)
    assert (deleted.status_code, deleted.content) == (unknown.status_code, unknown.content)
    nothing_written(store)


def test_a_replaced_key_stops_working(plugin, store, owner):
    from backroom.stores.services import regenerate_key

    new_key = regenerate_key(user=owner, store_id=store.pk)

    assert plugin.get("DokioCrmConnectionTest").content == b"-200"
    assert Plugin(new_key).get("DokioCrmConnectionTest").content == b"1"


def test_keys_are_not_case_sensitive(plugin, key):
    assert plugin.get("DokioCrmConnectionTest", key=key.upper()).content == b"1"


@pytest.mark.parametrize("endpoint", GETS + POSTS)
def test_a_wrong_address_is_named_and_nothing_is_read_or_written(plugin, store, shop, endpoint):
    response = call(plugin, endpoint, address="198.51.100.7")

    assert response.status_code == 403
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == access.ADDRESS_NOT_ALLOWED.format(address="198.51.100.7")
    assert STORE_ADDRESS not in response.content.decode()
    assert "2001:db8" not in response.content.decode()
    assert not SyncState.objects.filter(store=store).exists()
    journal_row = CallJournal.objects.get(store=store)
    assert (journal_row.endpoint, journal_row.calls, journal_row.failures) == (endpoint, 1, 1)


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(plugin):
    response = plugin.client.get(
        "/api/public/woo_v3/DokioCrmConnectionTest",
        {"key": plugin.key},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR=STORE_ADDRESS,
    )

    assert response.status_code == 403
    assert "198.51.100.7" in response.content.decode()


def test_x_forwarded_for_is_read_behind_a_trusted_proxy(plugin, settings):
    settings.BACKROOM_TRUSTED_PROXIES = ["10.0.0.1"]

    response = plugin.client.get(
        "/api/public/woo_v3/DokioCrmConnectionTest",
        {"key": plugin.key},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"198.51.100.7, {STORE_ADDRESS}",
    )
    spoofed = plugin.client.get(
        "/api/public/woo_v3/DokioCrmConnectionTest",
        {"key": plugin.key},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{STORE_ADDRESS}, 198.51.100.7",
    )

    assert (response.status_code, response.content) == (200, b"1")
    assert spoofed.status_code == 403
    assert "198.51.100.7" in spoofed.content.decode()


def test_ipv6_callers(plugin, store):
    assert plugin.get("DokioCrmConnectionTest", address="2001:db8::7").content == b"1"

    refused = plugin.get("DokioCrmConnectionTest", address="::1")

    assert refused.status_code == 403
    assert refused.content.decode() == access.ADDRESS_NOT_ALLOWED.format(address="::1")
    Store.objects.filter(pk=store.pk).update(allowed_addresses=["::1"])
    assert plugin.get("DokioCrmConnectionTest", address="::1").content == b"1"


def test_an_ipv4_mapped_caller_is_its_ipv4_address(plugin):
    assert plugin.get("DokioCrmConnectionTest", address=f"::ffff:{STORE_ADDRESS}").content == b"1"


@pytest.mark.parametrize("peer", ["", "unix:/run/gunicorn.sock", "fe80::1%eth0"])
def test_a_caller_without_a_readable_address_is_refused(plugin, peer):
    response = plugin.get("DokioCrmConnectionTest", address=peer or " ")

    assert (response.status_code, response.content.decode()) == (403, access.ADDRESS_UNKNOWN)


def test_an_empty_allow_list_allows_nobody(plugin, store):
    Store.objects.filter(pk=store.pk).update(allowed_addresses=[])

    assert plugin.get("DokioCrmConnectionTest").status_code == 403


# -- the sync switches on catalog calls ----------------------------------------------------------


@pytest.mark.parametrize("endpoint", CATALOG_GETS + POSTS)
def test_a_switched_off_connection_reads_and_writes_nothing(plugin, store, shop, endpoint):
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)

    response = call(plugin, endpoint)

    assert (response.status_code, response.content.decode()) == (403, access.CONNECTION_OFF)
    assert not SyncState.objects.filter(store=store).exists()


def test_a_switched_off_connection_still_passes_the_connection_test(plugin, store):
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)

    assert plugin.get("DokioCrmConnectionTest").content == b"1"
    assert_json(
        body_json(plugin.get("isLetSync", plugin_version="1.3.0")),
        {"is_sync_allowed": False, "reason": access.CONNECTION_OFF},
    )


def test_sync_switched_off_everywhere_refuses_catalog_calls(plugin, store, shop, settings):
    settings.BACKROOM_STORE_SYNC_ENABLED = False

    response = plugin.get("countProductsToStoreSync")

    assert (response.status_code, response.content.decode()) == (403, access.SYNC_OFF_EVERYWHERE)


# -- rate limit ----------------------------------------------------------------------------------


@pytest.fixture
def limit_of_3(settings):
    settings.BACKROOM_STORE_API_FAILURES_PER_MINUTE = 3


@pytest.fixture
def frozen(monkeypatch):
    """The journal's clock, at 12:00:15 and movable."""
    now = {"at": timezone.now().replace(hour=12, minute=0, second=15, microsecond=0)}
    monkeypatch.setattr(journal, "_now", lambda: now["at"])
    return now


def test_failed_attempts_lock_the_source_out_until_the_minute_ends(
    plugin, limit_of_3, frozen, store
):
    for _ in range(3):
        assert plugin.get("DokioCrmConnectionTest", key=UNKNOWN_KEY).content == b"-200"

    locked = plugin.get("DokioCrmConnectionTest")  # even with the right key

    assert locked.status_code == 429
    assert locked["Retry-After"] == "45"
    assert locked.content.decode() == (
        "Too many failed attempts from this address: try again in 45 seconds."
    )
    assert plugin.post("syncProductsIds", body=b"not even JSON").status_code == 429
    assert plugin.get("DokioCrmConnectionTest", address="2001:db8::1").content == b"1"
    assert list(AuthFailure.objects.values_list("source", "count")) == [(STORE_ADDRESS, 3)]
    frozen["at"] += timedelta(seconds=45)
    assert plugin.get("DokioCrmConnectionTest").content == b"1"


def test_wrong_addresses_count_as_failures(plugin, limit_of_3, frozen):
    for _ in range(3):
        assert plugin.get("DokioCrmConnectionTest", address="198.51.100.7").status_code == 403

    assert plugin.get("DokioCrmConnectionTest", address="198.51.100.7").status_code == 429


def test_an_ipv6_source_is_counted_by_its_slash_64(plugin, limit_of_3, frozen, store):
    Store.objects.filter(pk=store.pk).update(allowed_addresses=["2001:db8::/32"])
    for host in ("2001:db8:0:1::1", "2001:db8:0:1::2", "2001:db8:0:1:ffff::3"):
        plugin.get("DokioCrmConnectionTest", key=UNKNOWN_KEY, address=host)

    assert plugin.get("DokioCrmConnectionTest", address="2001:db8:0:1::99").status_code == 429
    assert plugin.get("DokioCrmConnectionTest", address="2001:db8:0:2::1").content == b"1"


def test_successful_calls_do_not_count(plugin, limit_of_3, frozen):
    for _ in range(10):
        assert plugin.get("DokioCrmConnectionTest").content == b"1"

    assert not AuthFailure.objects.exists()


def test_no_limit_when_set_to_0(plugin, settings, frozen):
    settings.BACKROOM_STORE_API_FAILURES_PER_MINUTE = 0
    for _ in range(30):
        plugin.get("DokioCrmConnectionTest", key=UNKNOWN_KEY)

    assert plugin.get("DokioCrmConnectionTest").content == b"1"


def test_old_minutes_are_deleted_when_a_new_one_starts(plugin, frozen):
    plugin.get("DokioCrmConnectionTest", key=UNKNOWN_KEY)
    plugin.get("DokioCrmConnectionTest", key=UNKNOWN_KEY, address="198.51.100.9")
    frozen["at"] += timedelta(minutes=3)

    plugin.get("DokioCrmConnectionTest", key=UNKNOWN_KEY)

    assert list(AuthFailure.objects.values_list("source", "minute", "count")) == [
        (STORE_ADDRESS, frozen["at"].replace(second=0), 1)
    ]


def _body(payload) -> bytes:
    import json

    return json.dumps(payload).encode()
