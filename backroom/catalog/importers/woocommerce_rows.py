"""The header and rows of WooCommerce's product CSV: which column is which, and one row read
into a ProductRow. Pure: nothing here touches the database.

Columns are found by WooCommerce's English names, in any case and order; columns that Backroom
does not carry (tax, weight, tags, downloads, meta...) are listed so the report can name them.
A column that is absent leaves the matching data alone; a column that is present but blank in a
row means "none" or the default (no sale price, no categories, in stock...), as in WooCommerce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from backroom.catalog.errors import ImportFileError
from backroom.catalog.importers.woocommerce_fields import (
    SKIPPED_TYPES,
    FieldError,
    Reference,
    clean_cell,
    decode_description,
    html_to_text,
    parse_backorders,
    parse_bool,
    parse_category_paths,
    parse_decimal,
    parse_int,
    parse_published,
    parse_reference,
    parse_references,
    parse_stock_status,
    parse_type,
    split_list,
)
from backroom.catalog.models import Attribute, Category, Product, Term
from backroom.core.numbers import (
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    QUANTITY_DECIMAL_PLACES,
    QUANTITY_MAX_DIGITS,
)

ID, TYPE, SKU, NAME = "id", "type", "sku", "name"
PUBLISHED = "published"
SHORT_DESCRIPTION, DESCRIPTION = "short description", "description"
IN_STOCK, STOCK, BACKORDERS = "in stock?", "stock", "backorders allowed?"
SOLD_INDIVIDUALLY, REVIEWS = "sold individually?", "allow customer reviews?"
PURCHASE_NOTE, POSITION = "purchase note", "position"
REGULAR_PRICE, SALE_PRICE = "regular price", "sale price"
CATEGORIES, IMAGES = "categories", "images"
PARENT, UPSELLS, CROSS_SELLS = "parent", "upsells", "cross-sells"

CARRIED = {
    ID, TYPE, SKU, NAME, PUBLISHED, SHORT_DESCRIPTION, DESCRIPTION, IN_STOCK, STOCK,
    BACKORDERS, SOLD_INDIVIDUALLY, REVIEWS, PURCHASE_NOTE, POSITION, REGULAR_PRICE, SALE_PRICE,
    CATEGORIES, IMAGES, PARENT, UPSELLS, CROSS_SELLS,
}  # fmt: skip
TEXT_COLUMNS = (NAME, SHORT_DESCRIPTION, DESCRIPTION)
"""What a file in another language than the company's carries: the texts, nothing else."""

_ATTRIBUTE_COLUMN = re.compile(r"attribute (\d{1,4}) (name|value\(s\)|visible|global|default)")
_DEFAULT_COLUMN = re.compile(r"default attribute (\d{1,4})")
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}

_SKU_LENGTH = Product._meta.get_field("sku").max_length
_NAME_LENGTH = Product._meta.get_field("name").max_length
_CATEGORY_LENGTH = Category._meta.get_field("name").max_length
_ATTRIBUTE_LENGTH = Attribute._meta.get_field("name").max_length
_TERM_LENGTH = Term._meta.get_field("name").max_length


class RowError(ValueError):
    """A row that cannot be imported; the message says why, for the report."""


@dataclass(frozen=True)
class AttributeCell:
    """`Attribute N name / value(s) / visible / default` of one row."""

    number: int
    name: str
    values: tuple[str, ...]
    visible: bool
    default: str


@dataclass
class ProductRow:
    """One data row, read. Fields are None when their column is absent from the file."""

    row: int
    sku: str
    file_id: int | None
    type: str
    fields: dict[str, object] = field(default_factory=dict)
    regular_price: Decimal | None = None
    sale_price: Decimal | None = None
    stock: Decimal | None = None
    categories: list[tuple[str, ...]] | None = None
    images: list[str] | None = None
    parent: Reference | None = None
    upsells: list[Reference] | None = None
    cross_sells: list[Reference] | None = None
    attributes: list[AttributeCell] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.type in SKIPPED_TYPES

    @property
    def keys(self) -> list[str]:
        """How other rows may name this one: "sku:..." and "id:..."."""
        return row_keys(self.sku, self.file_id)


def row_keys(sku: str, file_id: int | None) -> list[str]:
    keys = [Reference(sku=sku).key] if sku else []
    if file_id is not None:
        keys.append(Reference(file_id=file_id).key)
    return keys


