"""Broken and hostile files: a clear whole-file error before anything is written, or a clear
reason per row with the other rows imported; never a traceback."""

import io
import random
import time
import tracemalloc

import pytest

from backroom.catalog.errors import ImportFileError
from backroom.catalog.importers import csv_source
from backroom.catalog.importers.woocommerce_csv import RowProblem
from backroom.catalog.models import Category, Product
from tests.catalog.conftest import HEADER, csv_bytes, simple

GOOD = simple("good", "Good product", Categories="Fine")


def refused(run_import, data: bytes, reason: str) -> str:
    with pytest.raises(ImportFileError) as caught:
        run_import(data)
    assert caught.value.reason == reason
    assert not Product.objects.exists() and not Category.objects.exists()
    return str(caught.value)


# -- the file as a whole -----------------------------------------------------------------------


def test_semicolons_between_columns(run_import):
    data = csv_bytes([GOOD]).decode("utf-8-sig").replace(",", ";").encode()
    message = refused(run_import, data, ImportFileError.WRONG_DELIMITER)
    assert message == (
        "The columns are separated by semicolons; WooCommerce exports use commas. Export again, "
        "or save the file as CSV with commas."
    )


def test_tabs_between_columns(run_import):
    data = b"Type\tSKU\tName\r\nsimple\ta\tA\r\n"
    assert "separated by tabs" in refused(run_import, data, ImportFileError.WRONG_DELIMITER)


def test_no_header(run_import):
    data = b"44,variable,woo-vneck-tee,V-Neck T-Shirt,1\r\n45,simple,woo-cap,Cap,1\r\n"
    message = refused(run_import, data, ImportFileError.BAD_HEADER)
    assert message.startswith(
        "The first line is not the header of a WooCommerce product export: "
        "it lacks Type, SKU, Name."
    )


def test_unknown_header(run_import):
    data = b"Artikel,Bezeichnung,Preis\r\nA1,Becher,4\r\n"
    assert "it lacks Type, SKU, Name" in refused(run_import, data, ImportFileError.BAD_HEADER)


def test_a_column_twice(run_import):
    data = csv_bytes([], [*HEADER, "sku"])
    assert "column 'sku' appears twice" in refused(run_import, data, ImportFileError.BAD_HEADER)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_empty_files(run_import, data):
    refused(run_import, data, ImportFileError.EMPTY)


def test_a_header_and_no_rows(run_import):
    report = run_import(csv_bytes([]))
    assert (report.rows, report.imported, report.rejected) == (0, 0, [])


def test_utf16_and_a_header_that_is_not_utf8(run_import):
    data = csv_bytes([GOOD]).decode("utf-8-sig").encode("utf-16")
    assert "UTF-16" in refused(run_import, data, ImportFileError.NOT_UTF8)
    latin = "Type,SKU,Name,Größe\r\n".encode("latin-1")
    message = refused(run_import, latin, ImportFileError.NOT_UTF8)
    assert message == (
        "The header line is not UTF-8: byte 0xF6 at byte offset 16 (line 1); "
        "save the file as UTF-8."
    )


def test_a_header_that_is_not_csv(run_import):
    data = b'Type,SKU,"Name' + b"n" * 140_000 + b"\r\n"
    message = refused(run_import, data, ImportFileError.BAD_HEADER)
    assert message == (
        "The header line cannot be read as CSV: field larger than field limit (131072)."
    )


def test_too_many_rows(run_import, monkeypatch):
    monkeypatch.setattr(csv_source, "MAX_DATA_ROWS", 3)
    monkeypatch.setattr("backroom.catalog.importers.woocommerce_csv.MAX_DATA_ROWS", 3)
    data = csv_bytes([simple(f"p{n}") for n in range(4)])
    message = refused(run_import, data, ImportFileError.TOO_MANY_ROWS)
    assert message == "The file has more than 3 rows; split it into smaller files."


def test_too_large(run_import, monkeypatch):
    monkeypatch.setattr(csv_source, "MAX_FILE_BYTES", 1000)
    message = refused(run_import, csv_bytes([GOOD] * 20), ImportFileError.TOO_LARGE)
    assert "the limit is 0.0 MB" in message


