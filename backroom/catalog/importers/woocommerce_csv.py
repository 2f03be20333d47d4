"""Import of a catalog in the layout of WooCommerce's product CSV exporter.

What the file means to Backroom:

- Rows of type simple, variable and variation become products; grouped and external rows are
  reported as skipped (Backroom does not carry those types), never dropped silently. A type
  list such as "simple, downloadable, virtual" is a simple product.
- Products are recognised by SKU (exactly as written); categories by their path from the top
  ("Clothing > Tshirts"), attributes by name, terms by name within their attribute (names in
  any case, as WooCommerce does). So importing the same file twice changes nothing the second
  time, and the report counts everything as unchanged.
- A row without SKU is recognised by name and type (and parent, for a variation) among the
  company's products that have no SKU either: one match is updated, none creates a product,
  several reject the row as ambiguous. So a second import does not duplicate it, and a rename
  in WooCommerce makes a new product: give products SKUs to be safe. `id:NN` references
  (`Parent`, `Upsells`, `Cross-sells`) name rows of the same file by their `ID` cell: WooCommerce
  IDs mean nothing in Backroom outside the file.
- Descriptions: WooCommerce keeps descriptions as HTML (the editor writes HTML, the shop renders
  it, line breaks included, as HTML), whether or not a text has tags. So `Description` and
  `Short description` go verbatim to `description_html` / `short_description_html` with the
  format set to HTML, and a store gets back exactly what it had. The plain fields get the text
  without tags (line breaks kept), for screens, search, and stores set to plain text.
- `Stock`, when `department` is given, sets on-hand there through
  inventory.services.set_on_hand (a completed receipt or write-off per row that changes it).
  A blank Stock means the product's stock is not managed; a negative one (back-ordered units)
  is taken as 0 with a warning; stock of a variable product is ignored with a warning, since
  Backroom keeps stock per variation.
- `language`: the language of the texts in the file. The company's language (or none) means
  base texts. Another language makes the file a translation: only Name, Short description and
  Description are read, and they become that language's translation of the products found by
  SKU; a row whose SKU Backroom does not know is rejected. Prices, stock, categories and
  attributes of such a file are ignored, since a shop in another language may show other
  prices and category names that cannot be matched.
- Each row is written in its own transaction (a savepoint inside a caller's transaction): a
  failing row leaves nothing behind, not even a category only it needed, and the other rows go
  in. A variation whose parent row failed fails with that reason. Upsells and cross-sells are
  resolved after all rows, so they may name rows further down.

The file is read three times at most, streamed (csv_source): a first pass checks the header,
the size and row limits and duplicate SKUs before anything is written; the second imports; a
third takes the variations whose parent row comes later in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from backroom.accounts.models import User
from backroom.catalog import selectors, services
from backroom.catalog.errors import CatalogError, ImportFileError, InvalidTranslation
from backroom.catalog.importers.csv_source import MAX_DATA_ROWS, CsvSource, Record
from backroom.catalog.importers.woocommerce_fields import FieldError, Reference
from backroom.catalog.importers.woocommerce_rows import (
    CROSS_SELLS,
    REGULAR_PRICE,
    SALE_PRICE,
    STOCK,
    UPSELLS,
    Columns,
    ProductRow,
    RowError,
    row_keys,
)
from backroom.catalog.models import Attribute, Category, PriceType, Product, Term
from backroom.catalog.services import AttributeUse, Outcome
from backroom.companies.errors import CompanyError
from backroom.companies.models import Company, Department
from backroom.companies.selectors import require_in_company
from backroom.inventory.errors import InventoryError
from backroom.inventory.services import set_on_hand

KINDS = ("category", "attribute", "term", "product", "variation")
_TEXT_FIELDS = (
    "name",
    "description",
    "description_html",
    "short_description",
    "short_description_html",
)
_ROW_FAILURES = (
    RowError,
    FieldError,
    ValidationError,
    CatalogError,
    CompanyError,
    InventoryError,
    DatabaseError,
)


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped or rejected, or imported with a warning. `row` is the row as a
    spreadsheet shows it (the header is row 1)."""

    row: int
    sku: str
    reason: str

    def __str__(self) -> str:
        sku = f" ({self.sku})" if self.sku else ""
        return f"row {self.row}{sku}: {self.reason}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import did. `counts` has one entry per kind in KINDS: distinct items the file
    touched. For a translation file the product and variation counts are of translations."""

    language: str
    translation: bool = False
    rows: int = 0
    imported: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    item_ids: dict[str, list[int]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    """Ids of the distinct items the file touched, per kind (what `--store` links)."""
    skipped: list[RowProblem] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stock_documents: int = 0

    def summary(self) -> str:
        lines = [
            f"Read {self.rows} rows: {self.imported} imported, {len(self.skipped)} skipped, "
            f"{len(self.rejected)} rejected."
        ]
        labels = {
            "category": "Categories",
            "attribute": "Attributes",
            "term": "Terms",
            "product": "Products",
            "variation": "Variations",
        }
        if self.translation:
            labels = {
                "product": f"Product texts ({self.language})",
                "variation": f"Variation texts ({self.language})",
            }
        for kind, label in labels.items():
            counts = self.counts[kind]
            lines.append(
                f"{label}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged."
            )
        if not self.translation:
            lines.append(f"Stock documents posted: {self.stock_documents}.")
        if self.warnings:
            lines.append(f"Warnings: {len(self.warnings)}.")
        lines.extend(self.notes)
        return "\n".join(lines)


def import_woocommerce_csv(
    *,
    company: Company,
    source: BinaryIO | Path,
    regular_price_type: PriceType,
    sale_price_type: PriceType | None = None,
    department: Department | None = None,
    language: str | None = None,
    user: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the products of a WooCommerce product CSV into `company` (see the module's
    docstring for what each column means). `Regular price` goes to `regular_price_type`,
    `Sale price` to `sale_price_type` (ignored without one), `Stock` to `department` (ignored
    without one). `progress(done, total)` is called after each row.

    Raises ImportFileError, before writing anything, when the file as a whole cannot be
    imported; WrongCompany when a price type or department is another company's; problems of
    single rows are in the report."""
    require_in_company(
        company=company,
        regular_price_type=regular_price_type,
        sale_price_type=sale_price_type,
        department=department,
    )
    language = (language or company.language).strip().upper()
    if len(language) != 2 or not language.isascii() or not language.isalpha():
        raise InvalidTranslation(f"{language[:20]!r} is not a two-letter language code.")
    importer = _Importer(
        company=company,
        source=CsvSource(source),
        prices={"regular": regular_price_type, "sale": sale_price_type},
        department=department,
        language=language,
        user=user,
        progress=progress,
    )
    return importer.run()