class Columns:
    """The header of the file: where each carried column is, the attribute column groups, and
    the columns that are ignored. Raises ImportFileError for a header that is not WooCommerce's
    product layout."""

    def __init__(self, header: list[str], *, texts_only: bool):
        names = [cell.replace("\ufeff", "").strip() for cell in header]
        self.width = len(names)
        self._index: dict[str, int] = {}
        self.attributes: dict[int, dict[str, int]] = {}
        self.ignored: list[str] = []
        self._refuse_other_delimiter(names)
        for position, name in enumerate(names):
            key = " ".join(name.casefold().split())
            if key in self._index or not key:
                reason = (
                    f"column '{name}' appears twice"
                    if key
                    else f"column {position + 1} has no name"
                )
                raise ImportFileError(
                    ImportFileError.BAD_HEADER, f"The header is not valid: {reason}."
                )
            self._index[key] = position
            if match := _ATTRIBUTE_COLUMN.fullmatch(key):
                part = {"value(s)": "values"}.get(match.group(2), match.group(2))
                self.attributes.setdefault(int(match.group(1)), {})[part] = position
            elif match := _DEFAULT_COLUMN.fullmatch(key):
                self.attributes.setdefault(int(match.group(1)), {})["default"] = position
            elif key not in CARRIED:
                self.ignored.append(name)
        required = [SKU] if texts_only else [TYPE, SKU, NAME]
        missing = [column for column in required if column not in self._index]
        if texts_only and not any(column in self._index for column in TEXT_COLUMNS):
            missing.append("Name or Description")
        if missing:
            raise ImportFileError(
                ImportFileError.BAD_HEADER,
                "The first line is not the header of a WooCommerce product export: it lacks "
                f"{', '.join(_title(column) for column in missing)}. Export from WooCommerce "
                "(Products > Export) with English column names.",
            )

    def has(self, column: str) -> bool:
        return column in self._index

    def position(self, column: str) -> int | None:
        return self._index.get(column)

    @property
    def has_defaults(self) -> bool:
        return any("default" in group for group in self.attributes.values())

    @staticmethod
    def _refuse_other_delimiter(names: list[str]) -> None:
        if len(names) > 2:
            return
        line = ",".join(names).casefold()
        for delimiter, plural in _OTHER_DELIMITERS.items():
            cells = {cell.strip().strip('"') for cell in line.split(delimiter)}
            if {SKU, NAME} <= cells or {SKU, TYPE} <= cells:
                raise ImportFileError(
                    ImportFileError.WRONG_DELIMITER,
                    f"The columns are separated by {plural}; WooCommerce exports use commas. "
                    "Export again, or save the file as CSV with commas.",
                )

    def read(self, row: int, cells: list[str], *, texts_only: bool) -> ProductRow:
        """The row as a ProductRow; RowError (or FieldError, named by column) when a cell is
        wrong."""
        if len(cells) != self.width:
            raise RowError(f"has {len(cells)} cells; the header has {self.width}")
        if any("\x00" in cell for cell in cells):
            raise RowError("contains a NUL byte")
        reader = _RowReader(self, cells)
        product = ProductRow(
            row=row,
            sku=reader.sku(),
            file_id=reader.cell(ID, parse_int),
            type=reader.cell(TYPE, parse_type) or "simple",
        )
        if product.skipped:
            return product
        reader.texts(product)
        if texts_only:
            return product
        reader.product_fields(product)
        reader.relations(product)
        return product

    def sku_of(self, cells: list[str]) -> str:
        """The SKU cell of a row that may be malformed, for the report."""
        position = self._index[SKU]
        return clean_cell(cells[position])[:_SKU_LENGTH] if position < len(cells) else ""

    def id_of(self, cells: list[str]) -> int | None:
        position = self._index.get(ID)
        if position is None or position >= len(cells):
            return None
        try:
            return parse_int(cells[position])
        except FieldError:
            return None


