"""Reading a CSV file as records, streamed, within fixed limits, as many times as needed.

The file is read line by line in bytes and decoded per line, so memory stays bounded by the
longest line whatever the file size, and a byte that is not UTF-8 spoils only the record it is
in: that record comes back with a `problem` naming the byte and its offset, the others are
read normally. A record is numbered as a spreadsheet numbers rows (the header is row 1), which
is not the line number when quoted cells hold line breaks.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from backroom.catalog.errors import ImportFileError

MAX_FILE_BYTES = 100 * 1024 * 1024
"""Larger files are refused before anything is read: split the export (WooCommerce can export
by category) or raise the limit on purpose."""

MAX_DATA_ROWS = 100_000
MAX_LINE_BYTES = 4 * 1024 * 1024
"""A physical line longer than this is not a product export (csv's own limit is 131072
characters per cell); it is refused as a whole, before anything is written."""

_SPOOL_IN_MEMORY = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Record:
    row: int
    cells: list[str]
    problem: str = ""


class CsvSource:
    """A CSV file (a path or a binary stream) that can be read several times.

    A stream that cannot seek is first copied into a temporary file (kept in memory up to 1 MiB),
    refusing more than MAX_FILE_BYTES."""

    def __init__(self, source: BinaryIO | Path):
        self._path: Path | None = None
        self._stream: BinaryIO | None = None
        self._start = 0
        if isinstance(source, (str, Path)):
            self._path = Path(source)
            size = self._path.stat().st_size
        elif source.seekable():
            self._stream = source
            self._start = source.tell()
            size = source.seek(0, 2) - self._start
            source.seek(self._start)
        else:
            self._stream = _spool(source)
            size = self._stream.seek(0, 2)
            self._stream.seek(0)
        if size > MAX_FILE_BYTES:
            raise ImportFileError(
                ImportFileError.TOO_LARGE,
                f"The file is {_megabytes(size)}; the limit is {_megabytes(MAX_FILE_BYTES)}. "
                "Split it into smaller files (WooCommerce can export by category).",
            )
        if size == 0:
            raise ImportFileError(ImportFileError.EMPTY, "The file is empty.")

    @contextmanager
    def _open(self) -> Iterator[BinaryIO]:
        if self._path is not None:
            with self._path.open("rb") as handle:
                yield handle
        else:
            assert self._stream is not None
            self._stream.seek(self._start)
            yield self._stream

    def records(self) -> Iterator[Record]:
        """Every record of the file, the header first (row 1). Blank lines come back as records
        without cells, since a spreadsheet shows them as rows."""
        with self._open() as handle:
            lines = _DecodedLines(handle)
            reader = csv.reader(lines, strict=False)
            row = 0
            while True:
                try:
                    cells = next(reader)
                    problem = ""
                except StopIteration:
                    return
                except csv.Error as error:
                    cells, problem = [], f"cannot be read as CSV: {error}"
                row += 1
                problem = lines.take_problem() or problem
                yield Record(row=row, cells=cells, problem=problem)


class _DecodedLines:
    """Lines of a binary file as text; a line that is not UTF-8 is decoded with replacement
    characters and remembered, so the record containing it can be refused."""

    def __init__(self, handle: BinaryIO):
        self._handle = handle
        self._offset = 0
        self.count = 0
        self._problem = ""

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self._handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            raise StopIteration
        self.count += 1
        if len(raw) > MAX_LINE_BYTES:
            raise ImportFileError(
                ImportFileError.LINE_TOO_LONG,
                f"Line {self.count} is longer than {_megabytes(MAX_LINE_BYTES)} without a line "
                "break: this is not a WooCommerce product export.",
            )
        start = self._offset
        self._offset += len(raw)
        if self.count == 1:
            self._refuse_utf16(raw)
            if raw.startswith(_BOM):
                raw, start = raw[len(_BOM) :], start + len(_BOM)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            if not self._problem:
                self._problem = (
                    f"not UTF-8: byte 0x{raw[error.start]:02X} at byte offset "
                    f"{start + error.start} (line {self.count}); save the file as UTF-8"
                )
            return raw.decode("utf-8", errors="replace")

    @staticmethod
    def _refuse_utf16(raw: bytes) -> None:
        if raw.startswith(_UTF16_BOMS):
            raise ImportFileError(
                ImportFileError.NOT_UTF8,
                "The file is UTF-16 text; save it as CSV in UTF-8, as WooCommerce exports it.",
            )

    def take_problem(self) -> str:
        """The first decoding problem in the lines read since the last call (the lines of the
        record just read), then forget it."""
        problem, self._problem = self._problem, ""
        return problem


def _spool(stream: BinaryIO) -> BinaryIO:
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
    copied = 0
    while chunk := stream.read(64 * 1024):
        copied += len(chunk)
        if copied > MAX_FILE_BYTES:
            spool.close()
            raise ImportFileError(
                ImportFileError.TOO_LARGE,
                f"The file is larger than {_megabytes(MAX_FILE_BYTES)}; split it into smaller "
                "files.",
            )
        spool.write(chunk)
    spool.seek(0)
    return spool


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