class _Defer(Exception):
    """The variation's parent row comes later in the file: take the row again at the end."""


_MISSING = object()


class _Journal:
    """Changes to the importer's caches made while writing one row, undone if the row's
    transaction rolls back, so the caches never point at rows that are not in the database."""

    def __init__(self):
        self._undo: list[tuple[dict, object, object]] = []

    def set(self, mapping: dict, key, value) -> None:
        self._undo.append((mapping, key, mapping.get(key, _MISSING)))
        mapping[key] = value

    def undo(self) -> None:
        for mapping, key, old in reversed(self._undo):
            if old is _MISSING:
                mapping.pop(key, None)
            else:
                mapping[key] = old
        self._undo.clear()


@dataclass
class _Scan:
    columns: Columns
    total: int
    first_row_of_key: dict[str, int]
    duplicate_of: dict[int, int]


@dataclass
class _Links:
    row: int
    sku: str
    product: Product
    upsells: list[Reference] | None
    cross_sells: list[Reference] | None


class _Importer:
    def __init__(
        self,
        *,
        company: Company,
        source: CsvSource,
        prices: dict[str, PriceType | None],
        department: Department | None,
        language: str,
        user: User | None,
        progress: Callable[[int, int], None] | None,
    ):
        self.company = company
        self.source = source
        self.prices = prices
        self.department = department
        self.user = user
        self.progress = progress
        self.texts_only = language != company.language.upper()
        self.report = ImportReport(language=language, translation=self.texts_only)
        self.done = 0
        # Caches of what exists, keyed by case-folded names; changed only through a _Journal.
        self.categories: dict[tuple[int | None, str], Category] = {}
        self.attributes: dict[str, Attribute] = {}
        self.terms: dict[tuple[int, str], Term] = {}
        self.next_term_order: dict[int, int] = {}
        # What this file wrote: products by "sku:..."/"id:..." key, the row of each product,
        # rows that failed (row, reason, skipped?), outcomes per kind and item, pending links.
        self.products: dict[str, Product] = {}
        self.written_by_row: dict[int, int] = {}
        self.failed: dict[str, tuple[int, str, bool]] = {}
        self.outcomes: dict[str, dict[int, Outcome]] = {kind: {} for kind in KINDS}
        self.links: dict[int, _Links] = {}
        self.documents_by_row: dict[int, int] = {}
        self.deferred: set[int] = set()

    # -- passes ------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        self.scan = self._scan()
        self._add_notes()
        if not self.texts_only:
            self._load_catalog()
        for record in self._data_records():
            self._take(record, may_defer=True)
        if self.deferred:
            for record in self._data_records():
                if record.row in self.deferred:
                    self._take(record, may_defer=False)
        if self.links:
            self._link()
        self._count()
        return self.report

    def _scan(self) -> _Scan:
        """First pass, nothing written: the header, the limits, and which SKUs and IDs occur
        where (for duplicates, and for parents further down)."""
        records = self.source.records()
        header = next(records, None)
        if header is not None and header.problem:
            not_utf8 = header.problem.startswith("not UTF-8")
            raise ImportFileError(
                ImportFileError.NOT_UTF8 if not_utf8 else ImportFileError.BAD_HEADER,
                f"The header line {'is ' if not_utf8 else ''}{header.problem}.",
            )
        if header is None or not header.cells:
            raise ImportFileError(ImportFileError.EMPTY, "The file has no header line.")
        columns = Columns(header.cells, texts_only=self.texts_only)
        total = 0
        first_row_of_key: dict[str, int] = {}
        duplicate_of: dict[int, int] = {}
        for record in records:
            if not any(cell.strip() for cell in record.cells) and not record.problem:
                continue
            total += 1
            if total > MAX_DATA_ROWS:
                raise ImportFileError(
                    ImportFileError.TOO_MANY_ROWS,
                    f"The file has more than {MAX_DATA_ROWS} rows; split it into smaller files.",
                )
            for key in row_keys(columns.sku_of(record.cells), columns.id_of(record.cells)):
                first = first_row_of_key.setdefault(key, record.row)
                if first != record.row:
                    duplicate_of.setdefault(record.row, first)
        return _Scan(columns, total, first_row_of_key, duplicate_of)

    def _data_records(self) -> Iterator[Record]:
        records = self.source.records()
        next(records)
        for record in records:
            if any(cell.strip() for cell in record.cells) or record.problem:
                yield record

    def _add_notes(self) -> None:
        columns, notes = self.scan.columns, self.report.notes
        if columns.ignored:
            notes.append(
                f"Columns Backroom does not carry were ignored: {', '.join(columns.ignored)}."
            )
        if self.texts_only:
            notes.append(
                f"The file is in {self.report.language}, the company's texts are in "
                f"{self.company.language.upper()}: only names and descriptions were read, as "
                "translations of products found by SKU."
            )
            return
        if columns.has(SALE_PRICE) and self.prices["sale"] is None:
            notes.append("Sale prices were not imported: no price type was given for them.")
        if columns.has(STOCK) and self.department is None:
            notes.append("Stock was not imported: no department was given for it.")

    def _load_catalog(self) -> None:
        for category in selectors.list_categories(company=self.company).order_by("pk"):
            self.categories.setdefault((category.parent_id, category.name.casefold()), category)
        for attribute in selectors.list_attributes(company=self.company).order_by("pk"):
            self.attributes.setdefault(attribute.name.casefold(), attribute)
        for term in selectors.list_terms(company=self.company).order_by("pk"):
            self.terms.setdefault((term.attribute_id, term.name.casefold()), term)
            order = self.next_term_order.get(term.attribute_id, 0)
            self.next_term_order[term.attribute_id] = max(order, term.menu_order + 1)

    # -- one row -----------------------------------------------------------------------------

    def _take(self, record: Record, *, may_defer: bool) -> None:
        columns = self.scan.columns
        sku = columns.sku_of(record.cells)
        keys = row_keys(sku, columns.id_of(record.cells))
        try:
            if record.problem:
                raise RowError(record.problem)
            if record.row in self.scan.duplicate_of:
                first = self.scan.duplicate_of[record.row]
                raise RowError(
                    f"the same SKU or ID is on row {first}; each product may appear once"
                )
            row = columns.read(record.row, record.cells, texts_only=self.texts_only)
        except RowError as error:
            self._fail(record.row, sku, keys, str(error))
            return self._advance()
        if row.skipped:
            reason = f"{row.type} products are not carried by Backroom"
            self.report.skipped.append(RowProblem(row.row, row.sku, reason))
            self._mark_failed(row.row, keys, reason, skipped=True)
            return self._advance()
        journal = _Journal()
        warnings = list(row.warnings)
        try:
            with transaction.atomic():
                write = self._write_translation if self.texts_only else self._write_product
                write(row, journal, warnings, may_defer=may_defer)
        except _Defer:
            journal.undo()
            self.deferred.add(row.row)
            return None
        except _ROW_FAILURES as error:
            journal.undo()
            self._fail(row.row, row.sku, keys, _describe(error))
            return self._advance()
        self.report.imported += 1
        self.report.warnings.extend(RowProblem(row.row, row.sku, warning) for warning in warnings)
        return self._advance()

    def _advance(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.scan.total)

    def _fail(self, row: int, sku: str, keys: list[str], reason: str) -> None:
        self.report.rejected.append(RowProblem(row, sku, reason))
        self._mark_failed(row, keys, reason, skipped=False)

    def _mark_failed(self, row: int, keys: list[str], reason: str, *, skipped: bool) -> None:
        """Remember why the row that owns these keys did not go in, for variations naming it
        as their parent. A duplicate row owns no key: the first row with it does."""
        for key in keys:
            if self.scan.first_row_of_key.get(key) == row:
                self.failed[key] = (row, reason, skipped)

    def _write_product(
        self, row: ProductRow, journal: _Journal, warnings: list[str], *, may_defer: bool
    ):
        parent = (
            self._parent(row, may_defer=may_defer) if row.type == Product.Type.VARIATION else None
        )
        product = self._find(row, parent)
        fields = dict(row.fields)
        if fields.get("name") == "" or (product is None and "name" not in fields):
            raise RowError("Name is empty")
        if row.type == Product.Type.VARIABLE:
            fields.pop("manage_stock", None)  # stock is kept per variation (see _write_stock)
        if product is None:
            product = services.create_product(
                company=self.company, type=row.type, parent=parent, sku=row.sku, **fields
            )
            outcome = Outcome.CREATED
        else:
            changed = services.update_product(product=product, **fields)
            outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        changes = [self._write_prices(row, product)]
        if parent is None:
            changes.append(self._write_categories(row, product, journal))
            changes.append(self._write_attributes(row, product, journal))
        else:
            changes.append(self._write_variation_attributes(row, product, parent))
        if row.images is not None:
            changes.append(services.set_product_images(product=product, urls=row.images))
        self._write_stock(row, product, journal, warnings)
        if outcome is Outcome.UNCHANGED and any(changes):
            outcome = Outcome.UPDATED
        for key in row.keys:
            journal.set(self.products, key, product)
        journal.set(self.written_by_row, product.pk, row.row)
        if parent is None and (row.upsells is not None or row.cross_sells is not None):
            journal.set(
                self.links,
                product.pk,
                _Links(row.row, row.sku, product, row.upsells, row.cross_sells),
            )
        kind = "variation" if parent is not None else "product"
        journal.set(self.outcomes[kind], product.pk, outcome)

    def _parent(self, row: ProductRow, *, may_defer: bool) -> Product:
        reference = row.parent
        if reference is None:
            raise RowError(
                "Parent is empty: a variation needs the SKU or id:NN of its variable product"
            )
        if reference.key in self.failed:
            parent_row, reason, skipped = self.failed[reference.key]
            verb = "skipped" if skipped else "rejected"
            raise RowError(f"its parent {reference} (row {parent_row}) was {verb}: {reason}")
        parent = self.products.get(reference.key)
        if parent is None:
            later = self.scan.first_row_of_key.get(reference.key, 0) > row.row
            if later and may_defer:
                raise _Defer
            if reference.sku and not later:
                parent = selectors.get_product_by_sku(company=self.company, sku=reference.sku)
        if parent is None:
            hint = (
                " (id: names a row of this file by its ID cell)"
                if reference.file_id is not None
                else ""
            )
            raise RowError(f"unknown parent {reference}{hint}")
        if parent.type != Product.Type.VARIABLE:
            raise RowError(f"its parent {reference} is a {parent.type} product, not a variable one")
        if parent.is_deleted:
            raise RowError(f"its parent {reference} is deleted in Backroom")
        return parent

    def _find(self, row: ProductRow, parent: Product | None) -> Product | None:
        """The company's product this row describes, if there is one (module docstring)."""
        if row.sku:
            product = selectors.get_product_by_sku(company=self.company, sku=row.sku)
        else:
            name = str(row.fields.get("name") or "")
            if not name:
                raise RowError("has neither SKU nor Name")
            found = selectors.list_products_without_sku(
                company=self.company, name=name, type=row.type, parent=parent
            )
            if len(found) > 1:
                raise RowError(f"no SKU, and several products without SKU are named '{name[:80]}'")
            product = found[0] if found else None
        if product is None:
            return None
        label = (
            f"SKU {row.sku}" if row.sku else f"the product without SKU named '{product.name[:80]}'"
        )
        if product.pk in self.written_by_row:
            raise RowError(
                f"{label} was already imported from row {self.written_by_row[product.pk]}"
            )
        if product.is_deleted:
            raise RowError(f"{label} is a deleted product in Backroom; restore it first")
        if product.type != row.type:
            raise RowError(
                f"{label} is a {product.type} product in Backroom, the file says {row.type}"
            )
        if parent is not None and product.parent_id != parent.pk:
            raise RowError(f"{label} is a variation of another product in Backroom")
        return product

    def _write_prices(self, row: ProductRow, product: Product) -> bool:
        prices: dict[PriceType, Decimal | None] = {}
        columns = self.scan.columns
        if columns.has(REGULAR_PRICE):
            prices[self.prices["regular"]] = row.regular_price
        if columns.has(SALE_PRICE) and self.prices["sale"] is not None:
            prices[self.prices["sale"]] = row.sale_price
        return services.set_product_prices(product=product, prices=prices) if prices else False

    def _write_categories(self, row: ProductRow, product: Product, journal: _Journal) -> bool:
        if row.categories is None:
            return False
        categories = [self._category(path, journal) for path in row.categories]
        return services.set_product_categories(product=product, categories=categories)

    def _category(self, path: tuple[str, ...], journal: _Journal) -> Category:
        parent: Category | None = None
        for name in path:
            key = (parent.pk if parent else None, name.casefold())
            category = self.categories.get(key)
            if category is None:
                category = services.create_category(company=self.company, name=name, parent=parent)
                journal.set(self.categories, key, category)
                self._seen(journal, "category", category.pk, Outcome.CREATED)
            else:
                self._seen(journal, "category", category.pk, Outcome.UNCHANGED)
            parent = category
        assert parent is not None
        return parent

    def _attribute(self, name: str, journal: _Journal) -> Attribute:
        attribute = self.attributes.get(name.casefold())
        if attribute is None:
            attribute = services.create_attribute(company=self.company, name=name)
            journal.set(self.attributes, name.casefold(), attribute)
            self._seen(journal, "attribute", attribute.pk, Outcome.CREATED)
        else:
            self._seen(journal, "attribute", attribute.pk, Outcome.UNCHANGED)
        return attribute

    def _term(self, attribute: Attribute, name: str, journal: _Journal) -> Term:
        key = (attribute.pk, name.casefold())
        term = self.terms.get(key)
        if term is None:
            order = self.next_term_order.get(attribute.pk, 0)
            term = services.create_term(attribute=attribute, name=name, menu_order=order)
            journal.set(self.terms, key, term)
            journal.set(self.next_term_order, attribute.pk, order + 1)
            self._seen(journal, "term", term.pk, Outcome.CREATED)
        else:
            self._seen(journal, "term", term.pk, Outcome.UNCHANGED)
        return term

    def _seen(self, journal: _Journal, kind: str, pk: int, outcome: Outcome) -> None:
        if pk not in self.outcomes[kind]:
            journal.set(self.outcomes[kind], pk, outcome)

    def _write_attributes(self, row: ProductRow, product: Product, journal: _Journal) -> bool:
        """A simple or variable product's attributes with their values; for a variable one also
        the defaults, when the file has default columns."""
        if row.attributes is None:
            return False
        variable = product.type == Product.Type.VARIABLE
        uses, defaults = [], {}
        for cell in row.attributes:
            attribute = self._attribute(cell.name, journal)
            terms = {
                value.casefold(): self._term(attribute, value, journal) for value in cell.values
            }
            uses.append(
                AttributeUse(
                    attribute=attribute,
                    terms=list(terms.values()),
                    visible=cell.visible,
                    used_for_variations=None if variable else False,
                )
            )
            if cell.default:
                if cell.default.casefold() not in terms:
                    raise RowError(
                        f"Attribute {cell.number} default: '{cell.default[:80]}' is not one of "
                        "its values"
                    )
                defaults[attribute] = terms[cell.default.casefold()]
        changed = services.set_product_attributes(product=product, attributes=uses)
        if variable and self.scan.columns.has_defaults:
            changed |= services.set_default_attributes(product=product, values=defaults)
        return changed

    def _write_variation_attributes(
        self, row: ProductRow, variation: Product, parent: Product
    ) -> bool:
        """The variation's term per attribute of its parent; a blank value means "any"."""
        if row.attributes is None:
            return False
        offered = {
            use.attribute.name.casefold(): use
            for use in selectors.list_product_attributes(product=parent)
        }
        values: dict[Attribute, Term | None] = {}
        for cell in row.attributes:
            label = f"Attribute {cell.number}"
            use = offered.get(cell.name.casefold())
            if use is None:
                raise RowError(
                    f"{label}: {cell.name[:80]} is not an attribute of its parent {row.parent}"
                )
            if len(cell.values) > 1:
                raise RowError(
                    f"{label} value(s): a variation takes one value, not "
                    f"{', '.join(cell.values)[:120]}"
                )
            term = None
            if cell.values:
                terms = {term.name.casefold(): term for term in use.terms.all()}
                term = terms.get(cell.values[0].casefold())
                if term is None:
                    offered_names = ", ".join(term.name for term in use.terms.all())
                    raise RowError(
                        f"{label} value(s): '{cell.values[0][:80]}' is not one of the parent's "
                        f"{use.attribute.name} values ({offered_names[:200]})"
                    )
            values[use.attribute] = term
        changed = services.set_variation_attributes(variation=variation, values=values)
        services.mark_used_for_variations(product=parent, attributes=values)
        return changed

    def _write_stock(
        self, row: ProductRow, product: Product, journal: _Journal, warnings: list[str]
    ) -> None:
        if row.stock is None or self.department is None:
            return
        if product.type == Product.Type.VARIABLE:
            warnings.append(
                "Stock of a variable product is ignored: Backroom keeps stock per variation"
            )
            return
        documents = set_on_hand(
            department=self.department,
            quantities={product: row.stock},
            user=self.user,
            note=f"Import of a WooCommerce CSV, row {row.row}",
        )
        if documents:
            journal.set(self.documents_by_row, row.row, len(documents))

    def _write_translation(
        self, row: ProductRow, journal: _Journal, warnings: list[str], *, may_defer: bool
    ):
        if not row.sku:
            raise RowError("has no SKU: a translation row needs the SKU of its product")
        product = selectors.get_product_by_sku(company=self.company, sku=row.sku)
        if product is None:
            raise RowError(
                f"no product has SKU {row.sku} in Backroom: a translation needs the product first"
            )
        if product.is_deleted:
            raise RowError(f"SKU {row.sku} is a deleted product in Backroom")
        texts = {name: row.fields[name] for name in _TEXT_FIELDS if name in row.fields}
        _, outcome = services.upsert_translation(
            item=product, language=self.report.language, **texts
        )
        kind = "variation" if product.type == Product.Type.VARIATION else "product"
        journal.set(self.outcomes[kind], product.pk, outcome)

    # -- after all rows ----------------------------------------------------------------------

    def _link(self) -> None:
        """Upsells and cross-sells, now that every row is in: a name that matches no product is
        a warning on the row, the rest of the row stands."""
        wanted = {
            reference.sku
            for links in self.links.values()
            for reference in (links.upsells or []) + (links.cross_sells or [])
            if reference.sku and reference.key not in self.products
        }
        known = dict(self.products)
        wanted_list = sorted(wanted)
        for start in range(0, len(wanted_list), 500):
            chunk = wanted_list[start : start + 500]
            for sku, product in selectors.list_products_by_sku(
                company=self.company, skus=chunk
            ).items():
                known.setdefault(Reference(sku=sku).key, product)
        for links in self.links.values():
            related = {}
            for column, references in ((UPSELLS, links.upsells), (CROSS_SELLS, links.cross_sells)):
                related[column] = []
                for reference in references or []:
                    product = known.get(reference.key)
                    if (
                        product is None
                        or product.is_deleted
                        or product.type == Product.Type.VARIATION
                    ):
                        why = (
                            "names no product"
                            if product is None
                            else "is not a product that can be offered"
                        )
                        self.report.warnings.append(
                            RowProblem(
                                links.row, links.sku, f"{column.capitalize()}: {reference} {why}"
                            )
                        )
                    else:
                        related[column].append(product)
            try:
                with transaction.atomic():
                    changed = services.set_related_products(
                        product=links.product,
                        upsells=related[UPSELLS] if links.upsells is not None else None,
                        cross_sells=related[CROSS_SELLS] if links.cross_sells is not None else None,
                    )
            except _ROW_FAILURES as error:
                self.report.warnings.append(
                    RowProblem(
                        links.row,
                        links.sku,
                        f"upsells and cross-sells not saved: {_describe(error)}",
                    )
                )
                continue
            if changed and self.outcomes["product"].get(links.product.pk) is Outcome.UNCHANGED:
                self.outcomes["product"][links.product.pk] = Outcome.UPDATED

    def _count(self) -> None:
        for kind, outcomes in self.outcomes.items():
            counts = self.report.counts[kind]
            for outcome in outcomes.values():
                setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
            self.report.item_ids[kind] = sorted(outcomes)
        self.report.rows = self.scan.total
        self.report.stock_documents = sum(self.documents_by_row.values())
        self.report.rejected.sort(key=lambda problem: problem.row)
        self.report.warnings.sort(key=lambda problem: problem.row)


def _describe(error: Exception) -> str:
    """A failure of one row as a line of the report."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name.replace('_', ' ')}: {' '.join(messages)}"
                for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    if isinstance(error, DatabaseError):
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return f"the database refused the row: {first_line[:300]}"
    return str(error)