class _RowReader:
    def __init__(self, columns: Columns, cells: list[str]):
        self._columns = columns
        self._cells = cells

    def raw(self, column: str) -> str | None:
        position = self._columns.position(column)
        return None if position is None else self._cells[position]

    def cell(self, column: str, parse):
        raw = self.raw(column)
        if raw is None:
            return None
        try:
            return parse(raw)
        except FieldError as error:
            raise RowError(f"{_title(column)}: {error}") from None

    def sku(self) -> str:
        sku = clean_cell(self.raw(SKU) or "")
        if len(sku) > _SKU_LENGTH:
            raise RowError(f"SKU is longer than {_SKU_LENGTH} characters")
        return sku

    def texts(self, product: ProductRow) -> None:
        fields = product.fields
        if (name := self.raw(NAME)) is not None:
            fields["name"] = clean_cell(name)
            if len(fields["name"]) > _NAME_LENGTH:
                raise RowError(f"Name is longer than {_NAME_LENGTH} characters")
        for column, prefix in (
            (DESCRIPTION, "description"),
            (SHORT_DESCRIPTION, "short_description"),
        ):
            if (raw := self.raw(column)) is not None:
                text = decode_description(clean_cell(raw))
                fields[f"{prefix}_html"] = text
                fields[prefix] = html_to_text(text)
                fields[f"{prefix}_format"] = Product.TextFormat.HTML

    def product_fields(self, product: ProductRow) -> None:
        fields = product.fields
        for column, name, parse, default in (
            (PUBLISHED, "published", parse_published, True),
            (IN_STOCK, "stock_status", parse_stock_status, Product.StockStatus.IN_STOCK),
            (BACKORDERS, "backorders", parse_backorders, Product.Backorders.NO),
            (SOLD_INDIVIDUALLY, "sold_individually", parse_bool, False),
            (REVIEWS, "reviews_allowed", parse_bool, True),
            (POSITION, "menu_order", parse_int, 0),
        ):
            if self._columns.has(column):
                value = self.cell(column, parse)
                fields[name] = default if value is None else value
        if (note := self.raw(PURCHASE_NOTE)) is not None:
            fields["purchase_note"] = clean_cell(note)
        money = {"places": MONEY_DECIMAL_PLACES, "max_digits": MONEY_MAX_DIGITS}
        product.regular_price = self.cell(REGULAR_PRICE, lambda raw: parse_decimal(raw, **money))
        product.sale_price = self.cell(SALE_PRICE, lambda raw: parse_decimal(raw, **money))
        if self._columns.has(STOCK):
            product.stock = self.stock(product)
            fields["manage_stock"] = product.stock is not None

    def stock(self, product: ProductRow) -> Decimal | None:
        """Stock on hand; a negative figure (WooCommerce's count of back-ordered units) is taken
        as zero on hand, with a warning: backorders are orders, not stock."""
        raw = clean_cell(self.raw(STOCK) or "")
        negative = raw.startswith("-")
        try:
            value = parse_decimal(
                raw[1:] if negative else raw,
                places=QUANTITY_DECIMAL_PLACES,
                max_digits=QUANTITY_MAX_DIGITS,
            )
        except FieldError as error:
            raise RowError(f"Stock: {error}".replace(f"'{raw[1:]}'", f"'{raw}'")) from None
        if negative and value is None:
            raise RowError("Stock: '-' is not a number")
        if negative and value:
            product.warnings.append(f"Stock {raw} is below zero: on-hand is set to 0")
            return Decimal(0)
        return value

    def relations(self, product: ProductRow) -> None:
        categories = self.cell(CATEGORIES, parse_category_paths)
        if categories is not None:
            for path in categories:
                for name in path:
                    if len(name) > _CATEGORY_LENGTH:
                        raise RowError(
                            f"Categories: a name is longer than {_CATEGORY_LENGTH} characters"
                        )
            product.categories = categories
        product.images = self.cell(IMAGES, split_list)
        product.parent = self.cell(PARENT, parse_reference)
        product.upsells = self.cell(UPSELLS, parse_references)
        product.cross_sells = self.cell(CROSS_SELLS, parse_references)
        if self._columns.attributes:
            product.attributes = self.attribute_cells()

    def attribute_cells(self) -> list[AttributeCell]:
        cells: list[AttributeCell] = []
        seen: set[str] = set()
        for number, group in sorted(self._columns.attributes.items()):
            label = f"Attribute {number}"
            name = clean_cell(self._cells[group["name"]]) if "name" in group else ""
            if not name:
                continue
            if name.casefold() in seen:
                raise RowError(f"{label} name: '{name[:80]}' is given twice")
            seen.add(name.casefold())
            if len(name) > _ATTRIBUTE_LENGTH:
                raise RowError(f"{label} name is longer than {_ATTRIBUTE_LENGTH} characters")
            values = (
                tuple(dict.fromkeys(split_list(self._cells[group["values"]])))
                if "values" in group
                else ()
            )
            if any(len(value) > _TERM_LENGTH for value in values):
                raise RowError(
                    f"{label} value(s): a value is longer than {_TERM_LENGTH} characters"
                )
            visible = True
            if "visible" in group:
                try:
                    visible = parse_bool(self._cells[group["visible"]]) is not False
                except FieldError as error:
                    raise RowError(f"{label} visible: {error}") from None
            default = clean_cell(self._cells[group["default"]]) if "default" in group else ""
            cells.append(AttributeCell(number, name, values, visible, default))
        return cells


def _title(column: str) -> str:
    """A column's name as WooCommerce writes it."""
    special = {ID: "ID", SKU: "SKU", CROSS_SELLS: "Cross-sells"}
    return special.get(column, column[:1].upper() + column[1:])