def test_too_large_from_a_stream_that_cannot_seek(company, retail, monkeypatch):
    from backroom.catalog.importers.woocommerce_csv import import_woocommerce_csv

    monkeypatch.setattr(csv_source, "MAX_FILE_BYTES", 1000)
    stream = Unseekable(csv_bytes([GOOD] * 20))
    with pytest.raises(ImportFileError) as caught:
        import_woocommerce_csv(company=company, source=stream, regular_price_type=retail)
    assert caught.value.reason == ImportFileError.TOO_LARGE


def test_a_line_without_end(run_import, monkeypatch):
    monkeypatch.setattr(csv_source, "MAX_LINE_BYTES", 2000)
    data = csv_bytes([GOOD, simple("long", Description="x" * 3000)])
    message = refused(run_import, data, ImportFileError.LINE_TOO_LONG)
    assert message.startswith("Line 3 is longer than")


class Unseekable(io.RawIOBase):
    """A pipe: read once, no seeking."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_stream_that_cannot_seek_is_read_twice_through_a_spool(company, retail):
    from backroom.catalog.importers.woocommerce_csv import import_woocommerce_csv

    report = import_woocommerce_csv(
        company=company, source=Unseekable(csv_bytes([GOOD])), regular_price_type=retail
    )
    assert report.imported == 1


# -- single rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12,5", "Regular price: '12,5' is not a number: write decimals with a dot, as in 12.5"),
        ("1,234.50", "Regular price: '1,234.50' is not a number"),
        ("abc", "Regular price: 'abc' is not a number"),
        ("-3", "Regular price: '-3' is negative"),
        ("'-3", "Regular price: '-3' is negative"),
        ("NaN", "Regular price: 'NaN' is not a number"),
        ("Infinity", "Regular price: 'Infinity' is not a number"),
        ("1e400", "Regular price: '1e400' is not a number"),
        ("12.345", "Regular price: '12.345' has more than 2 decimal places"),
        ("1000000000000", "Regular price: '1000000000000' is too large"),
        ("٣", "Regular price: '٣' is not a number"),
        ("9" * 60, f"Regular price: '{'9' * 40}...' is too long to be a number"),
    ],
)
def test_bad_prices(run_import, value, reason):
    report = run_import(csv_bytes([simple("bad", **{"Regular price": value}), GOOD]))
    assert report.rejected == [RowProblem(2, "bad", reason)]
    assert list(Product.objects.values_list("sku", flat=True)) == ["good"]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Stock": "1.2345"}, "Stock: '1.2345' has more than 3 decimal places"),
        ({"Stock": "-x"}, "Stock: '-x' is not a number"),
        ({"Stock": "-"}, "Stock: '-' is not a number"),
        ({"Position": "1.5"}, "Position: '1.5' is not a whole number"),
        ({"Position": "99999999999"}, "Position: '99999999999' is out of range"),
        ({"In stock?": "maybe"}, "In stock?: 'maybe' is not 1 or 0"),
        ({"Published": "2"}, "Published: '2' is not 1, 0 or -1"),
        ({"Type": "subscription"}, "Type: 'subscription' is not a WooCommerce product type"),
        ({"Type": "simple, variable"}, "Type: 'simple, variable' names more than one product type"),
        ({"Categories": "A > > B"}, "Categories: 'A > > B' has an empty category name"),
        ({"Name": ""}, "Name is empty"),
        ({"Name": "n" * 501}, "Name is longer than 500 characters"),
        ({"Categories": "c" * 251}, "Categories: a name is longer than 250 characters"),
        (
            {"Attribute 1 name": "Color", "Attribute 1 visible": "yes please"},
            "Attribute 1 visible: 'yes please' is not 1 or 0",
        ),
        ({"Images": "ftp:/broken"}, "images: ftp:/broken: Enter a valid URL."),
        ({"Images": "javascript:alert(1)"}, "images: javascript:alert(1): Enter a valid URL."),
        ({"Name": "nul \x00 inside"}, "contains a NUL byte"),
    ],
)
def test_bad_cells(run_import, cells, reason):
    report = run_import(csv_bytes([simple("bad", **cells), GOOD]))
    assert report.rejected == [RowProblem(2, "bad", reason)]
    assert list(Product.objects.values_list("sku", flat=True)) == ["good"]


def test_a_known_product_cannot_lose_its_name(run_import):
    run_import(csv_bytes([GOOD]))
    report = run_import(csv_bytes([{**GOOD, "Name": " "}]))
    assert report.rejected == [RowProblem(2, "good", "Name is empty")]
    assert Product.objects.get().name == "Good product"


def test_a_sku_longer_than_the_database_keeps(run_import):
    report = run_import(csv_bytes([simple("s" * 101), GOOD]))
    assert report.rejected == [RowProblem(2, "s" * 100, "SKU is longer than 100 characters")]


def test_duplicate_skus_and_ids(run_import):
    rows = [simple("dup", "First", ID="7"), GOOD, simple("dup", "Second"), simple("other", ID="7")]
    report = run_import(csv_bytes(rows))
    assert report.rejected == [
        RowProblem(4, "dup", "the same SKU or ID is on row 2; each product may appear once"),
        RowProblem(5, "other", "the same SKU or ID is on row 2; each product may appear once"),
    ]
    assert Product.objects.get(sku="dup").name == "First"


def test_rows_with_too_many_or_too_few_cells(run_import):
    good = csv_bytes([GOOD])
    data = good + b"simple,short,Short\r\n" + b"simple,long" + b",x" * 40 + b"\r\n"
    report = run_import(data)
    assert report.rejected == [
        RowProblem(3, "Short", f"has 3 cells; the header has {len(HEADER)}"),
        RowProblem(4, "x", f"has 42 cells; the header has {len(HEADER)}"),
    ]
    assert report.imported == 1


def test_bytes_that_are_not_utf8_spoil_only_their_row(run_import):
    good = csv_bytes([GOOD, simple("next", "Next")])
    first_row_end = good.index(b"\r\n", good.index(b"\r\n") + 2) + 2
    bad_row = csv_bytes([simple("latin", "Caf\u00e9")])
    bad_row = bad_row[bad_row.index(b"\r\n") + 2 :].replace("é".encode(), b"\xe9")
    data = good[:first_row_end] + bad_row + good[first_row_end:]
    offset = data.index(b"\xe9")
    report = run_import(data)
    assert report.rejected == [
        RowProblem(
            3,
            "latin",
            f"not UTF-8: byte 0xE9 at byte offset {offset} (line 3); save the file as UTF-8",
        )
    ]
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["good", "next"]


def test_a_cell_beyond_csvs_limit_and_an_open_quote(run_import):
    header_and_good = csv_bytes([GOOD])
    huge = b"simple,huge," + b"h" * 140_000 + b"\r\n"
    tail = csv_bytes([simple("after")])
    tail = tail[tail.index(b"\r\n") + 2 :]
    report = run_import(header_and_good + huge + tail)
    assert report.rejected == [
        RowProblem(3, "", "cannot be read as CSV: field larger than field limit (131072)")
    ]
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["after", "good"]


def test_embedded_line_breaks_keep_spreadsheet_row_numbers(run_import):
    rows = [simple("a", Description="one\r\ntwo\r\nthree"), simple("b", **{"Regular price": "x"})]
    report = run_import(csv_bytes(rows))
    assert report.rejected == [RowProblem(3, "b", "Regular price: 'x' is not a number")]
    assert Product.objects.get(sku="a").description_html == "one\ntwo\nthree"


# -- junk --------------------------------------------------------------------------------------


def junk_lines(size: int, seed: int) -> bytes:
    """Printable junk with commas and quotes, in lines of about 1 KB."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ,.;'\"-=+@<>é€"
    lines, total = [], 0
    while total < size:
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(800, 1200))).encode()
        lines.append(line)
        total += len(line) + 2
    return b"\r\n".join(lines)


def test_ten_megabytes_of_junk_after_a_header(run_import):
    data = csv_bytes([]) + junk_lines(10 * 1024 * 1024, seed=1)
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = run_import(data)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.imported == 0 and report.rows == len(report.rejected) > 1000
    assert all(problem.reason for problem in report.rejected)
    assert elapsed < 30
    assert peak < 8 * 1024 * 1024  # the 10 MB file is streamed, not read whole
    assert not Product.objects.exists()


def test_ten_megabytes_of_random_bytes(run_import):
    data = random.Random(2).randbytes(10 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(ImportFileError) as caught:
        run_import(data)
    assert time.monotonic() - started < 5
    assert caught.value.reason in {ImportFileError.NOT_UTF8, ImportFileError.BAD_HEADER}
