"""`backroom import_products FILE --company ID --regular-price-type ID ...`: import a catalog in
WooCommerce's product CSV layout (catalog.importers.woocommerce_csv).

Every id is checked against the company before anything is read, so a wrong id stops the
command with nothing written. With `--store ID` (repeatable) the categories and attributes the
file names are linked to those online stores of the company, as the link screens do (existing
links and the stores' ids for them are kept; linked categories become online-store
categories). The exit status is 0 when every row went in or was skipped, and
1 when rows were rejected (they are listed), so scripts can tell.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backroom.catalog.errors import ImportFileError, InvalidTranslation
from backroom.catalog.importers.woocommerce_csv import ImportReport, import_woocommerce_csv
from backroom.catalog.models import PriceType
from backroom.catalog.selectors import get_price_type
from backroom.companies.models import Company
from backroom.stores.models import Store
from backroom.stores.services import link_store_items


class Command(BaseCommand):
    help = (
        "Import products from a WooCommerce product CSV export. Running it again with the same "
        "file changes nothing. Exit status 1 when rows were rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file, as WooCommerce exports it.")
        parser.add_argument("--company", type=int, required=True, help="Company id.")
        parser.add_argument(
            "--regular-price-type",
            type=int,
            required=True,
            help="Price type id that receives `Regular price`.",
        )
        parser.add_argument(
            "--sale-price-type",
            type=int,
            help="Price type id that receives `Sale price` (not imported without it).",
        )
        parser.add_argument(
            "--department",
            type=int,
            help="Department id whose on-hand is set from `Stock` (not imported without it).",
        )
        parser.add_argument(
            "--language",
            help=(
                "Two-letter language of the texts in the file. Default: the company's language. "
                "Another language imports only names and descriptions, as translations of "
                "products found by SKU."
            ),
        )
        parser.add_argument(
            "--store",
            type=int,
            action="append",
            default=[],
            dest="stores",
            metavar="ID",
            help=(
                "Online store (connection) id of the company to link the imported categories "
                "and attributes to; repeat for several stores."
            ),
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        company = Company.objects.filter(pk=options["company"]).first()
        if company is None:
            raise CommandError(f"There is no company with id {options['company']}.")
        regular = _price_type(company, options["regular_price_type"], "--regular-price-type")
        sale = None
        if options["sale_price_type"] is not None:
            sale = _price_type(company, options["sale_price_type"], "--sale-price-type")
        department = None
        if options["department"] is not None:
            department = company.departments.filter(pk=options["department"]).first()
            if department is None:
                raise CommandError(
                    f"--department {options['department']} is not a department of {company}."
                )
        stores = _stores(company, options["stores"])
        bar = _ProgressBar(enabled=self.stdout.isatty())
        try:
            report = import_woocommerce_csv(
                company=company,
                source=path,
                regular_price_type=regular,
                sale_price_type=sale,
                department=department,
                language=options["language"],
                progress=bar.update,
            )
        except (ImportFileError, InvalidTranslation) as error:
            raise CommandError(f"{path.name}: {error}") from error
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from error
        finally:
            bar.close()
        self.stdout.write(_describe(report))
        if stores:
            self.stdout.write(_link(stores, report))
        if report.rejected:
            count = len(report.rejected)
            raise CommandError(f"{count} row{' was' if count == 1 else 's were'} rejected.")


def _price_type(company: Company, price_type_id: int, option: str) -> PriceType:
    price_type = get_price_type(company=company, price_type_id=price_type_id)
    if price_type is None:
        raise CommandError(f"{option} {price_type_id} is not a price type of {company}.")
    return price_type


def _stores(company: Company, store_ids: list[int]) -> list[Store]:
    """The live stores of the company with these ids, or CommandError naming the first that is
    not one."""
    found = {
        store.pk: store
        for store in Store.objects.filter(company=company, pk__in=store_ids, is_deleted=False)
    }
    for store_id in store_ids:
        if store_id not in found:
            raise CommandError(f"--store {store_id} is not an online store of {company}.")
    return [found[store_id] for store_id in dict.fromkeys(store_ids)]


def _link(stores: list[Store], report: ImportReport) -> str:
    categories = link_store_items(
        stores=stores, kind="category", item_ids=report.item_ids["category"], mode="add"
    )
    attributes = link_store_items(
        stores=stores, kind="attribute", item_ids=report.item_ids["attribute"], mode="add"
    )
    names = ", ".join(f"{store.name} (id {store.pk})" for store in stores)
    return (
        f"Linked to {names}: "
        f"{_count(len(report.item_ids['category']), 'category', 'categories')} "
        f"({_count(categories.linked, 'new link', 'new links')}), "
        f"{_count(len(report.item_ids['attribute']), 'attribute', 'attributes')} "
        f"({_count(attributes.linked, 'new link', 'new links')})."
    )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _describe(report: ImportReport) -> str:
    lines = [report.summary()]
    for title, problems in (
        ("Skipped", report.skipped),
        ("Rejected", report.rejected),
        ("Warning", report.warnings),
    ):
        lines.extend(f"{title} {problem}" for problem in problems)
    return "\n".join(lines)


class _ProgressBar:
    """A tqdm bar on a terminal; nothing when the output goes to a file or a pipe."""

    def __init__(self, *, enabled: bool):
        self._enabled = enabled
        self._bar = None

    def update(self, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="row", desc="Importing")
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
