"""Fixtures for catalog tests: running the WooCommerce import on bytes written in the test."""

import csv
import io
from pathlib import Path

import pytest

from backroom.catalog.importers.woocommerce_csv import ImportReport, import_woocommerce_csv

HEADER = [
    "ID",
    "Type",
    "SKU",
    "Name",
    "Published",
    "Short description",
    "Description",
    "In stock?",
    "Stock",
    "Backorders allowed?",
    "Sold individually?",
    "Allow customer reviews?",
    "Purchase note",
    "Sale price",
    "Regular price",
    "Categories",
    "Images",
    "Parent",
    "Upsells",
    "Cross-sells",
    "Position",
    "Attribute 1 name",
    "Attribute 1 value(s)",
    "Attribute 1 visible",
    "Attribute 1 global",
    "Attribute 2 name",
    "Attribute 2 value(s)",
    "Attribute 2 visible",
    "Attribute 2 global",
]


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    """A CSV file as WooCommerce writes it (BOM, CRLF, commas); cells not given are blank."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        unknown = set(row) - set(header)
        assert not unknown, f"not in the header: {unknown}"
        writer.writerow([row.get(column, "") for column in header])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def simple(sku: str, name: str | None = None, **cells: str) -> dict[str, str]:
    """A simple product row: published, in stock, with a regular price of 10 unless given."""
    return {
        "Type": "simple",
        "SKU": sku,
        "Name": name or f"Product {sku}",
        "Published": "1",
        "In stock?": "1",
        "Regular price": "10",
        **cells,
    }


@pytest.fixture
def run_import(company, retail, sale, warehouse):
    """Import bytes (or a file) into `company` with Retail/Sale prices and Warehouse stock;
    keyword arguments override those."""

    def run(data: bytes | Path, **options) -> ImportReport:
        source = data if isinstance(data, Path) else io.BytesIO(data)
        arguments = {
            "company": company,
            "regular_price_type": retail,
            "sale_price_type": sale,
            "department": warehouse,
            **options,
        }
        return import_woocommerce_csv(source=source, **arguments)

    return run
