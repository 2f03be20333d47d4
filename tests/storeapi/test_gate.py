"""isLetSync: the plugin's gate, `{"is_sync_allowed": bool, "reason": str}`, and its rules in
stores.access: the installation's switch, the connection's switch, the plugin's version, the
account's number of connections."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from backroom.stores import access
from backroom.stores.models import Store
from tests.storeapi.conftest import assert_json, body_json


def gate(plugin, version="1.3.0-1") -> dict:
    params = {} if version is None else {"plugin_version": version}
    return body_json(plugin.get("isLetSync", **params))


def refused(reason: str) -> dict:
    return {"is_sync_allowed": False, "reason": reason}


ALLOWED = {"is_sync_allowed": True, "reason": "Synchronization allowed"}


@pytest.mark.parametrize("version", ["1.3.0-1", "1.3.0", "1.3.1", "1.10.0", "2.0.0", " 1.3.0 "])
def test_versions_from_the_minimum_on_are_allowed(plugin, version):
    assert_json(gate(plugin, version), ALLOWED)


@pytest.mark.parametrize("version", ["1.2.9", "1.2.9-7", "0.9.99", "1.2.10"])
def test_older_versions_are_refused_with_both_versions_named(plugin, version):
    assert_json(
        gate(plugin, version),
        refused(
            "Plugin version is too old. Plugin version is "
            f"{version}, but oldest allowed version is 1.3.0. Update the DokioStore plugin."
        ),
    )


@pytest.mark.parametrize("version", [None, "", "   "])
def test_no_version_is_refused_with_the_folder_hint(plugin, version):
    """The plugin sends an empty version when its folder is not named dokio-store."""
    assert_json(gate(plugin, version), refused(access.PLUGIN_VERSION_MISSING))


@pytest.mark.parametrize(
    ("version", "shown"),
    [
        ("abc", "abc"),
        ("1.3", "1.3"),
        ("1.3.0.1", "1.3.0.1"),
        ("v1.3.0", "v1.3.0"),
        ("1.3.x", "1.3.x"),
        ("١.٣.٠", "١.٣.٠"),  # Arabic-Indic digits are not version digits
        ("1.3.0\x00", "1.3.0?"),
        ("9" * 80, "9" * 39 + "…"),
        ("-1.3.0", "-1.3.0"),
    ],
)
def test_unreadable_versions_are_refused_and_quoted_safely(plugin, version, shown):
    assert_json(
        gate(plugin, version),
        refused(access.PLUGIN_VERSION_UNREADABLE.format(version=shown, minimum="1.3.0")),
    )


def test_the_minimum_is_a_setting(plugin, settings):
    settings.BACKROOM_PLUGIN_MIN_VERSION = "1.4.0"

    assert gate(plugin, "1.3.0-1")["is_sync_allowed"] is False
    assert gate(plugin, "1.4.0")["is_sync_allowed"] is True


@pytest.mark.parametrize("minimum", ["", "1.3", "latest", "1.3.0-1"])
def test_an_unreadable_minimum_is_a_configuration_error(store, settings, minimum):
    settings.BACKROOM_PLUGIN_MIN_VERSION = minimum

    with pytest.raises(ImproperlyConfigured, match="BACKROOM_PLUGIN_MIN_VERSION"):
        access.sync_refusal(store=store, plugin_version="1.3.0")


def test_sync_switched_off_everywhere_comes_first(plugin, store, settings):
    settings.BACKROOM_STORE_SYNC_ENABLED = False
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)

    assert_json(gate(plugin, "0.1.0"), refused(access.SYNC_OFF_EVERYWHERE))


def test_a_switched_off_connection_comes_before_the_version(plugin, store):
    Store.objects.filter(pk=store.pk).update(is_let_sync=False)

    assert_json(gate(plugin, "0.1.0"), refused(access.CONNECTION_OFF))


def test_an_account_over_its_limit_is_refused(plugin, account, settings):
    account.max_stores = 0
    account.save()

    assert_json(gate(plugin), refused(access.TOO_MANY_CONNECTIONS.format(limit=0)))
    settings.BACKROOM_MAX_STORES_PER_ACCOUNT = 0
    account.max_stores = None
    account.save()
    assert_json(gate(plugin), refused(access.TOO_MANY_CONNECTIONS.format(limit=0)))


def test_an_account_at_its_limit_syncs(plugin, account):
    account.max_stores = 1
    account.save()

    assert_json(gate(plugin), ALLOWED)


def test_the_reasons_speak_to_a_shop_owner():
    """No reason leaks a code or an exception; each says what to do."""
    for reason in (
        access.SYNC_OFF_EVERYWHERE,
        access.CONNECTION_OFF,
        access.PLUGIN_VERSION_MISSING,
        access.WRONG_KEY,
    ):
        assert "Exception" not in reason and "-200" not in reason
    assert "Connection allowed" in access.CONNECTION_OFF
    assert "dokio-store" in access.PLUGIN_VERSION_MISSING


@given(st.text(max_size=60))
def test_parse_plugin_version_never_fails(text):
    parsed = access.parse_plugin_version(text)

    assert parsed is None or (len(parsed) == 3 and all(isinstance(part, int) for part in parsed))


@given(
    st.tuples(*[st.integers(min_value=0, max_value=999_999)] * 3),
    st.text(alphabet="0123456789abc-", max_size=8),
)
def test_parse_plugin_version_reads_major_minor_patch_and_drops_the_build(parts, build):
    text = ".".join(str(part) for part in parts)

    assert access.parse_plugin_version(text) == parts
    assert access.parse_plugin_version(f"{text}-{build}") == parts


@pytest.mark.parametrize("value", [None, 130, 1.3, b"1.3.0", ["1.3.0"]])
def test_parse_plugin_version_refuses_what_is_not_text(value):
    assert access.parse_plugin_version(value) is None
