"""Fixtures of the end-to-end store API tests: the demo plus WooCommerce's sample catalog,
served over real HTTP, and the plugin stand-in pointed at it.

The prepared data (`backroom demo --json`, then `backroom import_products` of
../shared/data/woocommerce-sample-products.csv into the demo company, linked to the EN store,
plus a little stock) is made once per session; each test gets its own copy and its own server.
On PostgreSQL (DATABASE_URL) the server gets databases of its own beside pytest-django's,
dropped afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.storeapi.e2e.server import Postgres, Site
from tests.storeapi.fake_woo import FakeWoo
from tests.storeapi.plugin_client import DokioStorePlugin

SAMPLE_CSV = SHARED_DATA / "woocommerce-sample-products.csv"
SAMPLE_STOCK = [
    # (SKU, department, on-hand): the store shows the sum over both departments, rounded down.
    ("woo-hoodie-red", "Warehouse", "3.7"),
    ("woo-hoodie-red", "Shop floor", "2"),
    ("woo-beanie", "Warehouse", "12.999"),
]
_numbers = itertools.count(1)


def database_name(label: str) -> str:
    return f"br_plugin_e2e_{os.getpid()}_{label}"


@pytest.fixture(scope="session")
def prepared_site(tmp_path_factory) -> Iterator[Site]:
    if not SAMPLE_CSV.is_file():
        pytest.skip("../shared/data is not beside the project")
    postgres = Postgres.of_test_connection()
    site = Site(
        data_dir=tmp_path_factory.mktemp("e2e-prepared") / "data",
        postgres=postgres,
        database=database_name("prepared") if postgres else None,
    )
    site.data_dir.mkdir()
    if postgres is not None:
        postgres.drop(site.database)
        postgres.create(site.database)
    try:
        demo = json.loads(site.run("demo", "--json"))
        (site.data_dir / "demo.json").write_text(json.dumps(demo))
        english = _store(demo, "EN")
        site.run(
            "import_products",
            str(SAMPLE_CSV),
            "--company",
            str(demo["company_id"]),
            "--regular-price-type",
            str(demo["price_types"]["Retail"]),
            "--sale-price-type",
            str(demo["price_types"]["Sale"]),
            "--department",
            str(demo["departments"]["Warehouse"]),
            "--store",
            str(english["id"]),
        )
        for sku, department, quantity in SAMPLE_STOCK:
            site.action("set_stock", sku=sku, department=department, quantity=quantity)
        yield site
    finally:
        site.drop()


def _store(demo: dict, language: str) -> dict:
    (store,) = [store for store in demo["stores"] if store["language"] == language]
    return store


@dataclass
class Shop:
    """A served Backroom with the prepared data: its address, the demo's JSON and the site (to
    edit its data between cycles)."""

    site: Site
    base: str

    @property
    def demo(self) -> dict:
        return json.loads((self.site.data_dir / "demo.json").read_text())

    @property
    def api_address(self) -> str:
        return f"{self.base}/api/public/woo_v3"

    def store(self, language: str = "EN") -> dict:
        return _store(self.demo, language)

    def plugin(self, language: str = "EN", *, woo: FakeWoo | None = None) -> DokioStorePlugin:
        """The plugin of the demo store in `language`, with its own empty WooCommerce."""
        return DokioStorePlugin(
            api_address=self.api_address, secret_key=self.store(language)["secret_key"], woo=woo
        )


def served_copy(prepared: Site, tmp_path: Path) -> Iterator[Shop]:
    site = prepared.copy(
        tmp_path / "data", database_name(str(next(_numbers))) if prepared.postgres else None
    )
    try:
        with site.serve() as base:
            yield Shop(site=site, base=base)
    finally:
        site.drop()


@pytest.fixture
def served(prepared_site, tmp_path) -> Iterator[Shop]:
    """A fresh copy of the prepared data, served: nothing synced yet."""
    yield from served_copy(prepared_site, tmp_path)
