"""The plugin's wire over real HTTP: the connection test's raw answers, a base address with a
trailing slash (the plugin then asks for `woo_v3//isLetSync`), and a wrong key, which must
leave the shop untouched."""

import pytest

from tests.storeapi.e2e.expected import DEMO_SKUS, SAMPLE_SKUS
from tests.storeapi.fake_woo import FakeWoo
from tests.storeapi.plugin_client import DokioStorePlugin

pytestmark = pytest.mark.server

WRONG_KEY = "00000000-0000-4000-8000-000000000000"


def test_the_connection_test_answers_a_bare_1_or_a_bare_minus_200(served):
    right = served.plugin("EN").connection_test()
    wrong = DokioStorePlugin(api_address=served.api_address, secret_key=WRONG_KEY).connection_test()

    assert (right.status, right.body) == (200, b"1")
    assert (wrong.status, wrong.body) == (200, b"-200")


def test_a_trailing_slash_in_the_api_address_still_syncs(served):
    # The transport pastes "<address>/<endpoint>": every call goes to .../woo_v3//<endpoint>.
    plugin = DokioStorePlugin(
        api_address=served.api_address + "/", secret_key=served.store("EN")["secret_key"]
    )

    cycle = plugin.run_catalog_cycle()

    assert (cycle.errors, cycle.violations, plugin.woo.warnings) == ([], [], [])
    assert len(plugin.woo.products) == len(DEMO_SKUS | SAMPLE_SKUS)


def test_a_wrong_key_gets_nothing_and_changes_nothing(served):
    woo = FakeWoo()
    plugin = DokioStorePlugin(api_address=served.api_address, secret_key=WRONG_KEY, woo=woo)

    cycle = plugin.run_catalog_cycle()

    assert not cycle.allowed
    assert [call.endpoint for call in cycle.exchanges] == ["isLetSync"]
    assert woo.calls == []
    # The right store is still entirely waiting: nothing was confirmed or served to the caller.
    assert served.plugin("EN").run_catalog_cycle()["products"].count == len(DEMO_SKUS | SAMPLE_SKUS)
